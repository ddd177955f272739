import type { AzureClients } from './clients';

/** TODO(azure layer): vaults operations. */
export class VaultOperations {
  constructor(readonly clients: AzureClients) {}
}
