import type {
  AzureIaaSVMProtectedItem,
  BackupStatusResponse,
  ProtectedItemResource,
} from '@azure/arm-recoveryservicesbackup';
import { backupNamesFor, backupNamesFromId, parseResourceId } from '../names';
import type { ProtectionSummary } from '../types';

/**
 * Backup's answer to "is this VM protected?" (backupStatus), or undefined when it is not. Backup writes the
 * container and item names in more than one form; they are normalised to the `iaasvmcontainer;…` / `vm;…` forms
 * the protected-item URLs take, falling back to the names built from the VM.
 */
export function fromBackupStatus(
  status: BackupStatusResponse,
  vm: { name: string; resourceGroup: string },
): ProtectionSummary | undefined {
  if (!status.vaultId || !/^(Protected|Protecting|ProtectionFailed)$/i.test(status.protectionStatus ?? ''))
    return undefined;
  const vault = parseResourceId(status.vaultId);
  const built = backupNamesFor(vm.resourceGroup, vm.name);
  return {
    vault: vault?.name ?? status.vaultId.split('/').pop() ?? '',
    vaultResourceGroup: vault?.resourceGroup ?? '',
    ...(vault?.subscriptionId ? { vaultSubscriptionId: vault.subscriptionId } : {}),
    policyName: status.policyName || undefined,
    state: status.protectionStatus ?? 'Protected',
    containerName: withPrefix(status.containerName, 'iaasvmcontainer;') ?? built.containerName,
    protectedItemName: withPrefix(status.protectedItemName, 'vm;') ?? built.protectedItemName,
  };
}

/** A protected item from the vault's list, in the bot's words. */
export function fromProtectedItem(
  item: ProtectedItemResource,
  vault: { name: string; resourceGroup: string; id?: string },
): ProtectionSummary {
  const p = (item.properties ?? {}) as AzureIaaSVMProtectedItem;
  const vaultSubscriptionId = parseResourceId(vault.id)?.subscriptionId;
  const vmRef = parseResourceId(p.virtualMachineId ?? p.sourceResourceId);
  const names =
    backupNamesFromId(item.id) ?? backupNamesFor(vmRef?.resourceGroup ?? '', vmRef?.name ?? p.friendlyName ?? '');
  return {
    vault: vault.name,
    vaultResourceGroup: vault.resourceGroup,
    ...(vaultSubscriptionId ? { vaultSubscriptionId } : {}),
    policyName: p.policyName ?? (p.policyId ? p.policyId.split('/').pop() : undefined),
    state: p.protectionState ?? p.protectionStatus ?? 'Unknown',
    lastBackupStatus: p.lastBackupStatus,
    lastBackupTime: p.lastBackupTime ? new Date(p.lastBackupTime) : undefined,
    // ProtectedItem.lastRecoveryPoint: when the latest recovery point was created; absent before the first backup.
    lastRecoveryPoint: p.lastRecoveryPoint ? new Date(p.lastRecoveryPoint) : undefined,
    ...names,
  };
}

/** The VM id a protected item stands for. */
export const protectedVmId = (item: ProtectedItemResource): string | undefined => {
  const p = (item.properties ?? {}) as AzureIaaSVMProtectedItem;
  return p.virtualMachineId ?? p.sourceResourceId;
};

function withPrefix(name: string | undefined, prefix: string): string | undefined {
  if (!name) return undefined;
  return name.toLowerCase().startsWith(prefix) ? name : `${prefix}${name.replace(/^vm;/i, '')}`;
}
