/** The Azure layer's restore vocabulary: recovery points, restore targets, restore runs (see src/azure/types.ts). */
import type { JobError, JobStatus, OperationOptions, ResourceRef } from '../types';

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
