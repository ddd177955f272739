import { setTimeout as sleep } from 'node:timers/promises';
import { azureCall } from './call';
import type { AzureClients } from './clients';
import { findRestoreJob } from './restore/restoreJob';
import { listRestoreJobs, type RestoreJobCandidate } from './restoreJobCandidates';
import { AzureRequestError, InvalidInputError } from './errors';
import { readRecoveryPoint } from './recoveryPoints';
import { createVmFromRestore } from './restore/createVm';
import { parseEncryptionInfo } from './restore/encryptionInfo';
import { putBackKeyAndSecret } from './restore/keyAndSecret';
import type { KeyAndSecretMaterial } from './restore/material';
import { TERMINAL_JOB_STATUSES, toRestoreJob } from './restore/restoreJob';
import { StagingBlobs } from './restore/staging';
import { triggerRestoreDisks } from './restore/trigger';
import { parseResourceId, sameId } from './names';
import { itemVault, vaultAndClients } from './vaults';
import type {
  CreatedVm,
  CreateVmPlan,
  KeyAndSecretPutBack,
  KeyAndSecretSource,
  KeyVaultTarget,
  OperationOptions,
  ProtectedItemRef,
  RestoreDisksInput,
  RestoreJob,
  RestoreJobOutputs,
  RestorePollOptions,
} from './types';

type VaultOf = Pick<ProtectedItemRef, 'vault' | 'vaultResourceGroup' | 'vaultSubscriptionId'>;
/** A vault by name and resource group, and (issue 17) its subscription when known. */
type VaultPlace = { name: string; resourceGroup: string; subscriptionId?: string };

/** Default wait between polls of a restore job (jobs carry no Retry-After; restores take minutes). */
const JOB_POLL_MS = 30_000;

/**
 * Restoring an ADE-encrypted VM: restore its disks, put its key and secret back, create the VM from the disks
 * (template or compute API), clean up the staged files. Key and secret material never leaves this layer.
 */
export class RestoreOperations {
  private readonly staging: StagingBlobs;

  constructor(readonly clients: AzureClients) {
    this.staging = new StagingBlobs(clients);
  }

  /**
   * Starts a Restore (disks) job and returns its id as soon as Azure names it. Call once per restore request
   * (`reuseJobStartedAfter` makes a retried step find the job it already started).
   * Permission: …/protectedItems/recoveryPoints/restore/action on the vault, Microsoft.Storage/storageAccounts/write
   * on the staging account, Microsoft.Compute/disks/write on the target resource group.
   */
  async beginRestoreDisks(input: RestoreDisksInput, options: OperationOptions = {}): Promise<{ jobId: string }> {
    return azureCall('beginRestoreDisks', async () => {
      const { vault, clients } = await vaultAndClients(this.clients, itemVault(input.item), options);
      // Azure Backup restores an ADE-encrypted VM within its vault's subscription ("You can back up and restore ADE
      // encrypted VMs within the same subscription": https://learn.microsoft.com/azure/backup/backup-azure-encrypted-vm-troubleshoot#before-you-start):
      // a target or staging account elsewhere is refused before anything is sent.
      const vaultSub = parseResourceId(vault.id)?.subscriptionId;
      for (const [field, id] of [
        ['targetResourceGroupId', input.targetResourceGroupId],
        ['stagingAccountId', input.stagingAccountId],
      ] as const) {
        const sub = /^\/subscriptions\/([^/]+)/i.exec(id)?.[1];
        if (sub && vaultSub && !sameId(sub, vaultSub))
          throw new InvalidInputError(
            field,
            `A restore lands in the vault's subscription (${vaultSub}), not in ${sub}.`,
          );
      }
      return triggerRestoreDisks(clients, input, options);
    });
  }

  /**
   * The newest Restore job of `vmName` in the vault started since `since` (a minute of clock skew allowed), if any:
   * how a run that died around its trigger finds the job it started instead of starting another.
   * Permission: Microsoft.RecoveryServices/Vaults/backupJobs/read.
   */
  async findRestoreJob(
    vault: VaultPlace,
    vmName: string,
    since: Date,
    options: OperationOptions = {},
  ): Promise<string | undefined> {
    return azureCall('findRestoreJob', async () => {
      const { clients } = await vaultAndClients(this.clients, vault, options);
      return findRestoreJob(clients, vault, vmName, since, options);
    });
  }

  /**
   * The VM's Restore jobs started in `window`, oldest first, with the target each restores to: crash recovery
   * matches its own job on the run's identity, not on the VM name alone.
   * Permission: Microsoft.RecoveryServices/Vaults/backupJobs/read.
   */
  async listRestoreJobs(
    vault: VaultPlace,
    vmName: string,
    window: { from: Date; to: Date },
    options: OperationOptions = {},
  ): Promise<RestoreJobCandidate[]> {
    return azureCall('listRestoreJobs', async () => {
      const { clients } = await vaultAndClients(this.clients, vault, options);
      return listRestoreJobs(clients, vault, vmName, window, options);
    });
  }

  /**
   * A restore job's status, progress and (once completed) the staged files it names.
   * Permission: Microsoft.RecoveryServices/Vaults/backupJobs/read.
   */
  async getRestoreJob(vault: VaultOf, jobId: string, options: OperationOptions = {}): Promise<RestoreJob> {
    return azureCall('getRestoreJob', async () => {
      const { clients } = await vaultAndClients(this.clients, itemVault(vault), options);
      const job = await clients.backup.jobDetails.get(vault.vault, vault.vaultResourceGroup, jobId, {
        abortSignal: options.abortSignal,
      });
      return toRestoreJob(vault.vault, job);
    });
  }

  /**
   * Follows a restore job until it ends (Completed, CompletedWithWarnings, Failed, Cancelled); `abortSignal` stops
   * the polling at once. Permission: Microsoft.RecoveryServices/Vaults/backupJobs/read.
   */
  async waitForRestoreJob(
    vault: VaultOf,
    jobId: string,
    options: RestorePollOptions & { onProgress?: (job: RestoreJob) => void } = {},
  ): Promise<RestoreJob> {
    for (;;) {
      const job = await this.getRestoreJob(vault, jobId, options);
      options.onProgress?.(job);
      if (TERMINAL_JOB_STATUSES.includes(job.status)) return job;
      await sleep(options.pollIntervalMs ?? JOB_POLL_MS, undefined, { signal: options.abortSignal });
    }
  }

  /**
   * @internal The key and secret backups from the restore job's encryption info blob. The result never leaves
   * src/azure (it redacts itself in logs and JSON); callers outside use `putBackKeyAndSecret`.
   * Data action: Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read on the staging account.
   */
  async readEncryptionInfo(outputs: RestoreJobOutputs, options: OperationOptions = {}): Promise<KeyAndSecretMaterial> {
    return azureCall('readEncryptionInfo', async () => {
      const blob = outputs.encryptionInfoBlobName;
      if (!blob) {
        throw new AzureRequestError('The restore job staged no encryption info (the VM was not encrypted).', {
          code: 'EncryptionInfoNotStaged',
          operation: 'readEncryptionInfo',
        });
      }
      const text = await this.staging.readText(outputs.stagingAccountName, outputs.configContainer, blob, options);
      return parseEncryptionInfo(text, blob);
    });
  }

  /**
   * Puts the VM's key (KEK) and secret (BEK) back into `keyVault` from the restore job's encryption info blob, or
   * for recovery points before 11 July 2017 from the recovery point itself: recovered when soft-deleted, restored
   * when gone, left alone when present. Returns URLs and what was done, never the material.
   * Data actions on the key vault: keys get/restore/recover; secrets list (readMetadata), set, restore, recover;
   * plus blob read on the staging account, or recovery point read on the vault.
   */
  async putBackKeyAndSecret(
    source: KeyAndSecretSource,
    keyVault: KeyVaultTarget,
    osType: 'Windows' | 'Linux',
    vmName: string,
    options: OperationOptions = {},
    kekVault?: KeyVaultTarget,
  ): Promise<KeyAndSecretPutBack> {
    const material = await this.materialFrom(source, options);
    return azureCall('putBackKeyAndSecret', async () =>
      putBackKeyAndSecret(
        await this.clients.of(keyVault.id, options),
        material,
        keyVault,
        osType,
        vmName,
        options,
        kekVault,
      ),
    );
  }

  /**
   * Creates the VM from the restored disks: from the restore job's template (recovery points from 26 April 2017 on)
   * deployed inline, or through the compute API (NIC, VM attaching the disks); for encrypted VMs the OS disk is
   * pointed at put-back keys (single pass) or the VM model carries them (dual pass), then the ADE extension is pushed.
   * Names derive from `plan.requestId`, so a retried step updates the same VM. A failure carries the failing
   * resource's code (e.g. KeyVaultSecretDoesNotExist) in `details.code`.
   * Permission: Microsoft.Resources/deployments/write, Microsoft.Compute/virtualMachines/write,
   * Microsoft.Compute/disks/write, Microsoft.Network/networkInterfaces/write and subnets/join/action,
   * Microsoft.KeyVault/vaults/deploy/action; blob read on the staging account.
   */
  async createVm(plan: CreateVmPlan, options: RestorePollOptions = {}): Promise<CreatedVm> {
    // The VM lands in its subnet's subscription: the vault's, where the disks were restored.
    return azureCall('createVm', async () =>
      createVmFromRestore(await this.clients.of(plan.subnetId, options), this.staging, plan, options),
    );
  }

  /**
   * Deletes what the restore job staged (VM config, template, encryption info: the last holds wrapped keys).
   * Idempotent: blobs already gone count as deleted. Returns the blob names removed now.
   * Data action: Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete on the staging account.
   */
  async deleteStagingBlobs(outputs: RestoreJobOutputs, options: OperationOptions = {}): Promise<{ deleted: string[] }> {
    return azureCall('deleteStagingBlobs', async () => {
      const account = outputs.stagingAccountName;
      const blobs: { container: string; blob: string }[] = [
        { container: outputs.configContainer, blob: outputs.configBlobName },
      ];
      if (outputs.encryptionInfoBlobName) {
        blobs.push({ container: outputs.configContainer, blob: outputs.encryptionInfoBlobName });
      }
      if (outputs.templateBlobUri) blobs.push(await this.staging.locate(account, outputs.templateBlobUri, options));
      const deleted: string[] = [];
      for (const b of blobs) {
        if (await this.staging.delete(account, b.container, b.blob, options)) deleted.push(b.blob);
      }
      return { deleted };
    });
  }

  private async materialFrom(source: KeyAndSecretSource, options: OperationOptions): Promise<KeyAndSecretMaterial> {
    if ('restoreJob' in source) return this.readEncryptionInfo(source.restoreJob, options);
    const { recoveryPointName, ...item } = source.recoveryPoint;
    const { summary, keyAndSecret } = await readRecoveryPoint(this.clients, item, recoveryPointName, options);
    if (!summary.legacyKeyAndSecret) {
      throw new InvalidInputError(
        'source',
        "Recovery points from 11 July 2017 on do not carry their key and secret: use the restore job's encryption info.",
      );
    }
    if (!keyAndSecret) {
      throw new AzureRequestError(`Recovery point ${recoveryPointName} carries no key and secret.`, {
        code: 'KeyAndSecretNotInRecoveryPoint',
        operation: 'putBackKeyAndSecret',
      });
    }
    return keyAndSecret;
  }
}
