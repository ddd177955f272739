import { setTimeout as sleep } from 'node:timers/promises';
import { azureCall } from './call';
import type { AzureClients } from './clients';
import { AzureRequestError, InvalidInputError } from './errors';
import { parseResourceId, resourceGroupId } from './names';
import { readRecoveryPoint } from './recoveryPoints';
import { adeExtension, adeExtensionName } from './restore/adeExtension';
import { TEMPLATE_RESTORE_SINCE } from './restore/backupDate';
import { parseEncryptionInfo } from './restore/encryptionInfo';
import { putBackKeyAndSecret } from './restore/keyAndSecret';
import type { KeyAndSecretMaterial } from './restore/material';
import { restoreNames } from './restore/naming';
import { TERMINAL_JOB_STATUSES, toRestoreJob } from './restore/restoreJob';
import { StagingBlobs } from './restore/staging';
import { deployTemplate, retargetEncryption, templateParameters, type EncryptionRefs } from './restore/template';
import { triggerRestoreDisks } from './restore/trigger';
import { createNic, createVmFromDisks, pointOsDiskAtKeys } from './restore/vmFromDisks';
import { parseVmConfig, resolveRestoredDisks, type RestoredDisks, type VmConfig } from './restore/vmConfig';
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

type VaultOf = Pick<ProtectedItemRef, 'vault' | 'vaultResourceGroup'>;

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
    return azureCall('beginRestoreDisks', () => triggerRestoreDisks(this.clients, input, options));
  }

  /**
   * A restore job's status, progress and (once completed) the staged files it names.
   * Permission: Microsoft.RecoveryServices/Vaults/backupJobs/read.
   */
  async getRestoreJob(vault: VaultOf, jobId: string, options: OperationOptions = {}): Promise<RestoreJob> {
    return azureCall('getRestoreJob', async () => {
      const job = await this.clients.backup.jobDetails.get(vault.vault, vault.vaultResourceGroup, jobId, {
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
   * Data actions on the key vault: keys get/restore/recover, secrets get/set/restore/recover;
   * plus blob read on the staging account, or recovery point read on the vault.
   */
  async putBackKeyAndSecret(
    source: KeyAndSecretSource,
    keyVault: KeyVaultTarget,
    osType: 'Windows' | 'Linux',
    vmName: string,
    options: OperationOptions = {},
  ): Promise<KeyAndSecretPutBack> {
    const material = await this.materialFrom(source, options);
    return azureCall('putBackKeyAndSecret', () =>
      putBackKeyAndSecret(this.clients, material, keyVault, osType, vmName, options),
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
    return azureCall('createVm', async () => {
      const names = restoreNames(plan.requestId, plan.sourceVmName, plan.vmName);
      const rg = plan.targetResourceGroup;
      const templateUsable =
        !!plan.outputs.templateBlobUri && plan.recoveryPointTime.getTime() >= TEMPLATE_RESTORE_SINCE.getTime();
      if (plan.path === 'template' && !templateUsable) {
        throw new InvalidInputError(
          'path',
          'This recovery point has no deployment template (points before 26 April 2017).',
        );
      }
      const path = plan.path ?? (templateUsable ? 'template' : 'compute');
      const enc = plan.encryption;
      const refs = enc && (await this.encryptionRefs(plan, options));
      const moveDiskKeys = enc?.pass === 'single' && enc.putBack?.changed === true;

      // The VM config blob names the restored disks (and the VM size for the compute path).
      let config: VmConfig | undefined;
      let disks: RestoredDisks | undefined;
      if (path === 'compute' || moveDiskKeys) {
        const { outputs } = plan;
        config = parseVmConfig(
          await this.staging.readText(
            outputs.stagingAccountName,
            outputs.configContainer,
            outputs.configBlobName,
            options,
          ),
        );
        disks = await resolveRestoredDisks(this.clients, config, rg, plan.sourceVmName, options);
      }
      if (moveDiskKeys && disks && refs) await pointOsDiskAtKeys(this.clients, disks.osDiskId, refs, options);

      let vmId: string;
      let deploymentName: string | undefined;
      if (path === 'template') {
        deploymentName = names.deployment;
        vmId = await this.createFromTemplate(plan, names, refs, options);
      } else {
        vmId = await this.createFromDisks(plan, names, config!, disks!, refs, options);
      }

      let extension: string | undefined;
      if (enc && refs) {
        extension = adeExtensionName(plan.osType);
        const vaultUri = enc.keyVault.vaultUri ?? (await this.vaultUri(enc.keyVault.id, options));
        await this.clients.compute.virtualMachineExtensions.createOrUpdate(
          rg,
          parseResourceId(vmId)?.name ?? names.vm,
          extension,
          adeExtension({
            osType: plan.osType,
            location: plan.region,
            keyVaultUri: vaultUri,
            keyVaultId: refs.keyVaultId,
            keyUrl: refs.keyUrl,
          }),
          { abortSignal: options.abortSignal, updateIntervalInMs: options.pollIntervalMs },
        );
      }
      return {
        vmId,
        vmName: parseResourceId(vmId)?.name ?? names.vm,
        path,
        deploymentName,
        osDiskId: disks?.osDiskId,
        dataDiskIds: disks?.dataDisks.map((d) => d.id) ?? [],
        adeExtension: extension,
      };
    });
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

  /** Where the new VM's disks find their key and secret: put-back URLs, given URLs, or the staged encryption info. */
  private async encryptionRefs(plan: CreateVmPlan, options: OperationOptions): Promise<EncryptionRefs> {
    const enc = plan.encryption!;
    if (enc.putBack)
      return { keyVaultId: enc.keyVault.id, secretUrl: enc.putBack.secretUrl, keyUrl: enc.putBack.keyUrl };
    if (enc.secretUrl) return { keyVaultId: enc.keyVault.id, secretUrl: enc.secretUrl, keyUrl: enc.keyUrl };
    const staged = await this.readEncryptionInfo(plan.outputs, options);
    return { keyVaultId: enc.keyVault.id, secretUrl: staged.secretUrl, keyUrl: staged.keyUrl };
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

  private async createFromTemplate(
    plan: CreateVmPlan,
    names: ReturnType<typeof restoreNames>,
    refs: EncryptionRefs | undefined,
    options: RestorePollOptions,
  ): Promise<string> {
    const account = plan.outputs.stagingAccountName;
    const where = await this.staging.locate(account, plan.outputs.templateBlobUri!, options);
    const template = JSON.parse(await this.staging.readText(account, where.container, where.blob, options)) as unknown;
    if (refs && plan.encryption?.putBack?.changed) retargetEncryption(template, refs);
    const subnet = parseSubnetId(plan.subnetId);
    const parameters = templateParameters(template, {
      VirtualMachineName: names.vm,
      VirtualNetwork: subnet.vnet,
      VirtualNetworkResourceGroup: subnet.resourceGroup,
      Subnet: subnet.subnet,
      NetworkInterfaceName: names.nic,
    });
    const result = await deployTemplate(
      this.clients,
      plan.targetResourceGroup,
      names.deployment,
      template,
      parameters,
      options,
    );
    // The template decides the VM's name when it declares no name parameter: take it from what was deployed.
    const deployed = result?.properties?.outputResources?.find((r) => /\/virtualMachines\/[^/]+$/i.test(r.id ?? ''));
    return (
      deployed?.id ??
      `${resourceGroupId(this.clients.settings.subscriptionId, plan.targetResourceGroup)}/providers/Microsoft.Compute/virtualMachines/${names.vm}`
    );
  }

  private async createFromDisks(
    plan: CreateVmPlan,
    names: ReturnType<typeof restoreNames>,
    config: VmConfig,
    disks: RestoredDisks,
    refs: EncryptionRefs | undefined,
    options: RestorePollOptions,
  ): Promise<string> {
    const vmSize = plan.vmSize ?? config.vmSize;
    if (!vmSize) throw new InvalidInputError('vmSize', 'The VM config names no VM size: choose one.');
    const nicId = await createNic(
      this.clients,
      plan.targetResourceGroup,
      names.nic,
      plan.region,
      plan.subnetId,
      options,
    );
    return createVmFromDisks(
      this.clients,
      {
        resourceGroup: plan.targetResourceGroup,
        name: names.vm,
        location: plan.region,
        vmSize,
        osType: plan.osType,
        disks,
        nicId,
        dualPassEncryption: plan.encryption?.pass === 'dual' ? refs : undefined,
      },
      options,
    );
  }

  /** Permission: Microsoft.KeyVault/vaults/read. */
  private async vaultUri(keyVaultId: string, options: OperationOptions): Promise<string> {
    const ref = parseResourceId(keyVaultId);
    if (!ref) throw new InvalidInputError('keyVault', `'${keyVaultId}' is not a key vault id.`);
    const vault = await this.clients.keyVault.vaults.get(ref.resourceGroup, ref.name, {
      abortSignal: options.abortSignal,
    });
    return vault.properties.vaultUri!;
  }
}

function parseSubnetId(id: string): { vnet: string; subnet: string; resourceGroup: string } {
  const m =
    /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/virtualNetworks\/([^/]+)\/subnets\/([^/]+)/i.exec(id);
  if (!m) throw new InvalidInputError('subnetId', `'${id}' is not a subnet id.`);
  return { resourceGroup: m[1], vnet: m[2], subnet: m[3] };
}
