import { t, type MessageKey } from '../../src/i18n';
import { SANDBOX_USERS } from '../../src/sandboxUsers';
import type { Where } from '../support/activities';
import { actionsOf, cardIdOf, textsOf, type Card } from '../support/cards';
import type { FlowRun, FlowScript } from '../support/driver';

/** The card's title (every card's first body element). */
export const titleOf = (card: Card): string => String(card.body?.[0]?.text ?? '');
const en = (key: string, params: Record<string, string> = {}) => t('en', key as MessageKey, params);
const titled = (card: Card, id: string, keys: string[]) =>
  cardIdOf(card) === id && keys.some((k) => titleOf(card) === en(k));

/** `enable backup <vm>`: vault → policy → pre-check → confirm; the result card is updated when Azure has done it. */
export function enableBackup(vm: string): FlowScript {
  return {
    name: 'enable backup',
    start: `enable backup ${vm}`,
    isWaiting: (c) => titled(c, 'card.enableBackup.result', ['enable.result.working']),
    isFinal: (c) =>
      titled(c, 'card.enableBackup.result', ['enable.result.done', 'enable.result.partial', 'enable.result.failed']),
    isSuccess: (c) => titled(c, 'card.enableBackup.result', ['enable.result.done']),
  };
}

/** `grant access <key vault | vm>`: the exact change → confirm → result (access policy, or a role on RBAC). */
export function grantAccess(target: string): FlowScript {
  return {
    name: 'grant access',
    start: `grant access ${target}`,
    isFinal: (c) => cardIdOf(c) === 'card.grantAccess.result',
    isSuccess: (c) => cardIdOf(c) === 'card.grantAccess.result',
  };
}

const BACKUP_END = [
  'backup.progress.completed',
  'backup.progress.warnings',
  'backup.progress.failed',
  'backup.progress.cancelled',
];

/** `backup now <vm>`: retention (30 days preset) → confirm; the progress card follows the job to its end. */
export function backupNow(vm: string): FlowScript {
  return {
    name: 'backup now',
    start: `backup now ${vm}`,
    isWaiting: (c) => cardIdOf(c) === 'card.backupNow.progress' && !BACKUP_END.some((k) => titleOf(c) === en(k)),
    isFinal: (c) => titled(c, 'card.backupNow.progress', BACKUP_END),
    isSuccess: (c) => titled(c, 'card.backupNow.progress', ['backup.progress.completed', 'backup.progress.warnings']),
  };
}

const RESTORE_END = [
  'approval.state.succeeded',
  'approval.state.failed',
  'approval.state.rejected',
  'approval.state.expired',
];
const hasState = (c: Card, keys: string[]) =>
  cardIdOf(c) === 'card.approval.request' && keys.some((k) => textsOf(c.body).includes(en(k)));

/**
 * `restore <vm>`: recovery point → target (rg-restore, the staging account and subnet offered first) → plan → request
 * approval; then the approver (in the approvers' conversation, where the request card is posted) approves, and the
 * request card follows the run (restore disks, keys, VM, clean-up) to its end.
 */
export function restore(vm: string, approver: Where): FlowScript {
  return {
    name: 'restore',
    start: `restore ${vm}`,
    pick: (input) => {
      if (input.id !== 'resourceGroup') return undefined;
      return input.choices?.find((c) => /rg-restore$/i.test(c.value) || c.title === 'rg-restore')?.value;
    },
    isWaiting: (c) => hasState(c, ['approval.state.pending']),
    isFinal: (c) => hasState(c, RESTORE_END),
    isSuccess: (c) => hasState(c, ['approval.state.succeeded']),
    finish: async (run: FlowRun) => {
      const approval = await run.waitForCard(
        (c) => hasState(c, ['approval.state.pending']) && actionsOf(c).some((a) => a.verb === 'approval.approve'),
        run.startSeq,
        approver.conversationId,
      );
      if (!approval) return false;
      const approve = actionsOf(approval.activity.attachments[0].content).find((a) => a.verb === 'approval.approve')!;
      const mark = run.o.connector.mark();
      const after = await run.press(approve.verb, { ...approve.data, reason: '' }, approver, approval.activityId);
      if (after && hasState(after, RESTORE_END)) return run.finished(after);
      const final = await run.waitForCard((c) => hasState(c, RESTORE_END), mark, approver.conversationId);
      return final ? run.finished(final.activity.attachments[0].content) : false;
    },
    maxSteps: 8,
  };
}

/**
 * The approver's personal chat with the bot (one per scenario) and its person (the sandbox's approver). Without
 * APPROVERS_CONVERSATION_ID the bot posts approvals only to an approver's personal chat, never a group chat (issue 20).
 */
export function approverWhere(serviceUrl: string, tag: string): Where {
  return {
    user: SANDBOX_USERS.approver,
    conversationId: `bench-${tag}-approvers`,
    serviceUrl,
    conversationType: 'personal',
  };
}
