import type { AzureClients } from './clients';

/** TODO(azure layer): protection operations. */
export class ProtectionOperations {
  constructor(readonly clients: AzureClients) {}
}
