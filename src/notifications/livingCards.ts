import { conversationKey, itemScopeKey, sameSubscription } from './keys';
import type { CardOutbox } from './outbox';
import type { FailureCard } from './types';

/** A living card is the item's backup card, or (issue 19) its restore rehearsal card. */
export type LivingKind = 'item' | 'rehearsal';

/** A protected item: a VM of a vault, in the vault's Azure subscription when known (issue 17). */
export interface LivingItem {
  vault: string;
  vm: string;
  subscriptionId?: string;
}

/**
 * The key of an item's living card in a conversation: per item in its Azure subscription (two vaults of one name in
 * two subscriptions, each with a VM of one name, are two items with two cards). Without a subscription it is the key
 * living cards had before several subscriptions.
 */
export const livingKey = (conversationId: string, kind: LivingKind, item: LivingItem): string =>
  `${conversationKey(conversationId)}|${kind}|${itemScopeKey(item.vault, item.vm, item.subscriptionId)}`;

/**
 * Where an item's living card is. Upgrade safety: cards made before living cards were keyed by subscription are under
 * the key without one. So the key with the subscription first; when no card is there, the card under the old key is
 * this item's when it names no other subscription (`sameSubscription`) and `usable` accepts it — a new failure only
 * continues an old card that is still failing or snoozed, else it starts the item's card under the new key. That way
 * a success after the upgrade still recovers the failure card posted before it, and "I'm on it" / Snooze on an old
 * card still find it; the old key is left behind by the item's next failure episode.
 */
export async function findLivingCard(
  outbox: Pick<CardOutbox, 'get'>,
  conversationId: string,
  kind: LivingKind,
  item: LivingItem,
  usable: (card: FailureCard) => boolean = () => true,
): Promise<string> {
  const key = livingKey(conversationId, kind, item);
  if (!item.subscriptionId || (await outbox.get(key))) return key;
  const old = livingKey(conversationId, kind, { vault: item.vault, vm: item.vm });
  const card = await outbox.get(old);
  return card?.kind === 'failure' && sameSubscription(card.vaultSubscriptionId, item.subscriptionId) && usable(card)
    ? old
    : key;
}
