import type { VirtualMachineExtension } from '@azure/arm-compute';

export interface AdeSettings {
  osType: 'Windows' | 'Linux';
  location: string;
  keyVaultUri: string;
  keyVaultId: string;
  keyUrl?: string;
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
      ...(s.keyUrl ? { KeyEncryptionKeyURL: s.keyUrl, KekVaultResourceId: s.keyVaultId } : {}),
      KeyEncryptionAlgorithm: 'RSA-OAEP',
      VolumeType: 'All',
    },
  };
}
