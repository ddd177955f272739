import type { Locale } from '../../i18n';
import type { RestorePlan } from '../../runs/restorePlan';
import type { CardAddress } from '../messenger';

/** pending -> approved -> running -> succeeded | failed (failed -> running on a retry), or pending -> rejected | expired | cancelled. */
export type ApprovalStatus =
  'pending' | 'approved' | 'running' | 'succeeded' | 'failed' | 'rejected' | 'expired' | 'cancelled';

export interface Person {
  aadObjectId: string;
  name?: string;
}

/**
 * A restore request, bound to the exact plan (`planHash`), in its own record (never conversation state): every
 * change is a compare-and-set, so two clicks, two approvers or two replicas decide it once.
 */
export interface ApprovalRecord {
  id: string;
  status: ApprovalStatus;
  plan: RestorePlan;
  planHash: string;
  requester: Person;
  /** Why the requester restores (optional): on the approvers' card and in the audit trail. */
  reason?: string;
  createdAt: string;
  expiresAt: string;
  /** The approval, rejection, cancellation or expiry. */
  decision?: { by?: Person; at: string; reason?: string };
  /** The requester's card (the plan card, replaced) and the approvers' card, updated in place as things move. */
  cards: { requester?: CardAddress; approvers?: CardAddress };
  /** Whom the approvers' card reached: an approver's personal chat (their name), or the configured conversation. */
  deliveredTo?: { kind: 'person' | 'configured'; name?: string };
  /** Approvers' Teams ids in the approvers' conversation: who Teams refreshes the card for (user-specific view). */
  approverIds?: string[];
  locales: { requester: Locale; approvers: Locale };
  /** Retries a person asked for. */
  retries: number;
  updatedAt: string;
}

export type ApprovalAction = 'approve' | 'reject' | 'cancel' | 'retry';

/** Why a click changed nothing; each is told to the clicking user on their copy of the card. */
export type Refusal =
  | 'notFound'
  | 'self'
  | 'notApprover'
  | 'notRequester'
  | 'notAllowed'
  | 'expired'
  | 'decided'
  | 'stale'
  | 'notRetryable';
