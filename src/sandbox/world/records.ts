import { randomUUID } from 'node:crypto';
import { resourceId } from '../http/arm';
import type { BackupJob, KeyVaultObject, RecoveryPoint, VirtualMachine, World } from './types';

// World records made the same way by the seed loader and by the providers at run time (a backup taking its key
// snapshot, a job starting or failing on the key vault's permissions).

/** A backup snapshot of the VM's key and secret as they are now: what a recovery point carries. */
export function snapshotKeys(
  w: World,
  vm: VirtualMachine,
): Pick<RecoveryPoint, 'keyBackup' | 'secretValue' | 'secretBackup'> {
  if (!vm.encryption) return {};
  const vaultOf = (id: string) => w.keyVaults.find((k) => id.toLowerCase().endsWith(`/${k.name.toLowerCase()}`));
  const kv = vaultOf(vm.encryption.vaultId);
  if (!kv) return {};
  const kekKv = vm.encryption.kekVaultId ? vaultOf(vm.encryption.kekVaultId) : kv;
  const secretName = vm.encryption.secretUrl.split('/secrets/')[1]?.split('/')[0];
  const keyName = vm.encryption.keyUrl?.split('/keys/')[1]?.split('/')[0];
  // The newest version of each, as a backup taken now would capture.
  const secret = [...kv.secrets].reverse().find((x) => x.name === secretName);
  const key = keyName && kekKv ? [...kekKv.keys].reverse().find((x) => x.name === keyName) : undefined;
  return {
    secretValue: secret?.value,
    secretBackup: secret ? encodeBackup('secret', kv.name, [secret]) : undefined,
    keyBackup: key && kekKv ? encodeBackup('key', kekKv.name, [key]) : undefined,
  };
}

/** The sandbox's opaque Key Vault backup blob format (base64 of JSON). Only the sandbox reads it. */
export function encodeBackup(kind: 'key' | 'secret', vault: string, objects: KeyVaultObject[]): string {
  return Buffer.from(JSON.stringify({ sandboxBackup: kind, vault, objects })).toString('base64');
}

/**
 * The job error Azure Backup reports when Backup Management Service cannot read the VM's key vault. The message is the
 * docs' own (learn.microsoft.com/azure/backup/backup-azure-encrypted-vm-troubleshoot, UserErrorKeyVaultPermissionsNotConfigured):
 * it names no key vault. No Microsoft source documents this error's integer errorCode; 400105 is the sandbox's own
 * value and the bot must not rely on it.
 */
export function keyVaultPermissionError(): BackupJob['errorDetails'][number] {
  return {
    errorCode: 400105,
    name: 'UserErrorKeyVaultPermissionsNotConfigured',
    errorString: "Backup doesn't have sufficient permissions to the key vault for backup of encrypted VMs.",
    recommendations: [
      'Permissions can be set through the Azure portal or through PowerShell: give Backup Management Service access to the keys and secrets of the key vault, then retry the operation.',
    ],
  };
}

export function job(
  vault: string,
  vm: Pick<VirtualMachine, 'name' | 'resourceGroup'> & { subscriptionId: string },
  operation: BackupJob['operation'],
  status: BackupJob['status'],
  start: number,
  end?: number,
): BackupJob {
  return {
    vault,
    id: randomUUID(),
    operation,
    status,
    entityFriendlyName: vm.name,
    vmId: resourceId(vm.subscriptionId, vm.resourceGroup, 'Microsoft.Compute/virtualMachines', vm.name),
    startTime: new Date(start).toISOString(),
    endTime: end !== undefined ? new Date(end).toISOString() : undefined,
    isUserTriggered: false,
    errorDetails: [],
    propertyBag: operation === 'Backup' ? { 'VM Name': vm.name, 'Backup Size': '10240 MB' } : {},
    dueAt: end ?? start,
  };
}
