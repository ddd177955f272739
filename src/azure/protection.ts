import type {
  AzureIaaSComputeVMProtectableItem,
  WorkloadProtectableItemResource,
} from '@azure/arm-recoveryservicesbackup';
import { azureCall } from './call';
import type { AzureClients } from './clients';
import { AzureRequestError, InvalidInputError, UnsupportedVmError } from './errors';
import { followToJob, refreshContainers, ResponseCapture } from './follow';
import { backupNamesFor, backupNamesFromId, isClassicVmId, normalizeRegion, parseResourceId, sameId } from './names';
import { findInPages } from './paging';
import type {
  EnableProtectionInput,
  OperationOptions,
  ProtectionResult,
  TriggerBackupInput,
  VaultSummary,
} from './types';
import { vaultAndClients } from './vaults';

const IAAS_VM_PROTECTABLE = "backupManagementType eq 'AzureIaasVM'";

/** Turning backup on for a VM and taking a backup now. Both return once Azure has started the job. */
export class ProtectionOperations {
  constructor(readonly clients: AzureClients) {}

  /**
   * Enables protection with a policy, exactly as the Azure CLI does: find the VM among the vault's protectable
   * items (refreshing discovery once when it is not there), PUT the protected item, follow the operation to the
   * ConfigureBackup job. Classic VMs, BEK-only VMs (unless allowed), VMs protected by another vault and VMs in
   * another region than the vault are refused before anything is sent.
   * Needs on the vault `Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/write`,
   * `…/backupProtectableItems/read`, `…/refreshContainers/action` (Backup Contributor), and on the VM
   * `Microsoft.Compute/virtualMachines/read` plus `Microsoft.RecoveryServices/Vaults/backup/…/write` (VM Contributor).
   */
  async enableProtection(input: EnableProtectionInput, options: OperationOptions = {}): Promise<ProtectionResult> {
    const vmId = typeof input.vm === 'string' ? input.vm : input.vm.id;
    const vmName = typeof input.vm === 'string' ? (parseResourceId(vmId)?.name ?? vmId) : input.vm.name;
    if (typeof input.vm === 'string' ? isClassicVmId(vmId) : input.vm.deployment === 'classic') {
      throw new UnsupportedVmError(
        'ClassicVmNotSupported',
        vmName,
        `'${vmName}' is a classic VM; only Resource Manager VMs can be backed up.`,
      );
    }
    const vmRef = parseResourceId(vmId);
    if (!vmRef) throw new InvalidInputError('vm', `'${vmId}' is not a virtual machine id.`);
    const { vault, clients } = await vaultAndClients(this.clients, input.vault, options);
    // Backup protects a VM from a vault in its own subscription (and region): the VM's subscription must be managed too.
    if (!sameId(vmRef.subscriptionId, parseResourceId(vault.id)?.subscriptionId)) {
      await this.clients.of(vmId, options);
      throw new InvalidInputError('vault', `'${vmName}' and vault '${vault.name}' are in different subscriptions.`);
    }
    if (typeof input.vm !== 'string') checkVm(input.vm, vault, input.allowBekOnly === true);
    const policyId = `${vault.id}/backupPolicies/${input.policyName}`;
    return azureCall('enableProtection', async () => {
      let protectable = await this.findProtectable(clients, vault, vmId, options);
      if (!protectable) {
        await refreshContainers(clients, vault, options);
        protectable = await this.findProtectable(clients, vault, vmId, options);
      }
      if (!protectable) {
        throw new AzureRequestError(`'${vmName}' is not among the VMs vault '${vault.name}' can protect.`, {
          code: 'ProtectableItemNotFound',
          operation: 'enableProtection',
        });
      }
      const names = backupNamesFromId(protectable.id) ?? backupNamesFor(vmRef.resourceGroup, vmRef.name);
      const capture = new ResponseCapture();
      await clients.backup.protectedItems.createOrUpdate(
        vault.name,
        vault.resourceGroup,
        'Azure',
        names.containerName,
        names.protectedItemName,
        { properties: { protectedItemType: 'Microsoft.Compute/virtualMachines', sourceResourceId: vmId, policyId } },
        { abortSignal: options.abortSignal, onResponse: capture.onResponse },
      );
      const result: ProtectionResult = { vault: vault.name, vaultResourceGroup: vault.resourceGroup, ...names };
      const operationUrl = capture.header('azure-asyncoperation') ?? capture.header('location');
      if (capture.status === 202 && operationUrl) {
        result.jobId = await followToJob(
          clients,
          vault,
          operationUrl,
          capture.header('retry-after'),
          'enableProtection',
          options,
        );
      }
      return result;
    });
  }

  /**
   * Backs a protected VM up now, keeping the recovery point until `retainUntil`; returns the Backup job's id.
   * Needs `Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/backup/action`
   * (Backup Operator or above).
   */
  async triggerBackup(
    input: TriggerBackupInput,
    options: OperationOptions = {},
  ): Promise<{ jobId: string; vault: string }> {
    const item = 'vm' in input ? input.vm.protection : input.item;
    if (!item) {
      const name = 'vm' in input ? input.vm.name : '';
      throw new UnsupportedVmError('VmNotProtected', name, `'${name}' is not protected: enable backup first.`);
    }
    if (!(input.retainUntil instanceof Date) || !(input.retainUntil.getTime() > Date.now())) {
      throw new InvalidInputError('retainUntil', 'The recovery point must be kept until a date in the future.');
    }
    const rg = 'vaultResourceGroup' in item ? item.vaultResourceGroup : undefined;
    const sub = 'vaultSubscriptionId' in item ? (item.vaultSubscriptionId as string | undefined) : undefined;
    const { vault, clients } = await vaultAndClients(
      this.clients,
      rg ? { name: item.vault, resourceGroup: rg, ...(sub ? { subscriptionId: sub } : {}) } : item.vault,
      options,
    );
    return azureCall('triggerBackup', async () => {
      const capture = new ResponseCapture();
      await clients.backup.backups.trigger(
        vault.name,
        vault.resourceGroup,
        'Azure',
        item.containerName,
        item.protectedItemName,
        { properties: { objectType: 'IaasVMBackupRequest', recoveryPointExpiryTimeInUTC: input.retainUntil } },
        { abortSignal: options.abortSignal, onResponse: capture.onResponse },
      );
      const operationUrl = capture.header('azure-asyncoperation') ?? capture.header('location');
      if (!operationUrl) {
        throw new AzureRequestError('Azure accepted the backup but named no operation to follow.', {
          code: 'OperationReturnedNoJob',
          operation: 'triggerBackup',
        });
      }
      const jobId = await followToJob(
        clients,
        vault,
        operationUrl,
        capture.header('retry-after'),
        'triggerBackup',
        options,
      );
      return { jobId, vault: vault.name };
    });
  }

  /** The VM among the vault's protectable items (server-side filter), matched by VM id, reading no more pages than needed. */
  private findProtectable(
    clients: AzureClients,
    vault: VaultSummary,
    vmId: string,
    options: OperationOptions,
  ): Promise<WorkloadProtectableItemResource | undefined> {
    const pages = clients.backup.backupProtectableItems.list(vault.name, vault.resourceGroup, {
      filter: IAAS_VM_PROTECTABLE,
      abortSignal: options.abortSignal,
    });
    return findInPages(
      pages,
      (p) => sameId((p.properties as AzureIaaSComputeVMProtectableItem | undefined)?.virtualMachineId, vmId),
      options.abortSignal,
    );
  }
}

/** The source document's and Azure Backup's rules, checked on what `vms.get` found. */
function checkVm(vm: Exclude<EnableProtectionInput['vm'], string>, vault: VaultSummary, allowBekOnly: boolean): void {
  if (vm.encryption.kind === 'bek' && !allowBekOnly) {
    throw new UnsupportedVmError(
      'BekOnlyNotSupported',
      vm.name,
      `'${vm.name}' is encrypted with a BEK alone; backing it up is not supported.`,
    );
  }
  if (vm.protection && !sameId(vm.protection.vault, vault.name)) {
    throw new UnsupportedVmError(
      'AlreadyProtectedByAnotherVault',
      vm.name,
      `'${vm.name}' is already protected by vault '${vm.protection.vault}'.`,
      {
        vault: vm.protection.vault,
      },
    );
  }
  if (vault.location && vm.location && normalizeRegion(vault.location) !== normalizeRegion(vm.location)) {
    throw new UnsupportedVmError(
      'VaultRegionMismatch',
      vm.name,
      `'${vm.name}' is in ${vm.location} but vault '${vault.name}' is in ${vault.location}.`,
      {
        vault: vault.name,
        vmLocation: vm.location,
        vaultLocation: vault.location,
      },
    );
  }
}
