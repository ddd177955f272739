import type { Locale } from '../../i18n';
import type { Logger } from '../../log';
import { restoreRunId, type RestoreCheckpoint, type RestoreRun } from '../../runs/restoreRun';
import type { RunEngine } from '../../runs/types';
import type { RecordStore } from '../../store';
import type { CardAddress, Messenger } from '../messenger';
import { approvalCard, type ApprovalCardOptions, type Audience } from './cards';
import type { AdaptiveCardJson } from '../../cards/render';
import type { ApproversConversation, ConversationDirectory } from './conversations';
import type { ApprovalRecord } from './types';

export interface ApprovalCardsDeps {
  records: RecordStore<ApprovalRecord>;
  messenger: Pick<Messenger, 'sendCard' | 'updateCard'>;
  runs: Pick<RunEngine, 'get'>;
  conversations: ConversationDirectory;
  logger: Logger;
  now?: () => Date;
}

/**
 * The two copies of a request's card: posting the approvers' copy (proactively, once) and editing both in place.
 * A card that cannot be posted or edited now is logged; the next change edits it again.
 */
export class ApprovalCards {
  constructor(private readonly deps: ApprovalCardsDeps) {}

  /**
   * Claims the approvers' card slot, posts the card, stores its message id (a second poster finds the claim). With
   * `tellRequester` (a request that waited for an approver), the requester's card then says whom it waits for.
   */
  async deliver(
    record: ApprovalRecord,
    options: { tellRequester?: boolean } = {},
  ): Promise<ApprovalRecord | undefined> {
    const now = () => (this.deps.now?.() ?? new Date()).getTime();
    const value = await deliverToApprovers({ ...this.deps, now }, record, {
      what: 'approval card',
      card: (locale, claimed, where) =>
        approvalCard(locale, claimed, undefined, {
          audience: 'approvers',
          refresh: refreshFor(claimed, where.approverIds),
        }),
      delivered: (where) => ({ approverIds: where.approverIds }),
    });
    if (value && options.tellRequester) await this.updateAll(record.id, undefined, ['requester']);
    return value;
  }

  /** Both copies of the card, from the stored request and run (so a late update never shows an older state). */
  async updateAll(id: string, latestRun?: RestoreRun, only?: Audience[]): Promise<void> {
    const record = (await this.deps.records.get(id))?.value;
    if (!record) return;
    const run = latestRun ?? (await this.deps.runs.get<RestoreCheckpoint>(restoreRunId(id)));
    const copies: [CardAddress | undefined, Audience, Locale, ApprovalCardOptions['refresh']][] = [
      [record.cards.requester, 'requester', record.locales.requester, undefined],
      [record.cards.approvers, 'approvers', record.locales.approvers, refreshFor(record, record.approverIds)],
    ];
    for (const [address, audience, locale, refresh] of copies) {
      if (!address?.activityId || (only && !only.includes(audience))) continue;
      try {
        await this.deps.messenger.updateCard(address, approvalCard(locale, record, run, { audience, refresh }));
      } catch (err) {
        this.deps.logger.warn({ err, requestId: id, audience }, 'approval card could not be updated');
      }
    }
  }
}

/**
 * Card refresh on the approvers' copy: while pending, Teams refreshes it for the approvers (each gets the buttons their
 * role allows); once decided, for nobody ([]), so a decided card stops refreshing.
 */
export function refreshFor(record: ApprovalRecord, approverIds: string[] | undefined): ApprovalCardOptions['refresh'] {
  return { userIds: record.status === 'pending' ? (approverIds?.length ? approverIds : undefined) : [] };
}

/**
 * How long a claim of the approvers' card slot holds without the card's message id: long past a post that Teams
 * throttles and the messenger retries, short enough that a request whose poster died (a replica killed between the
 * claim and the post) reaches an approver at the next meeting or start-up.
 */
export const APPROVERS_CLAIM_LAPSE_MS = 5 * 60_000;

/**
 * Whether a request still waits for its approvers' copy: none posted, and no live claim of the slot (a claim older than
 * APPROVERS_CLAIM_LAPSE_MS with no message id was made by a poster that died; a claim from before claims were dated,
 * likewise).
 */
export function awaitsApproversCopy(cards: { approvers?: CardAddress }, now: number): boolean {
  const slot = cards.approvers;
  if (!slot) return true;
  if (slot.activityId) return false;
  return !slot.claimedAt || now - Date.parse(slot.claimedAt) > APPROVERS_CLAIM_LAPSE_MS;
}

/** What a request needs for its approvers' copy to be posted once: its requester and the two card slots. */
interface Deliverable {
  id: string;
  requester: { aadObjectId: string };
  cards: { requester?: CardAddress; approvers?: CardAddress };
  locales: { requester: Locale; approvers: Locale };
  deliveredTo?: { kind: ApproversConversation['kind']; name?: string };
}

/**
 * Posts a request's approvers' copy once, whatever the kind of request (a restore's, a standing rehearsal's): finds
 * the approvers' conversation (never the requester's own chat), claims the approvers' card slot by compare-and-set (a
 * second poster, on another replica or after a restart, finds the claim), posts, stores the message id and whom it
 * reached. Undefined when nobody can be reached now, the slot was claimed already or `open` says the request no
 * longer waits; a failed post releases the claim, so a later meeting tries again.
 */
export async function deliverToApprovers<R extends Deliverable>(
  deps: {
    records: RecordStore<R>;
    messenger: Pick<Messenger, 'sendCard'>;
    conversations: {
      approvers(requester: {
        aadObjectId?: string;
        conversationId?: string;
      }): Promise<ApproversConversation | undefined>;
    };
    logger: Logger;
    now?: () => number;
  },
  record: R,
  how: {
    /** For the log lines: 'approval card', 'standing rehearsal request'. */
    what: string;
    card: (locale: Locale, claimed: R, where: ApproversConversation) => AdaptiveCardJson;
    /** Whether the stored request still waits for its approvers' copy (default: always). */
    open?: (current: R) => boolean;
    /** What else the request keeps once delivered. */
    delivered?: (where: ApproversConversation) => Partial<R>;
  },
): Promise<R | undefined> {
  const where = await deps.conversations.approvers({
    aadObjectId: record.requester.aadObjectId,
    conversationId: record.cards.requester?.reference.conversation?.id,
  });
  if (!where) return undefined;
  const now = deps.now?.() ?? Date.now();
  const claim = await deps.records.update(record.id, (cur) =>
    cur && awaitsApproversCopy(cur.cards, now) && (how.open?.(cur) ?? true)
      ? {
          ...cur,
          cards: { ...cur.cards, approvers: { reference: where.reference, claimedAt: new Date(now).toISOString() } },
          locales: { ...cur.locales, approvers: where.locale },
        }
      : undefined,
  );
  if (!claim.changed || !claim.value) return undefined;
  try {
    const activityId = await deps.messenger.sendCard(where.reference, how.card(where.locale, claim.value, where));
    const { value } = await deps.records.update(record.id, (cur) =>
      cur
        ? {
            ...cur,
            ...how.delivered?.(where),
            cards: { ...cur.cards, approvers: { reference: where.reference, activityId } },
            deliveredTo: { kind: where.kind, name: where.approver?.name },
          }
        : undefined,
    );
    deps.logger.info(
      { requestId: record.id, to: where.kind, conversation: where.reference.conversation?.id },
      `${how.what} delivered`,
    );
    return value;
  } catch (err) {
    deps.logger.warn({ err, requestId: record.id }, `${how.what} could not be posted`);
    await deps.records.update(record.id, (cur) =>
      cur?.cards.approvers && !cur.cards.approvers.activityId
        ? { ...cur, cards: { requester: cur.cards.requester } }
        : undefined,
    );
    return undefined;
  }
}
