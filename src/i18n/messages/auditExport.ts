// `audit export [days]`: the audit trail as a CSV file (personal chat, file consent) or a one-time link.
export const en = {
  'command.auditExport': 'The audit trail of the last days (default 7, at most 90) as a CSV file.',
  'auditExport.badDays':
    'Give a number of days from 1 to {max}, for example `audit export 30` (without one: {default}).',
  'auditExport.unavailable': 'Audit export is not set up in this bot.',
  'auditExport.consent': 'The audit trail of the last {days} days ({count} entries) is ready as a CSV file.',
  'auditExport.description': 'ADE backup bot audit trail, last {days} days',
  'auditExport.noLink':
    'Audit export needs a link the bot can serve, and PUBLIC_URL is not set. Ask in a personal chat with the bot if it can send files.',
  'auditExport.link':
    'The audit trail of the last {days} days ({count} entries): [download the CSV]({url}). The link works once, for {minutes} minutes.',
  'auditExport.expired': 'This export is no longer available. Type `audit export` again.',
  'auditExport.uploadFailed': 'The file could not be saved to your OneDrive. Try `audit export` again.',
  'auditExport.declined': 'No file was saved.',
};

export const zhTW: Record<keyof typeof en, string> = {
  'command.auditExport': '以 CSV 檔案匯出最近幾天的稽核記錄 (預設 7 天，最多 90 天)。',
  'auditExport.badDays': '請輸入 1 到 {max} 之間的天數，例如 `audit export 30` (未指定時為 {default} 天)。',
  'auditExport.unavailable': '此 Bot 未設定稽核記錄匯出。',
  'auditExport.consent': '最近 {days} 天的稽核記錄 ({count} 筆) 已準備好 CSV 檔案。',
  'auditExport.description': 'ADE 備份 Bot 稽核記錄，最近 {days} 天',
  'auditExport.noLink':
    '稽核記錄匯出需要 Bot 能提供的連結，但未設定 PUBLIC_URL。若 Bot 可傳送檔案，請在與 Bot 的個人聊天中要求。',
  'auditExport.link':
    '最近 {days} 天的稽核記錄 ({count} 筆)：[下載 CSV]({url})。此連結只能使用一次，有效期限 {minutes} 分鐘。',
  'auditExport.expired': '此匯出已無法使用。請再次輸入 `audit export`。',
  'auditExport.uploadFailed': '無法將檔案儲存到您的 OneDrive。請再次輸入 `audit export`。',
  'auditExport.declined': '未儲存任何檔案。',
};
