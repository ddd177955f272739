import type { VirtualMachineExtension } from '@azure/arm-compute';

export interface AdeSettings {
  osType: 'Windows' | 'Linux';
  location: string;
  keyVaultUri: string;
  keyVaultId: string;
  keyUrl?: string;
  /** The KEK's key vault when it is another one than the BEK's (KekVaultResourceId). */
  kekVaultId?: string;
}

/** The ADE extension's name and type for an OS (without the Azure AD app: Windows 2.2, Linux 1.1). */
export function adeExtensionName(osType: 'Windows' | 'Linux'): string {
  return osType === 'Windows' ? 'AzureDiskEncryption' : 'AzureDiskEncryptionForLinux';
}

/**
 * The ADE extension pushed onto a VM created from restored disks: the restore docs call it mandatory (otherwise the
 * data disks are marked unencrypted; Linux needs it to open and mount them). Without the Azure AD app:
 * VolumeType All, the KEK when there is one.
 */
export function adeExtension(s: AdeSettings): VirtualMachineExtension {
  const windows = s.osType === 'Windows';
  return {
    location: s.location,
    publisher: 'Microsoft.Azure.Security',
    typePropertiesType: adeExtensionName(s.osType),
    typeHandlerVersion: windows ? '2.2' : '1.1',
    autoUpgradeMinorVersion: true,
    settings: {
      EncryptionOperation: 'EnableEncryption',
      KeyVaultURL: s.keyVaultUri,
      KeyVaultResourceId: s.keyVaultId,
      ...(s.keyUrl ? { KeyEncryptionKeyURL: s.keyUrl, KekVaultResourceId: s.kekVaultId ?? s.keyVaultId } : {}),
      KeyEncryptionAlgorithm: 'RSA-OAEP',
      VolumeType: 'All',
    },
  };
}

/**
 * The command that re-enables ADE on a restored dual-pass VM (ADE with a Microsoft Entra app), as the restore docs
 * run it after creating the VM from restored disks: Set-AzVMDiskEncryptionExtension with the app's client id and
 * secret and VolumeType Data (learn.microsoft.com/azure/backup/backup-azure-vms-automation, "Create a VM from restored
 * disks"; the dual-pass extension is 1.1 on Windows, 0.1 on Linux). Every value is filled in except the secret,
 * which the operator supplies in their own shell and never in chat.
 */
export function dualPassCommand(c: {
  resourceGroup: string;
  vmName: string;
  aadClientId?: string;
  keyVaultUri: string;
  keyVaultId: string;
  keyUrl?: string;
  kekVaultId?: string;
}): string {
  const q = (v: string) => `'${v.replace(/'/g, "''")}'`;
  return [
    'Set-AzVMDiskEncryptionExtension',
    `-ResourceGroupName ${q(c.resourceGroup)}`,
    `-VMName ${q(c.vmName)}`,
    `-AadClientID ${c.aadClientId ? q(c.aadClientId) : '<client id of the Microsoft Entra app>'}`,
    '-AadClientSecret <secret of the Microsoft Entra app>',
    `-DiskEncryptionKeyVaultUrl ${q(c.keyVaultUri)}`,
    `-DiskEncryptionKeyVaultId ${q(c.keyVaultId)}`,
    ...(c.keyUrl
      ? [`-KeyEncryptionKeyUrl ${q(c.keyUrl)}`, `-KeyEncryptionKeyVaultId ${q(c.kekVaultId ?? c.keyVaultId)}`]
      : []),
    '-VolumeType Data',
  ].join(' ');
}
