import type { AzureClients } from './clients';

/** TODO(azure layer): vms operations. */
export class VmOperations {
  constructor(readonly clients: AzureClients) {}
}
