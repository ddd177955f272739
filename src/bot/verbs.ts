/**
 * The card verb vocabulary: every `verb` of an Action.Execute and every `data.verb` of an Action.Submit in cards/.
 * test/cards/verbs.test.ts keeps it honest both ways: every verb a card uses is listed here, and every verb listed here
 * is used by a card and has a route in src/bot/routes.ts. Add a verb here, in its flow's group, when a card gains one.
 */
export const VERBS = [
  // language
  'language.set',
  // restore request (src/bot/restore/register.ts)
  'restore.vm',
  'restore.point',
  'restore.target',
  'restore.requestApproval',
  'restore.cancel',
  // restore approval
  'approval.approve',
  'approval.reject',
  'approval.cancel',
  'approval.retry',
  'approval.refresh',
  // protect flows (src/dialogs, routed by src/bot/protect/register.ts): the card-step mechanism's own verbs
  'flow.cancel',
  'flow.page',
  'flow.back',
  // enable backup
  'enableBackup.start',
  'enableBackup.vault',
  'enableBackup.policy',
  'enableBackup.newPolicy',
  'enableBackup.vms',
  'enableBackup.grant',
  'enableBackup.precheck',
  'enableBackup.confirm',
  // grant access
  'grantAccess.start',
  'grantAccess.target',
  'grantAccess.confirm',
  // backup now
  'backupNow.start',
  'backupNow.vm',
  'backupNow.retention',
  'backupNow.confirm',
  // check
  'check.start',
  'check.vm',
  // jobs
  'jobs.vault',
  'jobs.detail',
  'jobs.back',
  // failed-backup notifications (src/bot/notifications/register.ts); fix buttons reuse grantAccess.start / backupNow.start
  'notify.showJob',
  'notify.subscribe',
  'notify.unsubscribe',
] as const;

export type Verb = (typeof VERBS)[number];

export function isVerb(value: unknown): value is Verb {
  return typeof value === 'string' && (VERBS as readonly string[]).includes(value);
}
