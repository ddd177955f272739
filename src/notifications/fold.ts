import type { StormState } from './storm';
import type { CardDelivery, DigestCard, FailureCard, JobEvent, RpoCard, Subscription } from './types';

const RECENT_JOBS = 50;

function delivery(sub: Subscription, at: string): CardDelivery {
  return {
    conversationId: sub.conversationId,
    reference: sub.reference,
    locale: sub.locale,
    version: 0,
    attempts: 0,
    createdAt: at,
  };
}

/** Whether the card's newest content has reached Teams. */
export const isDelivered = (c: CardDelivery): boolean => (c.delivered?.version ?? -1) >= c.version;

/** Content changed: a new version to deliver (reference and language follow the subscription's latest). */
function bump<T extends CardDelivery>(card: T, sub: Subscription): T {
  return { ...card, reference: sub.reference, locale: sub.locale, version: card.version + 1 };
}

/**
 * Whether a failure at `now` continues this card rather than starting a new one: it does unless the card's recovery
 * has reached Teams. While snoozed, a failure after a recovery reopens the same card (edited in place: no new post, no
 * ping).
 */
export function continuesEpisode(card: FailureCard, now: string): boolean {
  const snoozed = !!card.snooze && Date.parse(card.snooze.until) > Date.parse(now);
  return !(card.recovered && isDelivered(card) && !snoozed);
}

/**
 * A failure folded into the item's living card. A failure after a recovery that has reached Teams starts a new card
 * (the recovered one stays as it was); otherwise the count goes up and the last error is replaced. Undefined when
 * this job was folded in already.
 */
export function foldFailure(
  card: FailureCard | undefined,
  event: JobEvent,
  sub: Subscription,
  now: string,
): FailureCard | undefined {
  if (card?.recentJobs.includes(event.jobId)) return undefined;
  if (!card || !continuesEpisode(card, now)) {
    return bump<FailureCard>(
      {
        ...delivery(sub, now),
        kind: 'failure',
        vault: sub.vault,
        vm: event.vm,
        vaultResourceGroup: sub.vaultResourceGroup,
        vmResourceGroup: event.vmResourceGroup,
        ...(sub.vaultSubscriptionId ? { vaultSubscriptionId: sub.vaultSubscriptionId } : {}),
        operation: event.operation,
        count: 1,
        firstAt: event.at,
        lastAt: event.at,
        lastJobId: event.jobId,
        error: event.error,
        recentJobs: [event.jobId],
        firstJobId: event.jobId,
      },
      sub,
    );
  }
  const later = event.at >= card.lastAt;
  return bump(
    {
      ...card,
      count: card.count + 1,
      vmResourceGroup: card.vmResourceGroup ?? event.vmResourceGroup,
      recovered: undefined,
      lastAt: later ? event.at : card.lastAt,
      lastJobId: later ? event.jobId : card.lastJobId,
      error: later ? (event.error ?? card.error) : card.error,
      recentJobs: [...card.recentJobs, event.jobId].slice(-RECENT_JOBS),
    },
    sub,
  );
}

/** A success of the item: its failing card says recovered. Undefined when there is nothing to recover (or it is older). */
export function foldSuccess(
  card: FailureCard | undefined,
  event: JobEvent,
  sub: Subscription,
): FailureCard | undefined {
  if (!card || card.recovered || event.at < card.lastAt) return undefined;
  return bump({ ...card, recovered: { at: event.at, jobId: event.jobId } }, sub);
}

type Failure = { vault: string; vm: string; error: string; at: string };

/** A failure counted in the conversation's storm digest (created with the failures carded before the threshold). */
export function foldDigest(
  card: DigestCard | undefined,
  failure: Failure,
  storm: StormState,
  sub: Subscription,
  now: string,
): DigestCard {
  let digest = card;
  if (!digest) {
    digest = {
      ...delivery(sub, now),
      kind: 'digest',
      startedAt: storm.windowStart,
      lastAt: now,
      total: 0,
      carded: storm.carded.length,
      groups: {},
      items: {},
    };
    for (const f of storm.carded) digest = count(digest, f);
  }
  return bump(count(digest, failure), sub);
}

function count(d: DigestCard, f: Failure): DigestCard {
  const g = `${f.error.toLowerCase()}|${f.vault.toLowerCase()}`;
  const i = `${f.vault.toLowerCase()}|${f.vm.toLowerCase()}`;
  const group = d.groups[g] ?? { error: f.error, vault: f.vault, count: 0 };
  const item = d.items[i] ?? { vault: f.vault, vm: f.vm, count: 0, lastAt: f.at };
  return {
    ...d,
    total: d.total + 1,
    lastAt: f.at > d.lastAt ? f.at : d.lastAt,
    groups: { ...d.groups, [g]: { ...group, count: group.count + 1 } },
    items: { ...d.items, [i]: { ...item, count: item.count + 1, lastAt: f.at > item.lastAt ? f.at : item.lastAt } },
  };
}

/** A new RPO breach card. */
export function rpoCard(
  sub: Subscription,
  item: { vm: string; vmResourceGroup?: string; lastSuccess?: string; protectedAt?: string; subscriptionId?: string },
  rpoHours: number,
  now: string,
): RpoCard {
  // The vault's subscription for its links: the subscription record's, else the breach's (an older record's is unknown).
  const vaultSubscriptionId = sub.vaultSubscriptionId ?? item.subscriptionId;
  return bump<RpoCard>(
    {
      ...delivery(sub, now),
      kind: 'rpo',
      vault: sub.vault,
      vm: item.vm,
      vaultResourceGroup: sub.vaultResourceGroup,
      vmResourceGroup: item.vmResourceGroup,
      ...(vaultSubscriptionId ? { vaultSubscriptionId } : {}),
      lastSuccess: item.lastSuccess,
      ...(item.protectedAt ? { protectedAt: item.protectedAt } : {}),
      rpoHours,
      detectedAt: now,
    },
    sub,
  );
}

/** A success after a breach: the RPO card says the item is backed up again. */
export function foldRpoRecovered(card: RpoCard | undefined, at: string, sub: Subscription): RpoCard | undefined {
  if (!card || card.recoveredAt) return undefined;
  return bump({ ...card, recoveredAt: at }, sub);
}
