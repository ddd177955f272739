// Ownership on failure cards: "I'm on it", Snooze, and who had taken it when it recovers.
export const en = {
  'notify.button.take': "I'm on it",
  'notify.button.snooze': 'Snooze',
  'notify.snooze.intro': "Snooze this VM's failure cards in this conversation for:",
  'notify.snooze.hours': '{hours} h',
  'notify.fact.takenBy': 'Taken by',
  'notify.takenBy': '{who}, {time}',
  'notify.fact.snoozed': 'Snoozed until',
  'notify.snoozedBy': '{time} (by {who})',
  'notify.failure.recoveredOwner': '{who} had taken it.',
  'notify.take.other': '{who} already took {vm} ({time}).',
  'notify.take.recovered': '{vm} has recovered: nothing to take.',
  'notify.take.unknown': 'This card is no longer current.',
  'notify.snooze.bad': 'Snooze for 1, 4 or 24 hours.',
};

export const zhTW: Record<keyof typeof en, string> = {
  'notify.button.take': '我來處理',
  'notify.button.snooze': '暫停通知',
  'notify.snooze.intro': '在此交談中暫停此 VM 的失敗通知：',
  'notify.snooze.hours': '{hours} 小時',
  'notify.fact.takenBy': '處理人員',
  'notify.takenBy': '{who}，{time}',
  'notify.fact.snoozed': '暫停通知至',
  'notify.snoozedBy': '{time} (由 {who} 設定)',
  'notify.failure.recoveredOwner': '此問題由 {who} 處理。',
  'notify.take.other': '{who} 已接手 {vm} ({time})。',
  'notify.take.recovered': '{vm} 已復原，無需接手。',
  'notify.take.unknown': '此卡片已不是最新狀態。',
  'notify.snooze.bad': '請選擇暫停 1、4 或 24 小時。',
};
