import type { RecordStore, Store } from '../store';
import { itemScopeKey } from './keys';
import { findLivingCard, type LivingItem } from './livingCards';
import type { CardOutbox } from './outbox';
import type { SubscriptionStore } from './subscriptions';
import type { FailureCard } from './types';

/** A person, by Entra object id (and display name, for the card). */
export interface Person {
  aadObjectId?: string;
  name?: string;
}

/** Snooze lengths offered on the card. */
export const SNOOZE_HOURS = [1, 4, 24] as const;
export type SnoozeHours = (typeof SNOOZE_HOURS)[number];

export type OwnershipOutcome =
  | { kind: 'taken'; card: FailureCard }
  | { kind: 'alreadyYours'; card: FailureCard }
  | { kind: 'takenByOther'; card: FailureCard; owner: Person }
  | { kind: 'snoozed'; card: FailureCard }
  | { kind: 'recovered'; card: FailureCard }
  | { kind: 'unknown' };

/** Whether a card's snooze is still running at `now`. */
export const snoozeActive = (card: { snooze?: { until: string } }, now: number): boolean =>
  !!card.snooze && Date.parse(card.snooze.until) > now;

const same = (a: Person | undefined, b: Person) => !!a?.aadObjectId && a.aadObjectId === b.aadObjectId;

/** What a click on "I'm on it" did, from the card as it now is: `at` is this click's time (only the winner's is kept). */
function outcome(card: FailureCard | undefined, who: Person, at: string): OwnershipOutcome {
  if (!card || card.kind !== 'failure') return { kind: 'unknown' };
  if (card.recovered) return { kind: 'recovered', card };
  if (!card.owner) return { kind: 'unknown' };
  if (same(card.owner, who)) return card.owner.at === at ? { kind: 'taken', card } : { kind: 'alreadyYours', card };
  return { kind: 'takenByOther', card, owner: card.owner };
}

/** The one decision of "I'm on it" for a failure, shared by every conversation that shows it. */
interface TakeRecord {
  vault: string;
  /** The vault's Azure subscription (issue 17), when the card knows it. */
  subscriptionId?: string;
  vm: string;
  /** The failure episode (its first job): a later failure after a recovery is a new one, taken anew. */
  episode: string;
  owner: NonNullable<FailureCard['owner']>;
}

/** The failure episode a card shows: the job that started it (every conversation that saw it start agrees). */
export const episodeOf = (c: FailureCard): string => c.firstJobId ?? c.recentJobs[0] ?? c.createdAt;

/**
 * Who is on a failing item, and its snooze. "I'm on it" is decided once per failure (vault + VM + the job that started
 * the failure), by compare-and-set on one shared record: two people clicking on two cards in two conversations, on two
 * replicas at once, get one owner, and the other is told who has it. The owner is then written on every
 * conversation's living card for that failure (a change bumps the card's version: the outbox edits each posted card in
 * place, once). A snooze stays on the card of the conversation it was asked in.
 *
 * Per item in its Azure subscription (issue 17): a click names the vault's subscription when its card knows it, and
 * the card, the decision and the other conversations' cards are those of that item, never of a VM of the same name in
 * a same-named vault of another subscription. Cards and decisions from before (no subscription in their keys) are
 * still found (findLivingCard, takeKey).
 */
export class ItemOwnership {
  private readonly takes?: RecordStore<TakeRecord>;

  constructor(
    private readonly outbox: Pick<CardOutbox, 'change' | 'get'>,
    private readonly now: () => number = Date.now,
    /** Without it, ownership is decided per conversation on the card alone. */
    private readonly shared?: { store: Store; subscriptions: Pick<SubscriptionStore, 'forVault'> },
  ) {
    this.takes = shared?.store.records<TakeRecord>('notify.takes');
  }

  /** The item's backup card in a conversation (under its key from before several subscriptions, if there). */
  private cardKey(conversationId: string, item: LivingItem): Promise<string> {
    return findLivingCard(this.outbox, conversationId, 'item', item);
  }

  /**
   * The decision's key: per failure episode of the item in its subscription. A decision recorded under the key without
   * a subscription (before the upgrade) is kept where it is: the episode (its first job's id) is that item's alone.
   */
  private async takeKey(item: LivingItem, episode: string): Promise<string> {
    const key = (subscriptionId?: string) =>
      `${itemScopeKey(item.vault, item.vm, subscriptionId)}|${encodeURIComponent(episode)}`;
    if (!item.subscriptionId) return key();
    return (await this.takes!.get(key())) ? key() : key(item.subscriptionId);
  }

  /**
   * "I'm on it": the first person to click, in any conversation, owns the failure; a recovered card is left as it is.
   * `subscriptionId`: the vault's, from the card's data (absent on cards from before several subscriptions).
   */
  async take(
    conversationId: string,
    vault: string,
    vm: string,
    who: Person,
    subscriptionId?: string,
  ): Promise<OwnershipOutcome> {
    const at = new Date(this.now()).toISOString();
    const key = await this.cardKey(conversationId, { vault, vm, subscriptionId });
    if (!this.takes) {
      const card = await this.outbox.change<FailureCard>(key, (c) =>
        c && !c.recovered && !c.owner ? { ...c, owner: { ...who, at }, version: c.version + 1 } : undefined,
      );
      return outcome(card, who, at);
    }
    const here = (await this.outbox.get(key)) as FailureCard | undefined;
    if (!here || here.kind !== 'failure') return { kind: 'unknown' };
    if (here.recovered) return { kind: 'recovered', card: here };
    const episode = episodeOf(here);
    // The item as its card knows it (an old card found under its old key may know no subscription).
    const item = { vault, vm, subscriptionId: here.vaultSubscriptionId ?? subscriptionId };
    const scope = item.subscriptionId ? { subscriptionId: item.subscriptionId } : {};
    const { value } = await this.takes.update(await this.takeKey(item, episode), (cur) =>
      cur ? undefined : { vault, ...scope, vm, episode, owner: here.owner ?? { ...who, at } },
    );
    // Every time, also for the loser: it repairs cards a crash between the decision and the edits left behind.
    await this.spread(conversationId, item, episode, value!.owner);
    return outcome((await this.outbox.get(key)) as FailureCard | undefined, who, at);
  }

  /**
   * A card just made or changed by a failure: when someone already took that failure (from another conversation's
   * card), this one says so too.
   */
  async follow(card: FailureCard): Promise<void> {
    if (!this.takes || card.owner || card.recovered) return;
    const episode = episodeOf(card);
    const item = { vault: card.vault, vm: card.vm, subscriptionId: card.vaultSubscriptionId };
    const taken = await this.takes.get(await this.takeKey(item, episode));
    if (taken) await this.mark(card.conversationId, item, episode, taken.value.owner);
  }

  /**
   * The owner on every conversation's card of that failure: the conversations subscribed to the vault in the item's
   * subscription (and those whose subscription records know none), each card found as that conversation's record
   * keys it. The episode check leaves any other item's card alone.
   */
  private async spread(
    conversationId: string,
    item: LivingItem,
    episode: string,
    owner: TakeRecord['owner'],
  ): Promise<void> {
    await this.mark(conversationId, item, episode, owner);
    for (const s of await this.shared!.subscriptions.forVault(item.vault, item.subscriptionId)) {
      const scoped = { ...item, subscriptionId: s.vaultSubscriptionId ?? item.subscriptionId };
      await this.mark(s.conversationId, scoped, episode, owner);
    }
  }

  /** Writes the owner on a conversation's card of that failure, unless it has one or is another failure. */
  private async mark(conversationId: string, item: LivingItem, episode: string, owner: TakeRecord['owner']) {
    return this.outbox.change<FailureCard>(await this.cardKey(conversationId, item), (c) =>
      c?.kind === 'failure' && !c.recovered && !c.owner && episodeOf(c) === episode
        ? { ...c, owner, version: c.version + 1 }
        : undefined,
    );
  }

  /** Snooze the item's failure cards here for `hours` (a new snooze replaces a running one). */
  async snooze(
    conversationId: string,
    vault: string,
    vm: string,
    hours: SnoozeHours,
    who: Person,
    subscriptionId?: string,
  ): Promise<OwnershipOutcome> {
    const until = new Date(this.now() + hours * 3_600_000).toISOString();
    const key = await this.cardKey(conversationId, { vault, vm, subscriptionId });
    const card = await this.outbox.change<FailureCard>(key, (c) =>
      c && !c.recovered ? { ...c, snooze: { until, by: who }, version: c.version + 1 } : undefined,
    );
    if (!card) return { kind: 'unknown' };
    if (card.recovered) return { kind: 'recovered', card };
    return { kind: 'snoozed', card };
  }

  /** The running snooze of an item in a conversation, if any (RPO cards say so rather than staying silent). */
  async snoozeOf(
    conversationId: string,
    vault: string,
    vm: string,
    subscriptionId?: string,
  ): Promise<FailureCard['snooze'] | undefined> {
    const key = await this.cardKey(conversationId, { vault, vm, subscriptionId });
    const card = (await this.outbox.get(key)) as FailureCard | undefined;
    return card && card.kind === 'failure' && snoozeActive(card, this.now()) ? card.snooze : undefined;
  }
}
