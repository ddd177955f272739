import type { AzureClients } from './clients';

/** TODO(azure layer): directory operations. */
export class DirectoryOperations {
  constructor(readonly clients: AzureClients) {}
}
