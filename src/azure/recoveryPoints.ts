import type { AzureClients } from './clients';

/** TODO(azure layer): recoveryPoints operations. */
export class RecoveryPointOperations {
  constructor(readonly clients: AzureClients) {}
}
