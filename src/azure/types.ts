/**
 * The Azure layer's vocabulary: what the rest of the bot sees. No SDK model crosses this line; mapping from SDK
 * models happens in one place per area (the *.map.ts files / the operation files).
 * Every operation takes an options bag with `abortSignal` last.
 */

export interface OperationOptions {
  abortSignal?: AbortSignal;
}

/** /subscriptions/{sub}/resourceGroups/{rg}/providers/{type}/{name} parsed. */
export interface ResourceRef {
  id: string;
  name: string;
  resourceGroup: string;
  /**
   * The display name of the resource's subscription, set by lists and look-ups only when the bot manages more than
   * one subscription (issue 17), so pickers can say which.
   */
  subscriptionName?: string;
}

export interface VaultSummary extends ResourceRef {
  location: string;
}

export interface PolicySummary {
  name: string;
  /** Full ARM id of the policy. */
  id: string;
  vault: string;
  frequency: 'Daily' | 'Weekly';
  /** 'HH:mm' UTC */
  time: string;
  /** Weekly policies: days of the week. */
  days?: string[];
  /** Daily retention in days, or weekly retention in weeks (see `retentionUnit`). */
  retention: number;
  retentionUnit: 'Days' | 'Weeks';
  protectedItemsCount: number;
  /** True for the vault's default policy (named DefaultPolicy). */
  isDefault: boolean;
}

export interface NewPolicy {
  name: string;
  frequency: 'Daily' | 'Weekly';
  time: string;
  days?: string[];
  retention: number;
}

/** How a VM is encrypted with Azure Disk Encryption. */
export type EncryptionKind = 'none' | 'bek' | 'bek+kek';

/**
 * What Backup Management Service must read in one key vault: an encryption kind, or 'kek' for a vault that holds only
 * a VM's KEK (its BEK being in another vault: KEKDetails.keyVaultId apart from BEKDetails.secretVaultId). Least
 * privilege each: secrets on the BEK's vault, keys on the KEK's.
 */
export type KeyVaultNeed = EncryptionKind | 'kek';

export interface VmEncryption {
  kind: EncryptionKind;
  /** 'single' = ADE without the Azure AD app (settings on the disks), 'dual' = with it (settings on the VM model). */
  pass?: 'single' | 'dual';
  /** Key vault holding the BEK (secret). */
  keyVault?: ResourceRef;
  /** Key vault holding the KEK, when it differs. */
  kekVault?: ResourceRef;
  secretUrl?: string;
  keyUrl?: string;
  /** Dual pass: the Microsoft Entra app's client id (the ADE extension's public AADClientID setting), when known. */
  aadClientId?: string;
  /** Where the settings were read from (for the check card). */
  sources: ('vmModel' | 'disk' | 'extension' | 'instanceView')[];
}

export type VmAgentState = 'ready' | 'not-ready' | 'unknown';

export interface VmSummary extends ResourceRef {
  location: string;
  /** Resource Manager VM, or a classic one (not supported). */
  deployment: 'resourceManager' | 'classic';
  osType?: 'Windows' | 'Linux';
  vmSize?: string;
  encryption: VmEncryption;
  agent: VmAgentState;
  /** Set when the VM is protected: which vault and policy. */
  protection?: ProtectionSummary;
}

export interface ProtectionSummary {
  vault: string;
  vaultResourceGroup: string;
  /** The vault's subscription (issue 17); absent in records from before several subscriptions. */
  vaultSubscriptionId?: string;
  policyName?: string;
  state: string;
  lastBackupStatus?: string;
  lastBackupTime?: Date;
  /** When the newest recovery point was taken; undefined while the item has none (the first backup not done). */
  lastRecoveryPoint?: Date;
  /** Protected item names, as Azure Backup addresses them. */
  containerName: string;
  protectedItemName: string;
}

export type KeyVaultAccessModel = 'accessPolicy' | 'rbac';

/** A key vault of the subscription, as its list returns it: enough to offer it and to know its access model. */
export interface KeyVaultSummary extends ResourceRef {
  location: string;
  model: KeyVaultAccessModel;
  vaultUri?: string;
}

/** Whether Backup Management Service can read what it needs from a key vault. */
export interface KeyVaultAccess {
  keyVault: ResourceRef;
  exists: boolean;
  model?: KeyVaultAccessModel;
  vaultUri?: string;
  granted: boolean;
  /** What is missing, e.g. ['keys:backup', 'secrets:get'] or ['role'] for RBAC vaults. */
  missing: string[];
  /** The exact change a grant would make (shown on the confirmation card). */
  change?: KeyVaultGrantChange;
}

export type KeyVaultGrantChange =
  | { kind: 'accessPolicy'; principalObjectId: string; keys: string[]; secrets: string[] }
  | { kind: 'roleAssignment'; principalObjectId: string; roleDefinitionId: string; roleName: string; scope: string };

export type JobStatus =
  'InProgress' | 'Completed' | 'CompletedWithWarnings' | 'Failed' | 'Cancelled' | 'Cancelling' | string;

export interface JobError {
  /** Numeric job error code as Azure reports it (e.g. 400105), when present. */
  code?: number;
  /** The error's name, e.g. UserErrorKeyVaultPermissionsNotConfigured (job errorTitle), when present. */
  title?: string;
  message: string;
  recommendations: string[];
}

export interface JobSummary {
  id: string;
  vault: string;
  operation: string;
  status: JobStatus;
  vmName: string;
  /** The VM's resource group, from the job's container name (`iaasvmcontainerv2;<rg>;<vm>`), for portal links. */
  vmResourceGroup?: string;
  /** The vault's resource group, from the job's ARM id. */
  vaultResourceGroup?: string;
  startTime?: Date;
  endTime?: Date;
  durationText?: string;
  progressPercent?: number;
  errors: JobError[];
  /** extendedInfo.propertyBag (restore jobs carry blob names and the template uri here). */
  properties: Record<string, string>;
  isUserTriggered?: boolean;
}

export interface JobQuery {
  status?: string;
  operation?: string;
  startTime?: Date;
  endTime?: Date;
}

export interface RecoveryPointSummary {
  id: string;
  name: string;
  time: Date;
  type: string;
  encrypted: boolean;
  osType?: string;
  /** Recovery points before 26 April 2017 cannot be restored from a template. */
  templateRestorable: boolean;
  /** Recovery points before 11 July 2017 carry their key and secret themselves (legacy approach). */
  legacyKeyAndSecret: boolean;
  /**
   * False for a point taken while the VM had unmanaged disks (isManagedVirtualMachine): its restore brings the disks
   * back as VHD blobs in the staging account, and unmanaged disks were retired in 2025.
   */
  managedDisks: boolean;
}

/** A Recovery Services vault by name (its resource group is looked up once), or by name and resource group. */
/**
 * A vault by name, by ARM id, or by name and resource group (and, with several subscriptions, the subscription it is
 * in: issue 17; without it the vault lists of every managed subscription say which).
 */
export type VaultRef = string | { name: string; resourceGroup: string; subscriptionId?: string };

/** A key vault by ARM id, or by name and resource group. */
export type KeyVaultRef = string | Pick<ResourceRef, 'name' | 'resourceGroup'>;

/** A VM offered as a choice: enough to pick one without reading each VM. */
export interface VmListItem extends ResourceRef {
  location: string;
  protected: boolean;
  /** Vault protecting it, when protected. */
  vault?: string;
  /** Its backup policy, and Backup's protectionState (IRPending, Protected, ProtectionStopped, …), when protected. */
  policy?: string;
  protectionState?: string;
  /** Protected and with at least one recovery point (something to restore). */
  hasRecoveryPoint?: boolean;
}

export interface EnableProtectionInput {
  /** The VM as `vms.get` returned it (preferred: classic, BEK-only and region checks need it), or its ARM id. */
  vm: VmSummary | string;
  vault: VaultRef;
  policyName: string;
  /**
   * Newer Azure backs up BEK-only VMs; the source document refuses them (decrypt, re-encrypt with BEK and KEK).
   * Default false: follow the document.
   */
  allowBekOnly?: boolean;
}

export interface ProtectionResult {
  vault: string;
  vaultResourceGroup: string;
  containerName: string;
  protectedItemName: string;
  /** The ConfigureBackup job; absent only when Azure configured the item synchronously (200). */
  jobId?: string;
}

export type TriggerBackupInput =
  | { vm: VmSummary; retainUntil: Date }
  | {
      item: Pick<ProtectionSummary, 'vault' | 'containerName' | 'protectedItemName'> & { vaultResourceGroup?: string };
      retainUntil: Date;
    };

/** A key or secret in a key vault: there, soft-deleted (recoverable), or gone. */
export type KeyVaultObjectState = 'active' | 'soft-deleted' | 'missing';

export interface KeyVaultGrantResult {
  /** False when Backup Management Service already had what it needs: "already granted" is an answer. */
  changed: boolean;
  /** The access read back after the change. */
  access: KeyVaultAccess;
}

// ---- Restore (recovery points, restore targets, restore runs) ----

/** A protected VM as Azure Backup addresses it. */
export interface ProtectedItemRef {
  vault: string;
  vaultResourceGroup: string;
  /** The vault's subscription (issue 17); absent: the managed subscriptions' vault lists say which. */
  vaultSubscriptionId?: string;
  containerName: string;
  protectedItemName: string;
}

/** A storage account the restore job may stage the VM config, template and encryption info in. */
export interface StagingAccount extends ResourceRef {
  location: string;
  /** primaryEndpoints.blob */
  blobEndpoint: string;
}

export interface ResourceGroupChoice extends ResourceRef {
  location: string;
}

/** One subnet a restored VM's NIC may join. */
export interface SubnetChoice {
  /** Subnet ARM id. */
  id: string;
  vnet: string;
  subnet: string;
  /** The virtual network's resource group. */
  resourceGroup: string;
  location: string;
  addressPrefix?: string;
}

export interface MissingPermission {
  action: string;
  /** Scope the action is needed on (resource group or resource id). */
  scope: string;
  /** The built-in role that would grant it. */
  role: string;
}

export interface PermissionCheck {
  allowed: boolean;
  missing: MissingPermission[];
}

export interface RestoreDisksInput {
  item: ProtectedItemRef;
  recoveryPointName: string;
  /** ARM id of the VM that was backed up. */
  sourceVmId: string;
  stagingAccountId: string;
  targetResourceGroupId: string;
  /**
   * False for a point of a VM that had unmanaged disks: as the Azure CLI's restore_disks does, no
   * targetResourceGroupId is sent then (the disks come back as VHD blobs in the staging account).
   */
  managedDisks?: boolean;
  /** The vault's region (staging account and restored disks live there). */
  region: string;
  /**
   * A retried step after a crash: when a Restore job for this VM started at or after this time exists, it is
   * returned instead of starting a second restore.
   */
  reuseJobStartedAfter?: Date;
}

/** What a completed Restore (disks) job left behind, read from its property bag. */
export interface RestoreJobOutputs {
  stagingAccountName: string;
  configContainer: string;
  configBlobName: string;
  templateBlobUri?: string;
  /** Encrypted VMs only: the blob with the wrapped key and secret backups. */
  encryptionInfoBlobName?: string;
  /** Where the disks were restored. */
  targetResourceGroup?: string;
}

export interface RestoreJob {
  id: string;
  vault: string;
  status: JobStatus;
  vmName: string;
  progressPercent?: number;
  startTime?: Date;
  endTime?: Date;
  errors: JobError[];
  /** Set once the property bag names the staged files (the job has completed). */
  outputs?: RestoreJobOutputs;
}

/** Where a restore takes the VM's key and secret from. */
export type KeyAndSecretSource =
  | { restoreJob: RestoreJobOutputs }
  /** Legacy approach: only recovery points before 11 July 2017 carry their own key and secret. */
  | { recoveryPoint: ProtectedItemRef & { recoveryPointName: string } };

/** The key vault a key and secret are put back into, and the one the new VM's encryption settings name. */
export interface KeyVaultTarget {
  /** Key vault ARM id. */
  id: string;
  /** https://{vault}.vault.azure.net/ — looked up when absent. */
  vaultUri?: string;
}

export type KeyAndSecretAction =
  | 'key already present'
  | 'recovered key'
  | 'restored key'
  | 'secret already present'
  | 'recovered secret'
  | 'restored secret';

/** URLs only: the key and secret material never leaves the Azure layer. */
export interface KeyAndSecretPutBack {
  keyUrl?: string;
  secretUrl: string;
  keyVaultId: string;
  /** The KEK's key vault when it is another one than the BEK's. */
  kekVaultId?: string;
  actions: KeyAndSecretAction[];
  /** True when the key or secret now lives at another URL than the restored disks name (new version or vault). */
  changed: boolean;
}

export interface CreateVmPlan {
  /** The restore request's id: deployment, VM and NIC names derive from it, so a retried step reuses them. */
  requestId: string;
  outputs: RestoreJobOutputs;
  recoveryPointTime: Date;
  /** Name of the VM that was backed up. */
  sourceVmName: string;
  osType: 'Windows' | 'Linux';
  targetResourceGroup: string;
  region: string;
  /** Subnet ARM id for the new NIC. */
  subnetId: string;
  /** New VM name; derived from the source name and the request id when absent. */
  vmName?: string;
  /** The new NIC's name (the plan's); `<vmName>-nic` when absent. */
  nicName?: string;
  /** Encrypted VMs: the key vault, and where the key and secret are (after putBackKeyAndSecret when put back). */
  encryption?: {
    pass: 'single' | 'dual';
    keyVault: KeyVaultTarget;
    /** The KEK's key vault when it is another one than the BEK's. */
    kekVault?: KeyVaultTarget;
    /** BEK / KEK URLs; when absent (and nothing was put back), read from the restore job's encryption info. */
    secretUrl?: string;
    keyUrl?: string;
    /** From putBackKeyAndSecret: the restored disks must be pointed at the new URLs. */
    putBack?: KeyAndSecretPutBack;
    /** Dual pass: the Microsoft Entra app's client id, for the command the operator runs. */
    aadClientId?: string;
  };
  /** VM size when the VM config blob names none (compute path). */
  vmSize?: string;
  /**
   * How the VM is made: 'compute' (the default) builds it from the plan through the compute API, reading the restore
   * job's VM config as data; 'template' deploys the restore job's template, only if it holds exactly the plan's NIC
   * and VM (else RestoreTemplateRefused).
   */
  path?: 'template' | 'compute';
  /** Tags for the VM, its NIC and disks (restore/tags.ts trailTags: the request, requester and approver). */
  tags?: Record<string, string>;
}

/** Restore operations that wait on Azure: how often to poll when Azure does not say (Retry-After). */
export interface RestorePollOptions extends OperationOptions {
  pollIntervalMs?: number;
}

export interface CreatedVm {
  vmId: string;
  vmName: string;
  path: 'template' | 'compute';
  deploymentName?: string;
  /** The disks the VM was created from. */
  osDiskId?: string;
  dataDiskIds: string[];
  adeExtension?: string;
  /**
   * Dual pass: the ADE extension is not pushed (it needs the Microsoft Entra app's secret, which the bot never holds);
   * this is the command the operator runs, every value filled in but the secret.
   */
  adeCommand?: string;
}
