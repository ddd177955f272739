import type { AzureClients } from './clients';

/** TODO(azure layer): keyVaults operations. */
export class KeyVaultOperations {
  constructor(readonly clients: AzureClients) {}
}
