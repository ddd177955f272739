// Buttons that open a resource in the Azure portal (src/cards/portal.ts). zh-TW: "Azure 入口網站" is the portal's own name.
export const en = {
  'portal.vm': 'VM {name} in the portal',
  'portal.vault': 'Vault {name} in the portal',
  'portal.backupJobs': 'Backup jobs in the portal',
  'portal.keyVault': 'Key vault {name} in the portal',
  'portal.restoredVm': 'Restored VM {name} in the portal',
  'portal.storage': 'Storage account {name} in the portal',
};

export const zhTW: Record<keyof typeof en, string> = {
  'portal.vm': '在 Azure 入口網站開啟 VM {name}',
  'portal.vault': '在 Azure 入口網站開啟保存庫 {name}',
  'portal.backupJobs': '在 Azure 入口網站檢視備份作業',
  'portal.keyVault': '在 Azure 入口網站開啟金鑰保存庫 {name}',
  'portal.restoredVm': '在 Azure 入口網站開啟還原的 VM {name}',
  'portal.storage': '在 Azure 入口網站開啟儲存體帳戶 {name}',
};
