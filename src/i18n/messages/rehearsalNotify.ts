// A failed restore rehearsal's own living card (src/bot/chatNotifications/cards.ts): apart from the VM's backup failures,
// recovered only by a later passed rehearsal of that VM. And the refusal of a VM whose subscription has no rehearsal
// network (src/dialogs/rehearsal/plan.ts).
export const en = {
  'rehearsal.notify.titleRepeat': 'Restore rehearsal failed {count} times: {vm}',
  'rehearsal.notify.recoveredTitle': 'Rehearsal passed: {vm}',
  'rehearsal.notify.recoveredSummary': 'A later restore rehearsal of **{vm}** passed at {time}, after {count} failed.',
  'rehearsal.notify.run': 'Rehearsal run',
  'rehearsal.notify.rehearseAgain': 'Rehearse again',
  'rehearsal.notify.showRehearsals': 'Show rehearsals',
  'rehearsal.refused.noNetwork':
    "No rehearsal network is configured in subscription {subscription} (where **{vm}** and its vault are: Azure restores only within the vault's subscription): set REHEARSAL_SUBNET with a subnet of that subscription. Nothing was changed.",
};

export const zhTW: Record<keyof typeof en, string> = {
  'rehearsal.notify.titleRepeat': '還原演練已失敗 {count} 次：{vm}',
  'rehearsal.notify.recoveredTitle': '還原演練已通過：{vm}',
  'rehearsal.notify.recoveredSummary': '在 {count} 次失敗之後，**{vm}** 的後續還原演練已於 {time} 通過。',
  'rehearsal.notify.run': '演練執行',
  'rehearsal.notify.rehearseAgain': '再次演練',
  'rehearsal.notify.showRehearsals': '顯示還原演練',
  'rehearsal.refused.noNetwork':
    '訂用帳戶 {subscription} 中未設定演練網路 (**{vm}** 與其保存庫位於此訂用帳戶：Azure 只能在保存庫的訂用帳戶內還原)：請將 REHEARSAL_SUBNET 設為該訂用帳戶中的子網路。未進行任何變更。',
};
