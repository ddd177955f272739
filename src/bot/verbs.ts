/**
 * The card verb vocabulary: every `verb` of an Action.Execute and every `data.verb` of an Action.Submit in cards/,
 * in one group per feature (each feature's register file routes its group). test/cards/verbs.test.ts keeps it honest
 * both ways: every verb a card uses is listed here, and every verb listed here is used by a card and has a route.
 * Add a verb here, in its feature's group, when a card gains one.
 */

/** The restore request (src/bot/restore/register.ts) and its approval. */
export const RESTORE_VERBS = [
  'restore.vm',
  'restore.point',
  'restore.target',
  'restore.requestApproval',
  'restore.cancel',
  'approval.approve',
  'approval.reject',
  'approval.cancel',
  'approval.retry',
  'approval.refresh',
] as const;

/** Restore rehearsals (src/bot/rehearsal/register.ts): the request cards, a standing rehearsal's request and revoke. */
export const REHEARSAL_VERBS = [
  'rehearsal.start',
  'rehearsal.vm',
  'rehearsal.request',
  'rehearsal.cancel',
  'rehearsal.revoke',
  'rehearsal.approveMonthly',
  'rehearsal.standingApprove',
  'rehearsal.standingReject',
  'rehearsal.list',
] as const;

/** The protect flows (src/dialogs, routed by src/bot/protect/register.ts), the card-step mechanism's own verbs first. */
export const PROTECT_VERBS = [
  'flow.cancel',
  'flow.page',
  'flow.back',
  'enableBackup.start',
  'enableBackup.vault',
  'enableBackup.policy',
  'enableBackup.newPolicy',
  'enableBackup.vms',
  'enableBackup.grant',
  'enableBackup.precheck',
  'enableBackup.confirm',
  'grantAccess.start',
  'grantAccess.target',
  'grantAccess.confirm',
  'backupNow.start',
  'backupNow.vm',
  'backupNow.retention',
  'backupNow.confirm',
  'check.start',
  'check.vm',
  'jobs.vault',
  'jobs.detail',
  'jobs.back',
] as const;

/** Failed-backup notifications (src/bot/chatNotifications/register.ts); fix buttons reuse the protect flows' starts. */
export const NOTIFICATION_VERBS = [
  'notify.showJob',
  'notify.subscribe',
  'notify.unsubscribe',
  'notify.take',
  'notify.snooze',
] as const;

/** The audit trail card's paging. */
export const AUDIT_VERBS = ['audit.more'] as const;

export const VERBS = [
  'language.set',
  ...AUDIT_VERBS,
  ...RESTORE_VERBS,
  ...REHEARSAL_VERBS,
  ...PROTECT_VERBS,
  ...NOTIFICATION_VERBS,
] as const;

export type Verb = (typeof VERBS)[number];

export function isVerb(value: unknown): value is Verb {
  return typeof value === 'string' && (VERBS as readonly string[]).includes(value);
}
