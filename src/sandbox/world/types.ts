/**
 * The sandbox world: plain data, loaded from the seed file and mutated only by operations.
 * Ids are stored in their canonical ARM casing; look-ups compare case-insensitively (see `sameId`).
 * Key and secret material lives here and only here: nothing outside the sandbox ever holds it,
 * except what the Key Vault data plane hands out to an authorised caller.
 */

export interface World {
  tenantId: string;
  subscriptionId: string;
  subscriptionName: string;
  /** Managed identities that can ask the identity endpoint for a token, by client id. */
  identities: ManagedIdentity[];
  /** Directory objects other than managed identities (Backup Management Service). */
  servicePrincipals: ServicePrincipal[];
  /** Entra groups: group object id -> member object ids. */
  groups: Record<string, string[]>;
  roleDefinitions: RoleDefinition[];
  roleAssignments: RoleAssignment[];
  resourceGroups: ResourceGroup[];
  recoveryVaults: RecoveryVault[];
  policies: BackupPolicy[];
  vms: VirtualMachine[];
  disks: ManagedDisk[];
  keyVaults: KeyVault[];
  protectedItems: ProtectedItem[];
  jobs: BackupJob[];
  recoveryPoints: RecoveryPoint[];
  storageAccounts: StorageAccount[];
  /** account name -> container -> blob name -> blob */
  blobs: Record<string, Record<string, Record<string, Blob>>>;
  virtualNetworks: VirtualNetwork[];
  networkInterfaces: NetworkInterface[];
  deployments: Deployment[];
  /**
   * Resources the sandbox only stores and returns (hosts, the Azure Bot, monitoring), as template deployments wrote
   * them: no behaviour behind them.
   */
  armResources: ArmResource[];
}

export interface ManagedIdentity {
  name: string;
  resourceGroup: string;
  clientId: string;
  objectId: string;
  /** True for the identity the bot is configured to trust. */
  approved: boolean;
}

export interface ServicePrincipal {
  appId: string;
  objectId: string;
  displayName: string;
}

export interface RoleDefinition {
  /** GUID name of the role definition (built-in ids are Azure's). */
  name: string;
  roleName: string;
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
  /** 'CustomRole' for the sandbox's own roles; built-in otherwise. */
  type?: 'BuiltInRole' | 'CustomRole';
}

export interface RoleAssignment {
  /** GUID name. */
  name: string;
  scope: string;
  /** Full id: /subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{guid} */
  roleDefinitionId: string;
  principalId: string;
  principalType: 'ServicePrincipal' | 'User' | 'Group';
  /** Free-text condition (ABAC); recorded, and for the bot's RBAC-admin grant, enforced by the authorization module. */
  condition?: string;
  createdOn: string;
  /** Object id of whoever created it through the API (absent for seeded assignments). */
  createdBy?: string;
}

export interface ResourceGroup {
  name: string;
  location: string;
}

export interface RecoveryVault {
  name: string;
  resourceGroup: string;
  location: string;
  /** VM ids a container refresh has discovered (VMs the vault protects are known without one). */
  discoveredVmIds?: string[];
}

export interface BackupPolicy {
  vault: string;
  name: string;
  scheduleRunFrequency: 'Daily' | 'Weekly';
  /** UTC times, ISO strings (only the time part matters). */
  scheduleRunTimes: string[];
  scheduleRunDays?: string[];
  retentionDays?: number;
  retentionWeeks?: number;
  /** Days instant-restore snapshots are kept (Azure: 1-5 daily, 5 weekly); absent = 2 daily / 5 weekly. */
  instantRpRetentionRangeInDays?: number;
  timeZone: string;
}

export type EncryptionPass = 'single' | 'dual';

export interface DiskKeyRef {
  /** Key vault ARM id (of the BEK secret, and of the KEK unless `kekVaultId` says otherwise). */
  vaultId: string;
  secretUrl: string;
  keyUrl?: string;
  /**
   * The KEK's key vault when it is not the BEK's: KeyAndSecretDetails keeps them apart (KEKDetails.keyVaultId vs
   * BEKDetails.secretVaultId, @azure/arm-recoveryservicesbackup models) and the ADE extension has KekVaultResourceId
   * beside KeyVaultResourceId (learn.microsoft.com/azure/virtual-machines/extensions/azure-disk-enc-windows).
   */
  kekVaultId?: string;
}

export interface VirtualMachine {
  name: string;
  resourceGroup: string;
  location: string;
  /** 'classic' VMs live under Microsoft.ClassicCompute and are not served by Microsoft.Compute routes. */
  kind: 'arm' | 'classic';
  osType: 'Windows' | 'Linux';
  vmSize: string;
  agentReady: boolean;
  /** ADE state; absent = not encrypted. Dual pass keeps settings on the VM model, single pass on the disks. */
  encryption?: { pass: EncryptionPass } & DiskKeyRef;
  osDiskName: string;
  dataDiskNames: string[];
  networkInterfaceIds: string[];
  extensions: VmExtension[];
  provisioningState: string;
  /** Resource tags as last PUT (ARM replaces the set on PUT). */
  tags?: Record<string, string>;
  createdBy?: string;
  /**
   * False: a VM created from disks restored from this VM never reports its agent ready (the world's
   * `vm-agentdown-01`: its restore works, a rehearsal of it fails at the check step). Absent = ready.
   */
  restoredAgentReady?: boolean;
}

export interface VmExtension {
  name: string;
  publisher: string;
  type: string;
  typeHandlerVersion: string;
  settings: Record<string, unknown>;
  provisioningState: string;
}

export interface ManagedDisk {
  name: string;
  resourceGroup: string;
  location: string;
  osType?: 'Windows' | 'Linux';
  sizeGb: number;
  tags?: Record<string, string>;
  /** Single-pass ADE settings (encryptionSettingsCollection, version 1.1). */
  encryption?: DiskKeyRef & { version: '1.0' | '1.1' };
  managedBy?: string;
  /** A disk a Restore job made: the ARM id of the VM it was backed up from. */
  restoredFrom?: string;
}

export interface KeyVault {
  name: string;
  resourceGroup: string;
  location: string;
  /** False once deleted (kept so the sandbox knows the name was in use). */
  exists: boolean;
  rbac: boolean;
  accessPolicies: AccessPolicy[];
  keys: KeyVaultObject[];
  secrets: KeyVaultObject[];
  /** Filled at start: https://127.0.0.1:{port}/ — each vault has its own origin. */
  vaultUri?: string;
}

export interface AccessPolicy {
  tenantId: string;
  objectId: string;
  /** Compound identity: the entry applies only to this application acting for `objectId`. */
  applicationId?: string;
  permissions: { keys?: string[]; secrets?: string[]; certificates?: string[] };
}

/** A key or a secret. `state` models soft delete and purge. */
export interface KeyVaultObject {
  name: string;
  version: string;
  state: 'active' | 'deleted' | 'purged';
  /** Secret value (wrapped BEK, base64) or a key's opaque material (base64). Never logged. */
  value: string;
  contentType?: string;
  tags?: Record<string, string>;
  created: string;
  deletedDate?: string;
}

export type ProtectionState = 'IRPending' | 'Protected' | 'ProtectionError' | 'ProtectionStopped';

export interface ProtectedItem {
  vault: string;
  /** VM ARM id (canonical casing). */
  vmId: string;
  vmName: string;
  vmResourceGroup: string;
  policyName: string;
  protectionState: ProtectionState;
  lastBackupStatus?: 'Completed' | 'Failed';
  lastBackupTime?: string;
  /** Last successful backup, for RPO checks. */
  lastRecoveryPointTime?: string;
}

export type JobStatus = 'InProgress' | 'Completed' | 'CompletedWithWarnings' | 'Failed' | 'Cancelled';

export interface BackupJob {
  vault: string;
  /** GUID; the job's name. */
  id: string;
  operation: 'ConfigureBackup' | 'Backup' | 'Restore' | 'DisableBackup' | 'DeleteBackupData';
  status: JobStatus;
  entityFriendlyName: string;
  vmId: string;
  startTime: string;
  endTime?: string;
  isUserTriggered: boolean;
  /**
   * The job's errors. `name` is the error's documented name (sandbox-internal: admin replies, tests); on the wire the
   * job carries errorCode, errorString, recommendations and errorTitle = the entity (see jobShape.ts).
   */
  errorDetails: { errorCode: number; name: string; errorString: string; recommendations: string[] }[];
  propertyBag: Record<string, string>;
  /** When the job's outcome is decided (engine clock, ms since epoch). */
  dueAt: number;
  /** Restore jobs: the recovery point restored (its name) and the managed disk ids the job created. */
  recoveryPoint?: string;
  restoredDiskIds?: string[];
}

export interface RecoveryPoint {
  vault: string;
  vmId: string;
  /** Numeric string id, as Azure uses. */
  name: string;
  time: string;
  type: 'AppConsistent' | 'CrashConsistent' | 'FileSystemConsistent';
  /** Snapshot of the VM's encryption at backup time: what a restore brings back. */
  encryption?: { pass: EncryptionPass } & DiskKeyRef & { osType: 'Windows' | 'Linux' };
  /** Snapshots of the key and secret at backup time (base64 backup blobs), so a restore can put them back. */
  keyBackup?: string;
  secretValue?: string;
  secretBackup?: string;
  vmSize: string;
  osType: 'Windows' | 'Linux';
  /** Taken while the VM had unmanaged disks (isManagedVirtualMachine false): restored as VHD blobs in staging. */
  unmanaged?: boolean;
}

export interface StorageAccount {
  name: string;
  resourceGroup: string;
  location: string;
  sku: string;
  kind: string;
}

export interface Blob {
  /** base64 content */
  content: string;
  contentType: string;
  createdOn: string;
}

export interface VirtualNetwork {
  name: string;
  resourceGroup: string;
  location: string;
  addressPrefix: string;
  subnets: { name: string; addressPrefix: string }[];
  /** Resource tags (a rehearsal network carries `ade-backup-bot:purpose: rehearsal`). */
  tags?: Record<string, string>;
  /** Peerings: the name and the remote virtual network's ARM id of each. */
  peerings?: { name: string; remoteId: string }[];
}

export interface NetworkInterface {
  name: string;
  resourceGroup: string;
  location: string;
  subnetId: string;
  /** Resource tags as last PUT. */
  tags?: Record<string, string>;
}

export interface Deployment {
  name: string;
  resourceGroup: string;
  provisioningState: 'Running' | 'Succeeded' | 'Failed';
  timestamp: string;
  outputs?: Record<string, unknown>;
  /** Failed deployments: DeploymentFailed, with the failing resource's own error in details. */
  error?: { code: string; message: string; details?: { code: string; message: string; target?: string }[] };
  /** The parameters as ARM echoes them ({name: {type, value}}). */
  parameters?: Record<string, { type: string; value?: unknown }>;
  /** Ids of the resources the deployment created or updated. */
  outputResources?: string[];
  /** The template link (without any SAS query), when the template was linked rather than inline. */
  templateLinkUri?: string;
  /** The engine operation behind the deployment's Azure-AsyncOperation URL. */
  operationId?: string;
}

/** A resource kept as written (plus the read-only properties Azure computes that templates read back). */
export interface ArmResource {
  id: string;
  type: string;
  name: string;
  resourceGroup: string;
  location?: string;
  kind?: string;
  sku?: Record<string, unknown>;
  identity?: Record<string, unknown>;
  properties: Record<string, any>;
  apiVersion?: string;
}
