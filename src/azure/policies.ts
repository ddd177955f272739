import type { AzureClients } from './clients';

/** TODO(azure layer): policies operations. */
export class PolicyOperations {
  constructor(readonly clients: AzureClients) {}
}
