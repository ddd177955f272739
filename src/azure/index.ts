import { AzureClients } from './clients';
import { DirectoryOperations } from './directory';
import { ApprovedCredential } from './identity';
import { JobOperations } from './jobs';
import { KeyVaultOperations } from './keyVaults';
import { PolicyOperations } from './policies';
import { ProtectionOperations } from './protection';
import { RecoveryPointOperations } from './recoveryPoints';
import { ResourceLookup } from './resourceGraph';
import { RehearsalOperations } from './rehearsal';
import { RestoreOperations } from './restore';
import type { AzureSettings } from './settings';
import type { SubscriptionDirectory } from './subscriptions';
import { SigningKeyOperations } from './signingKey';
import { TargetOperations } from './targets';
import { VaultOperations } from './vaults';
import { VmOperations } from './vms';

export * from './errors';
export type { IdentityState } from './identity';
export type { ManagedSubscription, SubscriptionDirectory } from './subscriptions';
export { subscriptionOf } from './subscriptions';
export { parseResourceId } from './names';
export type { FoundResource, ResourceKind } from './resourceGraph';
export type { AzureSettings } from './settings';
export * from './types';
export type { RestoreJobCandidate } from './restoreJobCandidates';
export * from './troubleshooting';
export { countRequests, trackWrites } from './trail';
export { TRAIL_TAGS, trailTags } from './restore/tags';
export { RESTORE_TAG } from './restore/createOnce';
export {
  NETWORK_NOT_ISOLATED,
  REHEARSAL_PURPOSE_TAG,
  REHEARSAL_TAG,
  type CleanupOutcome,
  type IsolatedSubnet,
  type RehearsalNetworkSetting,
  type RestoredVmHealth,
} from './rehearsal';

/**
 * The Azure layer, in the bot's vocabulary. The only importer of @azure/*; everything runs under the one approved
 * managed identity (ApprovedCredential).
 */
export interface Azure {
  identity: ApprovedCredential;
  /** The managed subscriptions (issue 17): names, which the identity can read, the clients of each. */
  subscriptions: SubscriptionDirectory;
  /** Resources by name in one query (Resource Graph, else ARM's filtered list), shared so a refusal is remembered once. */
  lookup: ResourceLookup;
  vaults: VaultOperations;
  policies: PolicyOperations;
  vms: VmOperations;
  keyVaults: KeyVaultOperations;
  protection: ProtectionOperations;
  jobs: JobOperations;
  directory: DirectoryOperations;
  recoveryPoints: RecoveryPointOperations;
  restore: RestoreOperations;
  /** Restore rehearsals: the isolated network, the restored VM's health, clean-up of what a rehearsal made. */
  rehearsal: RehearsalOperations;
  targets: TargetOperations;
  /** Live mode's record signing key, from Key Vault (src/store/signing.ts). */
  signingKey: SigningKeyOperations;
}

export function createAzure(settings: AzureSettings): Azure {
  const identity = new ApprovedCredential(settings);
  const clients = new AzureClients(settings, identity);
  const lookup = new ResourceLookup(clients);
  return {
    identity,
    subscriptions: clients.subscriptions,
    lookup,
    vaults: new VaultOperations(clients),
    policies: new PolicyOperations(clients),
    vms: new VmOperations(clients, lookup),
    keyVaults: new KeyVaultOperations(clients),
    protection: new ProtectionOperations(clients),
    jobs: new JobOperations(clients),
    directory: new DirectoryOperations(clients),
    recoveryPoints: new RecoveryPointOperations(clients),
    restore: new RestoreOperations(clients),
    rehearsal: new RehearsalOperations(clients),
    targets: new TargetOperations(clients),
    signingKey: new SigningKeyOperations(clients),
  };
}
