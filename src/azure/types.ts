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
  policyName?: string;
  state: string;
  lastBackupStatus?: string;
  lastBackupTime?: Date;
  /** Protected item names, as Azure Backup addresses them. */
  containerName: string;
  protectedItemName: string;
}

export type KeyVaultAccessModel = 'accessPolicy' | 'rbac';

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

export type JobStatus = 'InProgress' | 'Completed' | 'CompletedWithWarnings' | 'Failed' | 'Cancelled' | 'Cancelling' | string;

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
}
