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

// Restore (recovery points, restore targets, restore runs): src/azure/restore/types.ts.
export * from './restore/types';
