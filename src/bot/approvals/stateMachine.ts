import type { ApprovalAction, ApprovalRecord, ApprovalStatus, Person, Refusal } from './types';

export interface Click {
  action: ApprovalAction;
  by: Person;
  at: Date;
  /** What the clicked card says the plan is (approve / reject). */
  planHash?: string;
  reason?: string;
  /** From the access policy, decided on the server for this click. */
  isApprover: boolean;
  /** How long after a run failed it may be retried (APPROVAL_TTL_MINUTES, as a request); unlimited if absent. */
  retryWithinMs?: number;
}

export type Decision =
  /** Store `next` (compare-and-set against the record it was computed from). */
  | { next: ApprovalRecord; refused?: undefined }
  /** Nothing to do; `next` when the click found the request expired (the expiry is stored). */
  | { refused: Refusal; next?: ApprovalRecord };

const same = (a: string | undefined, b: string | undefined) => !!a && !!b && a.toLowerCase() === b.toLowerCase();

export function isExpired(record: ApprovalRecord, at: Date): boolean {
  return record.status === 'pending' && at.getTime() >= Date.parse(record.expiresAt);
}

/** The expired record (stored by whoever notices first: a click or the sweep). */
export function expire(record: ApprovalRecord, at: Date): ApprovalRecord {
  return { ...record, status: 'expired', decision: { at: record.expiresAt }, updatedAt: at.toISOString() };
}

/**
 * Who may do what to a request, as plain logic: approve / reject only while pending and unexpired, only by an approver
 * who is not the requester, only for the plan the card shows; cancel only by the requester while pending; retry a
 * failed run by an approver other than the requester, before the retry expires. Refusals change nothing (an expired request is marked expired).
 */
export function decide(record: ApprovalRecord, click: Click): Decision {
  const at = click.at.toISOString();
  const stamp = (status: ApprovalStatus, extra: Partial<ApprovalRecord> = {}): ApprovalRecord => ({
    ...record,
    ...extra,
    status,
    updatedAt: at,
  });
  const requester = same(click.by.aadObjectId, record.requester.aadObjectId);

  if (click.action === 'retry') {
    // A retry restores again: like an approval, it takes an approver (role checked at this click) other than the
    // requester, and it expires as a request does, counted from the failure.
    if (requester || !click.isApprover) return { refused: 'notAllowed' };
    if (record.status !== 'failed') return { refused: 'decided' };
    const failedAt = Date.parse(record.updatedAt);
    if (click.retryWithinMs !== undefined && click.at.getTime() >= failedAt + click.retryWithinMs) {
      return { refused: 'expired' };
    }
    return { next: stamp('running', { retries: record.retries + 1 }) };
  }
  if (record.status !== 'pending') return { refused: 'decided' };
  if (isExpired(record, click.at)) return { refused: 'expired', next: expire(record, click.at) };
  if (click.action === 'cancel') {
    if (!requester) return { refused: 'notRequester' };
    return { next: stamp('cancelled', { decision: { by: click.by, at } }) };
  }
  if (click.planHash !== record.planHash) return { refused: 'stale' };
  if (requester) return { refused: 'self' };
  if (!click.isApprover) return { refused: 'notApprover' };
  const reason = click.reason?.trim().slice(0, 500) || undefined;
  if (click.action === 'approve') return { next: stamp('approved', { decision: { by: click.by, at, reason } }) };
  return { next: stamp('rejected', { decision: { by: click.by, at, reason } }) };
}

/** approved -> running once the run exists; running -> succeeded | failed when it ends. */
export function follow(
  record: ApprovalRecord,
  run: 'started' | 'succeeded' | 'failed',
  at: Date,
): ApprovalRecord | undefined {
  const to: ApprovalStatus = run === 'started' ? 'running' : run;
  const from: ApprovalStatus[] = run === 'started' ? ['approved'] : ['approved', 'running'];
  if (!from.includes(record.status)) return undefined;
  return { ...record, status: to, updatedAt: at.toISOString() };
}
