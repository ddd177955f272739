import type { RecordStore, Store } from '../store';
import { conversationKey, itemKey } from './keys';
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

  static key(conversationId: string, vault: string, vm: string): string {
    return `${conversationKey(conversationId)}|item|${itemKey(vault, vm)}`;
  }

  private static takeKey(vault: string, vm: string, episode: string): string {
    return `${itemKey(vault, vm)}|${encodeURIComponent(episode)}`;
  }

  /** "I'm on it": the first person to click, in any conversation, owns the failure; a recovered card is left as it is. */
  async take(conversationId: string, vault: string, vm: string, who: Person): Promise<OwnershipOutcome> {
    const at = new Date(this.now()).toISOString();
    const key = ItemOwnership.key(conversationId, vault, vm);
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
    const { value } = await this.takes.update(ItemOwnership.takeKey(vault, vm, episode), (cur) =>
      cur ? undefined : { vault, vm, episode, owner: here.owner ?? { ...who, at } },
    );
    // Every time, also for the loser: it repairs cards a crash between the decision and the edits left behind.
    await this.spread(conversationId, vault, vm, episode, value!.owner);
    return outcome((await this.outbox.get(key)) as FailureCard | undefined, who, at);
  }

  /**
   * A card just made or changed by a failure: when someone already took that failure (from another conversation's
   * card), this one says so too.
   */
  async follow(card: FailureCard): Promise<void> {
    if (!this.takes || card.owner || card.recovered) return;
    const episode = episodeOf(card);
    const taken = await this.takes.get(ItemOwnership.takeKey(card.vault, card.vm, episode));
    if (taken) await this.mark(card.conversationId, card.vault, card.vm, episode, taken.value.owner);
  }

  private async spread(
    conversationId: string,
    vault: string,
    vm: string,
    episode: string,
    owner: TakeRecord['owner'],
  ): Promise<void> {
    const subs = await this.shared!.subscriptions.forVault(vault);
    const conversations = new Set([conversationId, ...subs.map((s) => s.conversationId)]);
    for (const c of conversations) await this.mark(c, vault, vm, episode, owner);
  }

  /** Writes the owner on a conversation's card of that failure, unless it has one or is another failure. */
  private mark(conversationId: string, vault: string, vm: string, episode: string, owner: TakeRecord['owner']) {
    return this.outbox.change<FailureCard>(ItemOwnership.key(conversationId, vault, vm), (c) =>
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
  ): Promise<OwnershipOutcome> {
    const until = new Date(this.now() + hours * 3_600_000).toISOString();
    const card = await this.outbox.change<FailureCard>(ItemOwnership.key(conversationId, vault, vm), (c) =>
      c && !c.recovered ? { ...c, snooze: { until, by: who }, version: c.version + 1 } : undefined,
    );
    if (!card) return { kind: 'unknown' };
    if (card.recovered) return { kind: 'recovered', card };
    return { kind: 'snoozed', card };
  }

  /** The running snooze of an item in a conversation, if any (RPO cards say so rather than staying silent). */
  async snoozeOf(conversationId: string, vault: string, vm: string): Promise<FailureCard['snooze'] | undefined> {
    const card = (await this.outbox.get(ItemOwnership.key(conversationId, vault, vm))) as FailureCard | undefined;
    return card && card.kind === 'failure' && snoozeActive(card, this.now()) ? card.snooze : undefined;
  }
}
