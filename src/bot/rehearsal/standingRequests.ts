import { randomUUID } from 'node:crypto';
import { portalLinks } from '../../cards/portal';
import { renderCard, type AdaptiveCardJson } from '../../cards/render';
import { formatTime } from '../../dialogs/restore/format';
import type { RehearsalNetwork } from '../../dialogs/rehearsal/plan';
import { t, type Locale, type MessageKey } from '../../i18n';
import type { Logger } from '../../log';
import type { AuditResult, AuditTrail, RecordStore } from '../../store';
import { awaitsApproversCopy, deliverToApprovers } from '../approvals/publisher';
import type { ApprovalService } from '../approvals/service';
import type { Person, Refusal } from '../approvals/types';
import type { CardAddress, Messenger } from '../messenger';
import type { StandingRehearsal, StandingRehearsals } from './standing';

/**
 * A request for a standing rehearsal (`rehearse monthly <vm | vault>`), waiting for a second person: like a restore
 * request, it goes to the approvers (their conversation, or an approver's personal chat), only an approver other than
 * the requester may approve or reject it, and it expires after APPROVAL_TTL_MINUTES. Approved, it becomes the
 * StandingRehearsal (requester and approver both recorded). Signed in the store; every step audited.
 */
export interface StandingRequest {
  id: string;
  scope: StandingRehearsal['scope'];
  /** The VM's or the vault's ARM id (the card's portal link), when known. */
  resourceId?: string;
  status: 'pending' | 'approved' | 'rejected' | 'expired';
  requester: Person;
  createdAt: string;
  expiresAt: string;
  decision?: { by?: Person; at: string };
  /** The standing rehearsal the approval made (or the active one for the scope it found). */
  standingId?: string;
  cards: { requester?: CardAddress; approvers?: CardAddress };
  deliveredTo?: { kind: 'person' | 'configured'; name?: string };
  locales: { requester: Locale; approvers: Locale };
}

export interface StandingRequestsDeps {
  records: RecordStore<StandingRequest>;
  standing: StandingRehearsals;
  approvals: Pick<ApprovalService, 'ttlMinutes' | 'approversConversation' | 'isApprover'>;
  messenger: Pick<Messenger, 'sendCard' | 'updateCard'>;
  audit: AuditTrail;
  logger: Logger;
  /** The isolated networks rehearsals run in (one per subscription), named on the card. */
  networks?: RehearsalNetwork[];
  /** REHEARSAL_STANDING_DAYS and REHEARSAL_MAX_CONCURRENT (stated on the card). */
  days: number;
  maxConcurrent: number;
  now: () => number;
}

type Audience = 'approvers' | 'requester';

const same = (a: string | undefined, b: string | undefined) => !!a && !!b && a.toLowerCase() === b.toLowerCase();

export class StandingRequests {
  constructor(private readonly deps: StandingRequestsDeps) {}

  get(id: string): Promise<StandingRequest | undefined> {
    return this.deps.records.get(id).then((r) => r?.value);
  }

  /**
   * Records the request, audits it and posts it to the approvers (the restore's directory: never the requester's own
   * chat). The requester's card is `requesterCard` (sent by the caller), updated in place as it moves.
   */
  async request(input: {
    scope: StandingRehearsal['scope'];
    resourceId?: string;
    requester: Person;
    locale: Locale;
    requesterCard: CardAddress;
  }): Promise<StandingRequest> {
    const now = this.deps.now();
    const record: StandingRequest = {
      id: randomUUID(),
      scope: input.scope,
      ...(input.resourceId ? { resourceId: input.resourceId } : {}),
      status: 'pending',
      requester: input.requester,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + this.deps.approvals.ttlMinutes * 60_000).toISOString(),
      cards: { requester: input.requesterCard },
      locales: { requester: input.locale, approvers: input.locale },
    };
    await this.deps.records.create(record.id, record);
    await this.audit(record, input.requester, 'requested', { expiresAt: record.expiresAt });
    return (await this.deliver(record)) ?? (await this.get(record.id)) ?? record;
  }

  /**
   * Posts pending, unexpired requests that have not reached an approver yet (none other than the requester was known
   * when they were made): called when the bot meets an approver, as restore requests are (ApprovalService
   * deliverPending). Each is claimed by compare-and-set before it is posted, so it is delivered once across replicas
   * and restarts; the requester's card then says whom it waits for.
   */
  async deliverPending(): Promise<number> {
    const now = this.deps.now();
    let posted = 0;
    for (const { value } of await this.deps.records.list({ newestFirst: true, limit: 100 })) {
      if (value.status !== 'pending' || Date.parse(value.expiresAt) <= now) continue;
      if (!awaitsApproversCopy(value.cards, now)) continue;
      if (await this.deliver(value, { tellRequester: true })) posted++;
    }
    return posted;
  }

  /**
   * Claims the approvers' card slot (a second poster finds the claim), posts the card to the approvers (the restore's
   * directory: never the requester's own chat), stores its message id. Undefined when nobody can be reached now or the
   * slot was claimed already; a failed post releases the claim (a later meeting tries again).
   */
  private async deliver(
    record: StandingRequest,
    options: { tellRequester?: boolean } = {},
  ): Promise<StandingRequest | undefined> {
    const value = await deliverToApprovers(
      { ...this.deps, conversations: { approvers: (r) => this.deps.approvals.approversConversation(r) } },
      record,
      {
        what: 'standing rehearsal request',
        open: (cur) => cur.status === 'pending',
        card: (locale, claimed) => standingRequestCard(locale, claimed, 'approvers', this.deps),
      },
    );
    if (value && options.tellRequester) await this.updateCards(value, ['requester']);
    return value;
  }

  /**
   * The requester's card once sent (rendered from `shown`); a decision made meanwhile is shown on it at once, and so
   * is a delivery to an approver met meanwhile.
   */
  async attachRequesterCard(id: string, activityId: string, shown?: StandingRequest): Promise<void> {
    const { value } = await this.deps.records.update(id, (cur) =>
      cur?.cards.requester
        ? { ...cur, cards: { ...cur.cards, requester: { ...cur.cards.requester, activityId } } }
        : undefined,
    );
    if (!value) return;
    if (value.status !== 'pending') await this.updateCards(value);
    else if (shown && !shown.cards.approvers?.activityId && value.cards.approvers?.activityId)
      await this.updateCards(value, ['requester']);
  }

  /**
   * Approve or Reject, decided here whatever the card showed: pending and unexpired, by an approver (role checked at
   * this click) who is not the requester. An approval makes the standing rehearsal. Refusals change nothing (an
   * expired request is marked expired) and are audited.
   */
  async decide(
    id: string,
    action: 'approve' | 'reject',
    by: Person & { tenantId?: string },
  ): Promise<{ record?: StandingRequest; refused?: Refusal; standing?: StandingRehearsal; created?: boolean }> {
    const isApprover = await this.deps.approvals.isApprover(by);
    const person: Person = { aadObjectId: by.aadObjectId, name: by.name };
    let refused: Refusal | undefined;
    const at = new Date(this.deps.now());
    const { value, changed } = await this.deps.records.update(id, (cur) => {
      const d = decideStanding(cur, person, isApprover, action, at);
      refused = d.refused;
      return d.next;
    });
    if (!value) return { refused: 'notFound' };
    if (refused) {
      if (changed) await this.audit(value, undefined, 'expired', { expiresAt: value.expiresAt });
      else if (refused !== 'decided') await this.audit(value, person, 'refused', { refusal: refused, action });
      if (changed) await this.updateCards(value);
      return { record: value, refused };
    }
    if (value.status === 'rejected') {
      await this.audit(value, person, 'rejected', {});
      await this.updateCards(value);
      return { record: value };
    }
    const { standing, created } = await this.deps.standing.create(
      value.scope,
      { requestedBy: value.requester, approvedBy: person, requestId: value.id },
      {
        reference: value.cards.requester?.reference as Record<string, unknown> | undefined,
        locale: value.locales.requester,
      },
    );
    const { value: linked } = await this.deps.records.update(id, (cur) =>
      cur ? { ...cur, standingId: standing.id } : undefined,
    );
    const record = linked ?? value;
    await this.updateCards(record);
    return { record, standing, created };
  }

  /** Marks requests nobody decided on in time as expired (audited), and says so on their cards. */
  async expireDue(): Promise<number> {
    const now = this.deps.now();
    let n = 0;
    for (const { id, value } of await this.deps.records.list()) {
      if (value.status !== 'pending' || Date.parse(value.expiresAt) > now) continue;
      const { value: next, changed } = await this.deps.records.update(id, (cur) =>
        cur && cur.status === 'pending' && Date.parse(cur.expiresAt) <= now
          ? { ...cur, status: 'expired', decision: { at: cur.expiresAt } }
          : undefined,
      );
      if (changed && next) {
        n++;
        await this.audit(next, undefined, 'expired', { expiresAt: next.expiresAt });
        await this.updateCards(next);
      }
    }
    return n;
  }

  card(locale: Locale, record: StandingRequest, audience: Audience, notice = ''): AdaptiveCardJson {
    return standingRequestCard(locale, record, audience, this.deps, notice);
  }

  /** Both copies of the card follow the request (a card that cannot be edited now is logged). */
  private async updateCards(record: StandingRequest, only?: Audience[]): Promise<void> {
    const copies: [CardAddress | undefined, Audience, Locale][] = [
      [record.cards.requester, 'requester', record.locales.requester],
      [record.cards.approvers, 'approvers', record.locales.approvers],
    ];
    for (const [address, audience, locale] of copies) {
      if (!address?.activityId || (only && !only.includes(audience))) continue;
      await this.deps.messenger
        .updateCard(address, this.card(locale, record, audience))
        .catch((err: unknown) =>
          this.deps.logger.warn({ err, requestId: record.id, audience }, 'standing request card not updated'),
        );
    }
  }

  private async audit(
    r: StandingRequest,
    by: Person | undefined,
    result: AuditResult,
    details: Record<string, string>,
  ): Promise<void> {
    await this.deps.audit.append({
      who: by ?? { name: 'ade-backup-bot' },
      action: 'rehearsal.standing',
      target: { kind: r.scope.kind, name: r.scope.name },
      details: { requestId: r.id, schedule: 'monthly', ...details },
      approval: { requestId: r.id, by: r.decision?.by },
      result,
    });
  }
}

/** The click, as plain logic (as restore requests: stateMachine.ts decide()); a refusal changes nothing but expiry. */
function decideStanding(
  cur: StandingRequest | undefined,
  by: Person,
  isApprover: boolean,
  action: 'approve' | 'reject',
  at: Date,
): { next?: StandingRequest; refused?: Refusal } {
  if (!cur) return { refused: 'notFound' };
  if (cur.status !== 'pending') return { refused: 'decided' };
  if (at.getTime() >= Date.parse(cur.expiresAt)) {
    return { refused: 'expired', next: { ...cur, status: 'expired', decision: { at: cur.expiresAt } } };
  }
  if (same(cur.requester.aadObjectId, by.aadObjectId)) return { refused: 'self' };
  if (!isApprover) return { refused: 'notApprover' };
  const status = action === 'approve' ? 'approved' : 'rejected';
  return { next: { ...cur, status, decision: { by, at: at.toISOString() } } };
}

const STATE_COLOR: Record<StandingRequest['status'], string> = {
  pending: 'Accent',
  approved: 'Good',
  rejected: 'Attention',
  expired: 'Warning',
};

/** cards/rehearsal.standing.json: what a standing rehearsal will do, its state, and Approve / Reject for approvers. */
export function standingRequestCard(
  locale: Locale,
  r: StandingRequest,
  audience: Audience,
  settings: Pick<StandingRequestsDeps, 'networks' | 'days' | 'maxConcurrent'>,
  notice = '',
): AdaptiveCardJson {
  const scope =
    r.scope.kind === 'vm'
      ? t(locale, 'rehearsal.standingRequest.scopeVm', { vm: r.scope.name })
      : t(locale, 'rehearsal.standingRequest.scopeVault', { vault: r.scope.name });
  const network = (settings.networks ?? []).map((n) => `${n.vnet}/${n.subnet}`).join(', ');
  const who = r.decision?.by?.name ?? r.decision?.by?.aadObjectId ?? '';
  const when = r.decision ? formatTime(r.decision.at) : '';
  const decision: Record<StandingRequest['status'], string> = {
    pending: '',
    approved: t(locale, 'approval.decision.approved', { who, when }),
    rejected: t(locale, 'approval.decision.rejected', { who, when }),
    expired: t(locale, 'approval.decision.expired', { when }),
  };
  const pending = r.status === 'pending';
  return renderCard('rehearsal.standing', {
    requestId: r.id,
    title: t(locale, 'rehearsal.standingRequest.title', { scope: r.scope.name }),
    state: t(
      locale,
      r.status === 'approved' ? 'rehearsal.standingRequest.approved' : (`approval.state.${r.status}` as MessageKey),
    ),
    stateColor: STATE_COLOR[r.status],
    notice,
    delivery:
      audience === 'requester' && pending
        ? r.cards.approvers?.activityId
          ? r.deliveredTo?.kind === 'person' && r.deliveredTo.name
            ? t(locale, 'approval.delivery.person', { who: r.deliveredTo.name })
            : t(locale, 'approval.delivery.channel')
          : t(locale, 'approval.notice.noApprovers')
        : '',
    requestedBy: t(locale, 'approval.requestedBy', {
      who: r.requester.name ?? r.requester.aadObjectId,
      when: formatTime(r.createdAt),
    }),
    expires: pending ? t(locale, 'approval.expires', { when: formatTime(r.expiresAt) }) : '',
    intro: t(locale, 'rehearsal.standingRequest.intro', { scope }),
    facts: [
      { title: t(locale, 'rehearsal.standingRequest.covers'), value: scope },
      {
        title: t(locale, 'rehearsal.standingRequest.schedule'),
        value: t(locale, 'rehearsal.standingRequest.scheduleValue', { max: settings.maxConcurrent }),
      },
      { title: t(locale, 'rehearsal.facts.purpose'), value: t(locale, 'rehearsal.facts.purposeValue', { network }) },
      { title: t(locale, 'rehearsal.facts.cleanup'), value: t(locale, 'rehearsal.facts.cleanupValue') },
      {
        title: t(locale, 'rehearsal.standingRequest.lasts'),
        value: t(locale, 'rehearsal.standingRequest.lastsValue', { days: settings.days }),
      },
    ],
    decision: decision[r.status],
    links: r.resourceId ? portalLinks(locale, [{ kind: r.scope.kind, id: r.resourceId, name: r.scope.name }]) : [],
    showDecision: audience === 'approvers' && pending,
    labels: { approve: t(locale, 'approval.approve'), reject: t(locale, 'approval.reject') },
  });
}
