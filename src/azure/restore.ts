import type { AzureClients } from './clients';

/** TODO(azure layer): restore operations. */
export class RestoreOperations {
  constructor(readonly clients: AzureClients) {}
}
