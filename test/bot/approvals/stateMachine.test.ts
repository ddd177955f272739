import { decide, follow, isExpired } from '../../../src/bot/approvals/stateMachine';
import type { ApprovalAction, ApprovalRecord, ApprovalStatus } from '../../../src/bot/approvals/types';
import type { RestorePlan } from '../../../src/runs/restorePlan';

const requester = { aadObjectId: 'AAAA-requester', name: 'Alex' };
const approver = { aadObjectId: 'bbbb-approver', name: 'Megan' };
const other = { aadObjectId: 'cccc-other', name: 'Lee' };
const at = new Date('2026-05-01T10:00:00Z');

function record(status: ApprovalStatus = 'pending', expiresAt = '2026-05-01T14:00:00Z'): ApprovalRecord {
  return {
    id: 'req-1',
    status,
    plan: { newVmName: 'vm-new' } as RestorePlan,
    planHash: 'hash-1',
    requester,
    createdAt: '2026-05-01T09:00:00Z',
    expiresAt,
    cards: {},
    locales: { requester: 'en', approvers: 'en' },
    retries: 0,
    updatedAt: '2026-05-01T09:00:00Z',
  };
}

type Case = [string, ApprovalRecord, ApprovalAction, typeof requester, boolean, string, string?];

// [name, record, action, by, by is approver, expected status or refusal, plan hash on the card]
const cases: Case[] = [
  ['an approver approves', record(), 'approve', approver, true, 'approved'],
  ['an approver rejects', record(), 'reject', approver, true, 'rejected'],
  [
    'the requester approves their own request (an approver too)',
    record(),
    'approve',
    { ...requester, aadObjectId: 'aaaa-REQUESTER' },
    true,
    'refused:self',
  ],
  ['the requester rejects their own request', record(), 'reject', requester, false, 'refused:self'],
  ['a non-approver approves', record(), 'approve', other, false, 'refused:notApprover'],
  ['a card for another plan', record(), 'approve', approver, true, 'refused:stale', 'hash-2'],
  ['a second approval', record('approved'), 'approve', approver, true, 'refused:decided'],
  ['approval of a running restore', record('running'), 'approve', approver, true, 'refused:decided'],
  ['approval after expiry', record('pending', '2026-05-01T09:59:59Z'), 'approve', approver, true, 'refused:expired'],
  ['the requester cancels', record(), 'cancel', requester, false, 'cancelled'],
  ['someone else cancels', record(), 'cancel', approver, true, 'refused:notRequester'],
  ['cancel after approval', record('approved'), 'cancel', requester, false, 'refused:decided'],
  // A retry restores again: an approver (checked at the click) other than the requester, as for an approval.
  ['the requester retries a failed run', record('failed'), 'retry', requester, false, 'refused:notAllowed'],
  ['the requester, an approver too, retries', record('failed'), 'retry', requester, true, 'refused:notAllowed'],
  ['an approver retries a failed run', record('failed'), 'retry', approver, true, 'running'],
  ['a stranger retries', record('failed'), 'retry', other, false, 'refused:notAllowed'],
  ['retry of a succeeded run', record('succeeded'), 'retry', approver, true, 'refused:decided'],
];

// The record failed at 09:00 (its updatedAt); a retry expires like a request, 4 hours later.
const FOUR_HOURS = 4 * 3600_000;

describe('approval state machine', () => {
  it.each(cases)('%s', (_name, rec, action, by, isApprover, expected, planHash = 'hash-1') => {
    const d = decide(rec, { action, by, at, planHash, isApprover, reason: ' because ' });
    const outcome = d.refused ? `refused:${d.refused}` : d.next.status;
    expect(outcome).toBe(expected);
    if (!d.refused && action !== 'retry') expect(d.next.decision).toMatchObject({ by, at: at.toISOString() });
  });

  it('refuses a retry once as long as a request lives has passed since the run failed', () => {
    const click = { action: 'retry' as const, by: approver, isApprover: true, retryWithinMs: FOUR_HOURS };
    expect(decide(record('failed'), { ...click, at: new Date('2026-05-01T12:59:59Z') }).next?.status).toBe('running');
    const late = decide(record('failed'), { ...click, at: new Date('2026-05-01T13:00:00Z') });
    expect(late).toEqual({ refused: 'expired' });
  });

  it('stores the expiry it notices, so the card can say so', () => {
    const d = decide(record('pending', '2026-05-01T09:00:00Z'), {
      action: 'approve',
      by: approver,
      at,
      planHash: 'hash-1',
      isApprover: true,
    });
    expect(d.next?.status).toBe('expired');
    expect(isExpired(record('pending', '2026-05-01T09:00:00Z'), at)).toBe(true);
    expect(isExpired(record('approved', '2026-05-01T09:00:00Z'), at)).toBe(false);
  });

  it('keeps the reason of a decision, trimmed and bounded', () => {
    const d = decide(record(), {
      action: 'reject',
      by: approver,
      at,
      planHash: 'hash-1',
      isApprover: true,
      reason: `  ${'x'.repeat(900)} `,
    });
    expect(d.next?.decision?.reason).toHaveLength(500);
  });

  it('follows the run: approved -> running -> succeeded | failed, and nothing else', () => {
    expect(follow(record('approved'), 'started', at)?.status).toBe('running');
    expect(follow(record('running'), 'succeeded', at)?.status).toBe('succeeded');
    expect(follow(record('running'), 'failed', at)?.status).toBe('failed');
    expect(follow(record('pending'), 'started', at)).toBeUndefined();
    expect(follow(record('rejected'), 'succeeded', at)).toBeUndefined();
    expect(follow(record('succeeded'), 'failed', at)).toBeUndefined();
  });
});
