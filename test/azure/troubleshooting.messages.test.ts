import { explain, LOCALES } from '../../src/azure/troubleshooting';
import type { JobError } from '../../src/azure/types';

/**
 * Every row is a message as Azure words it, fed to `explain()` the way a real job carries it (AzureIaaSVMErrorInfo:
 * errorString, an integer errorCode no Microsoft source documents, errorTitle = the entity, recommendations) and
 * nothing else: no code name, no key vault named. Each must find its entry in both languages, with the fix.
 */
type Row = [source: string, message: string, code: string, fix?: string];

const rows: Row[] = [
  // The source document's troubleshooting table, verbatim.
  [
    'source document',
    'Validation failed as virtual machine is encrypted with BEK alone. Backups can be enabled only for virtual machines encrypted with both BEK and KEK.',
    'BekOnlyNotSupported',
  ],
  [
    'source document',
    'You cannot restore this encrypted VM since key vault associated with this VM does not exist.',
    'KeyVaultNotFound',
    'restoreKeyAndSecret',
  ],
  [
    'source document',
    'You cannot restore this encrypted VM since key and secret associated with this VM do not exist.',
    'KeyAndSecretNotFound',
    'restoreKeyAndSecret',
  ],
  [
    'source document',
    'Backup Service does not have authorization to access resources in your subscription.',
    'BackupNotAuthorizedInSubscription',
    'restoreDisks',
  ],
  [
    'source document',
    'Azure Backup Service does not have sufficient permissions to Key Vault for Backup of Encrypted Virtual Machines',
    'KeyVaultPermissionsNotConfigured',
    'grantKeyVaultAccess',
  ],
  // backup-azure-encrypted-vm-troubleshoot.md (current docs).
  [
    'encrypted-VM docs',
    "Backup doesn't have sufficient permissions to the key vault for backup of encrypted VMs.",
    'KeyVaultPermissionsNotConfigured',
    'grantKeyVaultAccess',
  ],
  [
    'encrypted-VM docs',
    'Disk exclusion is not supported for encrypted virtual machines.',
    'EncryptedVmNotSupportedWithDiskExclusion',
  ],
  [
    'encrypted-VM docs',
    'Unknown error encountered when retrieving secret from the Key Vault with URL',
    'DiskEncryptionInternalError',
    'restoreKeyAndSecret',
  ],
  ['encrypted-VM docs', 'Backup failed in allocating storage from protection service', 'BCMProtGetSaSUriAsyncError'],
  // Later wording of the restore rows (backup-azure-vms-encryption.md, 2018).
  [
    'encryption docs',
    "You can't restore this encrypted VM because the key vault associated with this VM doesn't exist.",
    'KeyVaultNotFound',
    'restoreKeyAndSecret',
  ],
  [
    'encryption docs',
    "You can't restore this encrypted VM because the key and the secret associated with this VM don't exist.",
    'KeyAndSecretNotFound',
    'restoreKeyAndSecret',
  ],
  // backup-azure-vms-troubleshoot.md.
  [
    'VM troubleshooting',
    "The Backup service doesn't have authorization to access resources in your subscription.",
    'BackupNotAuthorizedInSubscription',
    'restoreDisks',
  ],
  ['VM troubleshooting', 'VM is not in a state that allows backups.', 'VmNotInDesirableState'],
  ['VM troubleshooting', "The VM isn't in a state that allows backups.", 'VmNotInDesirableState'],
  ['VM troubleshooting', 'Could not perform the operation as VM no longer exists.', 'BackupItemVmNotFound'],
  ['VM troubleshooting', "The virtual machine doesn't exist", 'BackupItemVmNotFound'],
  [
    'VM troubleshooting',
    'Failed to install Microsoft Recovery Services extension as virtual machine  is not running',
    'AzureVmOffline',
  ],
  [
    'VM troubleshooting',
    'The snapshot operation failed with the Volume Shadow Copy Service (VSS) operation error This drive is locked by BitLocker Drive Encryption. You must unlock this drive from the Control Panel.',
    'ExtensionSnapshotBitlockerError',
  ],
  [
    'VM troubleshooting',
    'Restore failed because the snapshot of the VM was not found. The snapshot could have been deleted, please check.',
    'InstantRpNotFound',
  ],
  ['VM troubleshooting', 'VM creation failed as VM size selected is not available.', 'SkuNotAvailable', 'restoreDisks'],
  // backup-azure-troubleshoot-vm-backup-fails-snapshot-timeout.md.
  ['agent troubleshooting', 'VM Agent unable to communicate with Azure Backup', 'VmAgentNotReady'],
  ['agent troubleshooting', 'Could not communicate with the VM agent for snapshot status', 'VmAgentNotReady'],
  [
    'agent troubleshooting',
    'Unable to initiate backup as another backup operation is currently in progress',
    'BackupOperationInProgress',
  ],
  [
    'agent troubleshooting',
    'Snapshot operation failed due to no network connectivity on the virtual machine',
    'ExtensionSnapshotFailedNoNetwork',
  ],
];

/** How a real job carries it: an undocumented integer, the entity as title, the message. */
const asJobError = (message: string): JobError => ({
  code: 999999,
  title: 'vm-nogrant-01',
  message,
  recommendations: [],
});

describe('troubleshooting: messages as Azure words them', () => {
  // Rows padded to four cells: jest passes `done` in place of a missing last argument.
  const table = rows.map(([source, message, code, fix]) => [source, message, code, fix ?? null] as const);
  it.each(table)('%s: "%s" -> %s', (_source, message, code, fix) => {
    for (const locale of LOCALES) {
      for (const error of [asJobError(message), { message, recommendations: [] } satisfies JobError]) {
        const e = explain(error, locale, { vm: 'vm-nogrant-01' });
        expect(e.code).toBe(code);
        expect(e.title).not.toBe('');
        if (locale === 'zh-TW') expect(e.title).toMatch(/[\u4e00-\u9fff]/);
        if (fix) expect(e.fix?.kind).toBe(fix);
        if (code !== 'KeyVaultPermissionsNotConfigured') expect(e.fix?.kind).not.toBe('grantKeyVaultAccess');
      }
    }
  });

  it('offers the grant on a real-shaped key vault error that names no key vault, with the key vault when known', () => {
    const real = asJobError("Backup doesn't have sufficient permissions to the key vault for backup of encrypted VMs.");
    expect(explain(real, 'en').fix).toEqual({ kind: 'grantKeyVaultAccess', keyVault: '' });
    expect(explain(real, 'zh-TW', { keyVault: 'kv-ade-nogrant' }).fix).toEqual({
      kind: 'grantKeyVaultAccess',
      keyVault: 'kv-ade-nogrant',
    });
    expect(explain(real, 'en').azureName).toBe('UserErrorKeyVaultPermissionsNotConfigured');
  });

  it('does not take an undocumented number for a known error', () => {
    // 400105 was the sandbox's own number for the key vault error; no Microsoft source documents it.
    expect(explain({ code: 400105, message: 'x', recommendations: [] }, 'en').code).toBe('Unknown');
  });
});
