import type { AzureClients } from './clients';

/** TODO(azure layer): targets operations. */
export class TargetOperations {
  constructor(readonly clients: AzureClients) {}
}
