// The help card: one description per command of design.md's conversation design.
export const en = {
  'help.title': 'What I can do',
  'help.intro': 'Type a command. Words in [brackets] are optional: leave them out and I will ask.',
  'help.planned': 'Not available in this version yet.',
  'help.subscriptions': 'Subscriptions I manage: {list}.',
  'help.unreadable': 'Configured, but my identity cannot read them (nothing is listed from them): {list}.',
  'help.footer':
    'Every change is shown on a card first and made only after you confirm. Restores also need an approver.',
  'command.enableBackup':
    'Turn on Azure Backup for one or more VMs: choose the Recovery Services vault and backup policy, check each VM, confirm.',
  'command.grantAccess':
    'Let Azure Backup read the keys and secrets in a key vault: name it, or name a VM and I find the one holding its BEK/KEK.',
  'command.backupNow': 'Trigger a backup of a protected VM now and follow its job.',
  'command.restore': 'Restore an encrypted VM from a recovery point (an approver must approve).',
  'command.jobs': 'Show the recent backup jobs of a Recovery Services vault.',
  'command.check': 'Check whether a VM can be backed up: encryption, key vault access, VM agent.',
  'command.subscribe': "Post a vault's failed backups to this conversation.",
  'command.unsubscribe': "Stop posting a vault's failed backups here.",
  'command.subscriptions': 'List the vaults whose failed backups are posted here.',
  'command.audit': 'Show the recent audit trail, for one VM or vault or for everything.',
  'command.language': 'Choose the language I reply in: English or Traditional Chinese.',
  'command.help': 'Show this list.',
};

export const zhTW: Record<keyof typeof en, string> = {
  'help.title': '我能做什麼',
  'help.intro': '請輸入指令。[方括號] 內的字可省略：省略時我會再詢問您。',
  'help.planned': '此版本尚未提供。',
  'help.subscriptions': '我管理的訂用帳戶：{list}。',
  'help.unreadable': '已設定但我的身分識別無法讀取的訂用帳戶 (不會列出其中任何資源)：{list}。',
  'help.footer': '每項變更都會先顯示在卡片上，經您確認後才會執行。還原另外需要核准者核准。',
  'command.enableBackup': '為一或多部 VM 啟用備份：選擇復原服務保存庫與備份原則、檢查每部 VM，然後確認。',
  'command.grantAccess':
    '讓 Azure 備份讀取金鑰保存庫中的金鑰和祕密：請指定金鑰保存庫名稱，或指定 VM，由我找出存放其 BEK/KEK 的金鑰保存庫。',
  'command.backupNow': '立即觸發受保護 VM 的備份，並追蹤其備份作業。',
  'command.restore': '從復原點還原已加密的 VM（需經核准者核准）。',
  'command.jobs': '顯示復原服務保存庫最近的備份作業。',
  'command.check': '檢查 VM 是否可以備份：加密、金鑰保存庫存取權、VM 代理程式。',
  'command.subscribe': '將保存庫的備份失敗通知張貼到此交談。',
  'command.unsubscribe': '停止在此張貼保存庫的備份失敗通知。',
  'command.subscriptions': '列出備份失敗通知會張貼到此交談的保存庫。',
  'command.audit': '顯示最近的稽核記錄，可指定一部 VM 或一個保存庫。',
  'command.language': '選擇我回覆的語言：英文或繁體中文。',
  'command.help': '顯示此清單。',
};
