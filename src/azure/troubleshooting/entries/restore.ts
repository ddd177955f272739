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
  {
    code: 'RestoreTargetExists',
    match: { codes: ['RestoreTargetExists'] },
    text: {
      en: {
        title: 'A resource of that name already exists',
        cause: '{detail}',
        resolution:
          'Nothing was overwritten. Request the restore again with another VM name (its network interface takes the name <VM name>-nic).',
      },
      'zh-TW': {
        title: '已有同名的資源',
        cause: '{detail}',
        resolution: '未覆寫任何資源。請以其他 VM 名稱重新要求還原 (其網路介面的名稱為 <VM 名稱>-nic)。',
      },
    },
  },
  {
    code: 'RestoreTemplateRefused',
    match: { codes: ['RestoreTemplateRefused'] },
    text: {
      en: {
        title: "The restore job's template was refused",
        cause: '{detail} The template lies in the staging account, which others may have edited after the restore job.',
        resolution:
          'Nothing was deployed from it. Request the restore again: the bot then builds the VM from the approved plan through the compute API.',
      },
      'zh-TW': {
        title: '已拒絕還原作業的範本',
        cause: '{detail} 該範本位於暫存儲存體帳戶中，還原作業結束後可能已被他人編輯。',
        resolution: '未從該範本部署任何資源。請重新要求還原：Bot 會透過計算 API 依核准的計畫建立 VM。',
      },
    },
  },
  {
    code: 'UnmanagedDiskRecoveryPoint',
    match: { codes: ['UnmanagedDiskRecoveryPoint'] },
    text: {
      en: {
        title: 'This recovery point has unmanaged disks',
        cause:
          'The point was taken while {vm} had unmanaged disks. Restoring it brings the disks back as VHD files in the staging storage account, not as managed disks, and Azure retired unmanaged disks in 2025, so the bot cannot create a VM from them.',
        resolution:
          'Choose a recovery point taken after the VM moved to managed disks. To use this point, restore its disks in the Azure portal or with az backup restore restore-disks, create managed disks from the restored VHD files, then create the VM from those disks (Azure Backup docs: "Create a VM from restored disks").',
      },
      'zh-TW': {
        title: '此復原點使用非受控磁碟',
        cause:
          '此復原點建立時 {vm} 使用非受控磁碟。還原此復原點會將磁碟以 VHD 檔案的形式放回暫存儲存體帳戶，而非受控磁碟；Azure 已於 2025 年淘汰非受控磁碟，因此 Bot 無法從這些磁碟建立 VM。',
        resolution:
          '請選擇 VM 改用受控磁碟之後建立的復原點。若要使用此復原點，請在 Azure 入口網站或以 az backup restore restore-disks 還原其磁碟，從還原的 VHD 檔案建立受控磁碟，再從這些磁碟建立 VM (Azure 備份文件：「從還原的磁碟建立 VM」)。',
      },
    },
  },
];
