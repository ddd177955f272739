import type { CatalogueEntry } from '../types';

/** Restoring encrypted VMs (beyond the missing key vault / key / secret cases in encryption.ts). */
export const restoreEntries: CatalogueEntry[] = [
  {
    code: 'BackupNotAuthorizedInSubscription',
    match: {
      codes: ['BackupNotAuthorizedInSubscription'],
      // "Backup Service does not have authorization to access resources in your subscription." (source document);
      // "The Backup service doesn't have authorization to access resources in your subscription."
      // (backup-azure-vms-troubleshoot.md, Restore, Common errors).
      text: [
        /Backup( service)? (doesn'?t|does not) have (the )?authorization to access resources in your subscription/i,
      ],
    },
    text: {
      en: {
        title: 'Backup has no authorization in the subscription',
        cause:
          "Backup doesn't have the authorization to access resources in your subscription, so it cannot create the VM itself.",
        resolution:
          'Restore the disks first, then create the VM from the restored disks. The bot always restores this way.',
      },
      'zh-TW': {
        title: '備份沒有訂用帳戶的授權',
        cause: '備份沒有存取您訂用帳戶中資源的授權，因此無法自行建立 VM。',
        resolution: '請先還原磁碟，再從還原的磁碟建立 VM。Bot 一律以此方式還原。',
      },
    },
    fix: () => ({ kind: 'restoreDisks' }),
  },
  {
    code: 'StorageAccountRegionMismatch',
    match: {
      codes: [
        'StorageAccountRegionMismatch',
        'UserErrorStorageAccountLocationMismatch',
        'UserErrorStorageAccountInDifferentRegion',
      ],
      text: [/storage account .*(not in the same (region|location)|different (region|location))/i],
    },
    text: {
      en: {
        title: "The staging storage account is not in the vault's region",
        cause: 'Restore needs a staging storage account in the same region as {vault} ({vaultLocation}).',
        resolution: 'Choose a standard (not ZRS, not premium) storage account in {vaultLocation}, then restore again.',
      },
      'zh-TW': {
        title: '暫存儲存體帳戶與保存庫不在同一區域',
        cause: '還原需要與 {vault} 位於同一區域 ({vaultLocation}) 的暫存儲存體帳戶。',
        resolution: '請選擇位於 {vaultLocation} 的標準儲存體帳戶 (非 ZRS、非進階)，然後再次還原。',
      },
    },
    fix: () => ({ kind: 'retry' }),
  },
  {
    code: 'InstantRpNotFound',
    azureName: 'UserErrorInstantRpNotFound',
    match: { codes: ['UserErrorInstantRpNotFound'], text: [/snapshot of the VM was not found/i] },
    text: {
      en: {
        title: 'The recovery point snapshot was not found',
        cause: 'The snapshot behind this recovery point no longer exists, so the restore failed.',
        resolution: 'Restore from another recovery point.',
      },
      'zh-TW': {
        title: '找不到復原點的快照',
        cause: '此復原點所對應的快照已不存在，因此還原失敗。',
        resolution: '請從其他復原點還原。',
      },
    },
  },
  {
    code: 'SkuNotAvailable',
    azureName: 'UserErrorSkuNotAvailable',
    match: { codes: ['UserErrorSkuNotAvailable', 'SkuNotAvailable'], text: [/VM size selected is not available/i] },
    text: {
      en: {
        title: 'The VM size is not available',
        cause: 'VM creation failed because the selected VM size is not available in the region.',
        resolution: 'Restore the disks, then create the VM from them with a size the region offers.',
      },
      'zh-TW': {
        title: 'VM 大小無法使用',
        cause: '所選的 VM 大小在該區域無法使用，因此建立 VM 失敗。',
        resolution: '請還原磁碟，再以該區域提供的大小從還原的磁碟建立 VM。',
      },
    },
    fix: () => ({ kind: 'restoreDisks' }),
  },
];
