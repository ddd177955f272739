import type { CatalogueEntry } from '../types';

/** Encrypted-VM cases: key vault access, BEK-only, missing key vault / key / secret, ADE-specific job errors. */
export const encryptionEntries: CatalogueEntry[] = [
  {
    code: 'KeyVaultPermissionsNotConfigured',
    azureName: 'UserErrorKeyVaultPermissionsNotConfigured',
    match: {
      codes: [
        'UserErrorKeyVaultPermissionsNotConfigured',
        'UserErrorKeyvaultPermissionsNotConfigured',
        'UserErrorKeyvaultPermissionNotConfigured',
        'KeyVaultPermissionsNotConfigured',
      ],
      // No Microsoft source documents this error's numeric job code, so none is listed: the message is matched.
      // Current docs (backup-azure-encrypted-vm-troubleshoot.md): "Backup doesn't have sufficient permissions to the
      // key vault for backup of encrypted VMs." The source document: "Azure Backup Service does not have sufficient
      // permissions to Key Vault for Backup of Encrypted Virtual Machines".
      text: [/(sufficient|necessary|required) permissions? (to|on|for) (the )?key ?vault/i],
    },
    text: {
      en: {
        title: 'Azure Backup cannot read the key vault',
        cause:
          "Backup Management Service has no access to {keyVault}, which holds {vm}'s BitLocker Encryption Key (BEK) and Key Encryption Key (KEK), so the backup of the encrypted VM fails.",
        resolution:
          "Give Backup Management Service get, list and backup permissions on the key vault's keys and secrets (an access policy, or a role assignment on an RBAC key vault), then back up again.",
      },
      'zh-TW': {
        title: 'Azure 備份無法讀取金鑰保存庫',
        cause:
          '備份管理服務沒有 {keyVault} 的存取權，而該金鑰保存庫存放 {vm} 的 BitLocker 加密金鑰 (BEK) 和金鑰加密金鑰 (KEK)，因此已加密的 VM 備份失敗。',
        resolution:
          '在金鑰保存庫中授與備份管理服務金鑰權限和祕密權限 get、list、backup (存取原則，或在使用 RBAC 的金鑰保存庫上指派角色)，然後再次觸發備份。',
      },
    },
    // Real job errors do not name the key vault: '' lets the grant flow find it from the VM's encryption settings.
    fix: (f) => ({ kind: 'grantKeyVaultAccess', keyVault: f.keyVault ?? '' }),
  },
  {
    code: 'BekOnlyNotSupported',
    // The source document's wording: "Validation failed as virtual machine is encrypted with BEK alone. Backups can be
    // enabled only for virtual machines encrypted with both BEK and KEK."
    match: { codes: ['BekOnlyNotSupported'], text: [/encrypted with BEK alone/i] },
    text: {
      en: {
        title: 'VMs encrypted with a BEK alone are not supported',
        cause:
          '{vm} is encrypted with a BitLocker Encryption Key (BEK) only. Backup of VMs encrypted with BEK alone is not supported.',
        resolution:
          "Decrypt the VM, encrypt it again with both a BEK and a Key Encryption Key (KEK), then enable backup. (Newer Azure backs up BEK-only VMs; an administrator can allow them with the bot's ALLOW_BEK_ONLY setting.)",
      },
      'zh-TW': {
        title: '不支援只以 BEK 加密的 VM',
        cause: '{vm} 只以 BitLocker 加密金鑰 (BEK) 加密。不支援備份只以 BEK 加密的 VM。',
        resolution:
          '請將 VM 解密，再同時以 BEK 和金鑰加密金鑰 (KEK) 加密，然後啟用備份。(較新的 Azure 已支援只以 BEK 加密的 VM；系統管理員可透過 Bot 的 ALLOW_BEK_ONLY 設定允許。)',
      },
    },
  },
  {
    code: 'KeyVaultNotFound',
    match: {
      codes: ['KeyVaultNotFound', 'UserErrorKeyVaultNotFound'],
      // "You cannot restore this encrypted VM since key vault associated with this VM does not exist." (source
      // document); later docs: "...because the key vault associated with this VM doesn't exist."
      text: [/key ?vault associated with (this|the) VM (doesn'?t|does not|no longer) exists?/i],
    },
    text: {
      en: {
        title: 'The key vault of this encrypted VM does not exist',
        cause:
          "You can't restore this encrypted VM because the key vault associated with this VM ({keyVault}) doesn't exist.",
        resolution:
          'Create the key vault again, restore the key and secret into it from the backup, then restore the VM.',
      },
      'zh-TW': {
        title: '此已加密 VM 的金鑰保存庫不存在',
        cause: '無法還原此已加密的 VM，因為與此 VM 相關聯的金鑰保存庫 ({keyVault}) 不存在。',
        resolution: '請重新建立金鑰保存庫，從備份將金鑰和祕密還原至其中，然後再還原 VM。',
      },
    },
    fix: (f) => ({ kind: 'restoreKeyAndSecret', keyVault: f.keyVault }),
  },
  {
    code: 'KeyAndSecretNotFound',
    match: {
      codes: ['KeyAndSecretNotFound'],
      // "You cannot restore this encrypted VM since key and secret associated with this VM do not exist." (source
      // document); later docs: "...because the key and the secret associated with this VM don't exist."
      text: [/key and (the )?secret associated with (this|the) VM (don'?t|do not|no longer) exist/i],
    },
    text: {
      en: {
        title: "The VM's key and secret no longer exist",
        cause:
          "You can't restore this encrypted VM because the key and the secret associated with this VM don't exist in {keyVault}.",
        resolution:
          'Restore the key and secret from the backup (recover them first if they are only soft-deleted), then restore the VM.',
      },
      'zh-TW': {
        title: 'VM 的金鑰和祕密已不存在',
        cause: '無法還原此已加密的 VM，因為與此 VM 相關聯的金鑰和祕密不存在於 {keyVault}。',
        resolution: '請從備份還原金鑰和祕密 (若只是虛刪除，請先復原)，然後再還原 VM。',
      },
    },
    fix: (f) => ({ kind: 'restoreKeyAndSecret', keyVault: f.keyVault }),
  },
  {
    code: 'KeyVaultSecretDoesNotExist',
    match: { codes: ['KeyVaultSecretDoesNotExist', 'UserErrorKeyVaultSecretDoesNotExist', 'SecretNotFound'] },
    text: {
      en: {
        title: "The VM's secret (BEK) does not exist",
        cause: "The BitLocker Encryption Key (BEK) secret that {vm}'s encryption settings name is not in {keyVault}.",
        resolution: 'Restore the secret from the backup (or recover it if it was soft-deleted), then retry.',
      },
      'zh-TW': {
        title: 'VM 的祕密 (BEK) 不存在',
        cause: '{vm} 的加密設定所指定的 BitLocker 加密金鑰 (BEK) 祕密不在 {keyVault} 中。',
        resolution: '請從備份還原祕密 (若已虛刪除則將其復原)，然後重試。',
      },
    },
    fix: (f) => ({ kind: 'restoreKeyAndSecret', keyVault: f.keyVault }),
  },
  {
    code: 'KeyVaultKeyDoesNotExist',
    match: { codes: ['KeyVaultKeyDoesNotExist', 'UserErrorKeyVaultKeyDoesNotExist', 'KeyNotFound'] },
    text: {
      en: {
        title: "The VM's key (KEK) does not exist",
        cause: "The Key Encryption Key (KEK) that {vm}'s encryption settings name is not in {keyVault}.",
        resolution: 'Restore the key from the backup (or recover it if it was soft-deleted), then retry.',
      },
      'zh-TW': {
        title: 'VM 的金鑰 (KEK) 不存在',
        cause: '{vm} 的加密設定所指定的金鑰加密金鑰 (KEK) 不在 {keyVault} 中。',
        resolution: '請從備份還原金鑰 (若已虛刪除則將其復原)，然後重試。',
      },
    },
    fix: (f) => ({ kind: 'restoreKeyAndSecret', keyVault: f.keyVault }),
  },
  {
    code: 'DiskEncryptionInternalError',
    azureName: 'DiskEncryptionInternalError',
    match: {
      codes: ['DiskEncryptionInternalError'],
      text: [/error encountered when retrieving secret from the Key ?Vault/i],
    },
    text: {
      en: {
        title: 'The secret could not be read from the key vault',
        cause:
          "Azure hit an error retrieving the VM's secret from {keyVault} while restoring the encrypted VM; the key or secret is missing.",
        resolution: 'Restore the key and secret from the backup, then create the VM from the restored disks.',
      },
      'zh-TW': {
        title: '無法從金鑰保存庫讀取祕密',
        cause: '還原已加密的 VM 時，Azure 從 {keyVault} 擷取 VM 的祕密發生錯誤；金鑰或祕密已不存在。',
        resolution: '請從備份還原金鑰和祕密，然後從還原的磁碟建立 VM。',
      },
    },
    fix: (f) => ({ kind: 'restoreKeyAndSecret', keyVault: f.keyVault }),
  },
  {
    code: 'EncryptedVmNotSupportedWithDiskExclusion',
    azureName: 'UserErrorEncryptedVmNotSupportedWithDiskEx',
    match: {
      codes: ['UserErrorEncryptedVmNotSupportedWithDiskEx'],
      text: [/disk exclusion is not supported for encrypted/i],
    },
    text: {
      en: {
        title: 'Disk exclusion is not supported for encrypted VMs',
        cause:
          '{vm} is encrypted with Azure Disk Encryption, and selective disk backup is not supported for encrypted VMs.',
        resolution: 'Back up all disks of the VM: remove the disk exclusion settings and enable backup again.',
      },
      'zh-TW': {
        title: '已加密的 VM 不支援排除磁碟',
        cause: '{vm} 使用 Azure 磁碟加密，而已加密的 VM 不支援選擇性磁碟備份。',
        resolution: '請備份 VM 的所有磁碟：移除排除磁碟的設定，然後再次啟用備份。',
      },
    },
  },
  {
    code: 'BCMProtGetSaSUriAsyncError',
    azureName: 'BCMProtGetSaSUriAsyncError',
    match: { codes: ['BCMProtGetSaSUriAsyncError'], text: [/allocating storage from protection service/i] },
    text: {
      en: {
        title: 'Backup could not allocate storage',
        cause:
          'Backup failed in allocating storage from the protection service. With a vault encrypted with customer-managed keys, the vault cannot use its encryption key.',
        resolution:
          "Give the vault's managed identity access to its encryption key in the key vault, then back up again.",
      },
      'zh-TW': {
        title: '備份無法配置儲存體',
        cause: '備份在從保護服務配置儲存體時失敗。若保存庫使用客戶自控金鑰加密，保存庫無法使用其加密金鑰。',
        resolution: '請在金鑰保存庫中授與保存庫的受控識別其加密金鑰的存取權，然後再次觸發備份。',
      },
    },
    fix: () => ({ kind: 'backupNow' }),
  },
  {
    code: 'ExtensionSnapshotBitlockerError',
    azureName: 'ExtensionSnapshotBitlockerError',
    match: { codes: ['ExtensionSnapshotBitlockerError'], text: [/locked by BitLocker Drive Encryption/i] },
    text: {
      en: {
        title: 'A drive is locked by BitLocker',
        cause: 'The snapshot failed because a drive of {vm} is locked by BitLocker Drive Encryption.',
        resolution:
          'Unlock the drive (or turn off BitLocker on drives that ADE does not manage) inside the VM, then back up again.',
      },
      'zh-TW': {
        title: '磁碟機已被 BitLocker 鎖定',
        cause: '快照失敗，因為 {vm} 的某個磁碟機已被 BitLocker 磁碟機加密鎖定。',
        resolution: '請在 VM 內解除鎖定該磁碟機 (或關閉非 Azure 磁碟加密管理之磁碟機的 BitLocker)，然後再次觸發備份。',
      },
    },
    fix: () => ({ kind: 'backupNow' }),
  },
  {
    code: 'GrantNotEffective',
    match: { codes: ['GrantNotEffective'] },
    text: {
      en: {
        title: 'The key vault grant did not take effect',
        cause:
          'The access for Backup Management Service on {keyVault} was changed, but reading it back still shows something missing.',
        resolution:
          "Wait a minute (role assignments take time to apply) and check again; if it persists, check the key vault's access configuration in the portal.",
      },
      'zh-TW': {
        title: '金鑰保存庫的授權未生效',
        cause: '已變更備份管理服務在 {keyVault} 上的存取權，但重新讀取後仍顯示缺少權限。',
        resolution: '請稍候一分鐘 (角色指派需要時間生效) 後再檢查；若仍未生效，請在入口網站檢查金鑰保存庫的存取設定。',
      },
    },
    fix: (f) => (f.keyVault ? { kind: 'grantKeyVaultAccess', keyVault: f.keyVault } : undefined),
  },
];
