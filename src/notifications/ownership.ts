import { conversationKey, itemKey } from './keys';
import type { CardOutbox } from './outbox';
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

/**
 * Who is on a failing item, and its snooze: changes to the item's living card in one conversation, by compare-and-set
 * on the card record (so two people clicking "I'm on it" on two replicas at once get one owner, and the other is told
 * who has it). A change bumps the card's version: the outbox edits the card in place, once, for everyone.
 */
export class ItemOwnership {
  constructor(
    private readonly outbox: Pick<CardOutbox, 'change' | 'get'>,
    private readonly now: () => number = Date.now,
  ) {}

  static key(conversationId: string, vault: string, vm: string): string {
    return `${conversationKey(conversationId)}|item|${itemKey(vault, vm)}`;
  }

  /** "I'm on it": the first person to click owns it; a recovered card is left as it is. */
  async take(conversationId: string, vault: string, vm: string, who: Person): Promise<OwnershipOutcome> {
    const at = new Date(this.now()).toISOString();
    const card = await this.outbox.change<FailureCard>(ItemOwnership.key(conversationId, vault, vm), (c) =>
      c && !c.recovered && !c.owner ? { ...c, owner: { ...who, at }, version: c.version + 1 } : undefined,
    );
    if (!card) return { kind: 'unknown' };
    if (card.recovered) return { kind: 'recovered', card };
    if (same(card.owner, who)) return card.owner!.at === at ? { kind: 'taken', card } : { kind: 'alreadyYours', card };
    return { kind: 'takenByOther', card, owner: card.owner! };
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
