// `posture [vault | subscription]`: what will fail before it fails, each line with its fix.
export const en = {
  'command.posture':
    'What will fail before it fails: encrypted VMs without backup, key vault access, BEK-only VMs, backups past the RPO.',
  'posture.title': 'Backup posture: every subscription I manage',
  'posture.titleVault': 'Backup posture: {vault}',
  'posture.summary': '{vms} VMs checked, {count} to look at ({reads} Azure reads).',
  'posture.clean': '{vms} VMs checked: nothing to fix ({reads} Azure reads).',
  'posture.unprotectedEncrypted': '🔓 **{vm}** is encrypted and no vault protects it.',
  'posture.permissionDrift':
    "⛔ **{vm}**: key vault **{keyVault}** no longer lets Azure Backup read the VM's keys and secrets (its access policy or role was removed). The next backup will fail.",
  'posture.encryptedAfterProtection':
    '⚠️ **{vm}** was encrypted after backup was enabled: key vault **{keyVault}** must let Azure Backup in.',
  'posture.noGrant': '⚠️ **{vm}**: key vault **{keyVault}** does not let Azure Backup in; its backups will fail.',
  'posture.bekOnly': '🚫 **{vm}** is encrypted with a BEK only, which backup refuses unless BEK-only VMs are allowed.',
  'posture.pastRpo': '⏰ **{vm}** has had no successful backup for more than {hours} hours (last: {last}).',
  'posture.never': 'never',
  'posture.more': '…and {count} more. Ask for one vault: `posture <vault>`.',
  'posture.busy':
    "A posture read needs about {reads} Azure reads, more than the watcher's read budget has left this hour. Try again in {minutes} minutes, or for one vault: `posture <vault>`.",
  'posture.unknownVault': 'There is no Recovery Services vault named {vault}.',
};

export const zhTW: Record<keyof typeof en, string> = {
  'command.posture': '在失敗前找出問題：未備份的已加密 VM、金鑰保存庫存取權、僅 BEK 的 VM、超過 RPO 的備份。',
  'posture.title': '備份狀態：我管理的所有訂用帳戶',
  'posture.titleVault': '備份狀態：{vault}',
  'posture.summary': '已檢查 {vms} 部 VM，{count} 項需要處理 (Azure 讀取 {reads} 次)。',
  'posture.clean': '已檢查 {vms} 部 VM：沒有需要修正的項目 (Azure 讀取 {reads} 次)。',
  'posture.unprotectedEncrypted': '🔓 **{vm}** 已加密，但沒有任何保存庫保護它。',
  'posture.permissionDrift':
    '⛔ **{vm}**：金鑰保存庫 **{keyVault}** 已不再允許 Azure 備份讀取此 VM 的金鑰和祕密 (其存取原則或角色已被移除)。下次備份將會失敗。',
  'posture.encryptedAfterProtection':
    '⚠️ **{vm}** 在啟用備份後才加密：金鑰保存庫 **{keyVault}** 必須授與 Azure 備份存取權。',
  'posture.noGrant': '⚠️ **{vm}**：金鑰保存庫 **{keyVault}** 未授與 Azure 備份存取權，備份將會失敗。',
  'posture.bekOnly': '🚫 **{vm}** 僅以 BEK 加密，除非允許僅 BEK 的 VM，否則備份會拒絕。',
  'posture.pastRpo': '⏰ **{vm}** 已超過 {hours} 小時沒有成功的備份 (上次：{last})。',
  'posture.never': '從未',
  'posture.more': '…還有 {count} 項。可指定保存庫：`posture <保存庫>`。',
  'posture.busy':
    '備份狀態讀取約需 {reads} 次 Azure 讀取，超過監看程式本小時剩餘的讀取預算。請於 {minutes} 分鐘後再試，或指定保存庫：`posture <保存庫>`。',
  'posture.unknownVault': '沒有名為 {vault} 的復原服務保存庫。',
};
