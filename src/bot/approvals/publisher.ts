import type { Locale } from '../../i18n';
import type { Logger } from '../../log';
import { restoreRunId, type RestoreCheckpoint, type RestoreRun } from '../../runs/restoreRun';
import type { RunEngine } from '../../runs/types';
import type { RecordStore } from '../../store';
import type { CardAddress, Messenger } from '../messenger';
import { approvalCard, type ApprovalCardOptions, type Audience } from './cards';
import type { ConversationDirectory } from './conversations';
import type { ApprovalRecord } from './types';

export interface ApprovalCardsDeps {
  records: RecordStore<ApprovalRecord>;
  messenger: Pick<Messenger, 'sendCard' | 'updateCard'>;
  runs: Pick<RunEngine, 'get'>;
  conversations: ConversationDirectory;
  logger: Logger;
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
    const where = await this.deps.conversations.approvers({
      aadObjectId: record.requester.aadObjectId,
      conversationId: record.cards.requester?.reference.conversation?.id,
    });
    if (!where) return undefined;
    const claim = await this.deps.records.update(record.id, (cur) =>
      cur && !cur.cards.approvers
        ? {
            ...cur,
            cards: { ...cur.cards, approvers: { reference: where.reference } },
            locales: { ...cur.locales, approvers: where.locale },
          }
        : undefined,
    );
    if (!claim.changed || !claim.value) return undefined;
    const card = approvalCard(where.locale, claim.value, undefined, {
      audience: 'approvers',
      refresh: refreshFor(claim.value, where.approverIds),
    });
    try {
      const activityId = await this.deps.messenger.sendCard(where.reference, card);
      const { value } = await this.deps.records.update(record.id, (cur) =>
        cur
          ? {
              ...cur,
              cards: { ...cur.cards, approvers: { reference: where.reference, activityId } },
              approverIds: where.approverIds,
              deliveredTo: { kind: where.kind, name: where.approver?.name },
            }
          : undefined,
      );
      this.deps.logger.info(
        { requestId: record.id, to: where.kind, conversation: where.reference.conversation?.id },
        'approval card delivered',
      );
      if (options.tellRequester) await this.updateAll(record.id, undefined, ['requester']);
      return value;
    } catch (err) {
      this.deps.logger.warn({ err, requestId: record.id }, 'approval card could not be posted');
      await this.deps.records.update(record.id, (cur) =>
        cur ? { ...cur, cards: { requester: cur.cards.requester } } : undefined,
      );
      return undefined;
    }
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
