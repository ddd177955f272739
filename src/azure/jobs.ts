import type { AzureClients } from './clients';

/** TODO(azure layer): jobs operations. */
export class JobOperations {
  constructor(readonly clients: AzureClients) {}
}
