import { AzureClients } from './clients';
import { DirectoryOperations } from './directory';
import { ApprovedCredential } from './identity';
import { JobOperations } from './jobs';
import { KeyVaultOperations } from './keyVaults';
import { PolicyOperations } from './policies';
import { ProtectionOperations } from './protection';
import { RecoveryPointOperations } from './recoveryPoints';
import { RestoreOperations } from './restore';
import type { AzureSettings } from './settings';
import { TargetOperations } from './targets';
import { VaultOperations } from './vaults';
import { VmOperations } from './vms';

export * from './errors';
export type { IdentityState } from './identity';
export type { AzureSettings } from './settings';
export * from './types';
export * from './troubleshooting';
export { countRequests, trackWrites } from './trail';
export { TRAIL_TAGS, trailTags } from './restore/tags';

/**
 * The Azure layer, in the bot's vocabulary. The only importer of @azure/*; everything runs under the one approved
 * managed identity (ApprovedCredential).
 */
export interface Azure {
  identity: ApprovedCredential;
  vaults: VaultOperations;
  policies: PolicyOperations;
  vms: VmOperations;
  keyVaults: KeyVaultOperations;
  protection: ProtectionOperations;
  jobs: JobOperations;
  directory: DirectoryOperations;
  recoveryPoints: RecoveryPointOperations;
  restore: RestoreOperations;
  targets: TargetOperations;
}

export function createAzure(settings: AzureSettings): Azure {
  const identity = new ApprovedCredential(settings);
  const clients = new AzureClients(settings, identity);
  return {
    identity,
    vaults: new VaultOperations(clients),
    policies: new PolicyOperations(clients),
    vms: new VmOperations(clients),
    keyVaults: new KeyVaultOperations(clients),
    protection: new ProtectionOperations(clients),
    jobs: new JobOperations(clients),
    directory: new DirectoryOperations(clients),
    recoveryPoints: new RecoveryPointOperations(clients),
    restore: new RestoreOperations(clients),
    targets: new TargetOperations(clients),
  };
}
