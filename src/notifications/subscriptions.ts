import type { RecordStore, Store } from '../store';
import { channelConversationId, conversationKey, sameSubscription, vaultKey, vaultScopeKey } from './keys';
import type { Subscription } from './types';

/**
 * Which conversations get which vault's failed backups. One record per (vault in its Azure subscription,
 * conversation), holding the conversation reference the cards are posted with: two vaults of one name in two
 * subscriptions are two subscriptions (issue 17). Small (tens of records), so reads list the collection.
 */
export class SubscriptionStore {
  private readonly records: RecordStore<Subscription>;

  constructor(store: Store) {
    this.records = store.records<Subscription>('notify.subs');
  }

  private id(s: Pick<Subscription, 'vault' | 'vaultSubscriptionId' | 'conversationId'>): string {
    return `${vaultScopeKey(s.vault, s.vaultSubscriptionId)}|${conversationKey(channelConversationId(s.conversationId))}`;
  }

  /** Stores the subscription; 'already' when this conversation had it (its reference and language are refreshed). */
  async add(sub: Subscription): Promise<'added' | 'already'> {
    const value = { ...sub, conversationId: channelConversationId(sub.conversationId) };
    let existed = false;
    await this.records.update(this.id(sub), (current) => {
      existed = !!current;
      // Subscribing again from the conversation is a sign of life: an inactive subscription is active again.
      return current ? { ...current, reference: value.reference, locale: value.locale, inactive: undefined } : value;
    });
    return existed ? 'already' : 'added';
  }

  /** The conversation is dead: its subscriptions stay on record, inactive (nothing is sent). Returns how many. */
  async deactivate(conversationId: string, inactive: NonNullable<Subscription['inactive']>): Promise<number> {
    let count = 0;
    for (const s of await this.forConversation(conversationId)) {
      const { changed } = await this.records.update(this.id(s), (cur) =>
        cur && !cur.inactive ? { ...cur, inactive } : undefined,
      );
      if (changed) count++;
    }
    return count;
  }

  /** The conversation is alive again (it spoke to the bot): active, with the reference of that activity. */
  async reactivate(conversationId: string, reference: Subscription['reference']): Promise<number> {
    let count = 0;
    for (const s of await this.forConversation(conversationId)) {
      const { changed } = await this.records.update(this.id(s), (cur) =>
        cur?.inactive ? { ...cur, reference, inactive: undefined } : undefined,
      );
      if (changed) count++;
    }
    return count;
  }

  /** Subscriptions of dead conversations (shown by the `subscriptions` command). */
  async inactive(): Promise<Subscription[]> {
    return (await this.all()).filter((s) => s.inactive);
  }

  /** Removes it; false when there was none. */
  async remove(sub: Pick<Subscription, 'vault' | 'vaultSubscriptionId' | 'conversationId'>): Promise<boolean> {
    const id = this.id(sub);
    if (!(await this.records.get(id))) return false;
    await this.records.delete(id);
    return true;
  }

  async all(): Promise<Subscription[]> {
    return (await this.records.list()).map((r) => r.value);
  }

  /** The subscriptions cards are made for (not those of dead conversations). */
  async active(): Promise<Subscription[]> {
    return (await this.all()).filter((s) => !s.inactive);
  }

  /** The active subscriptions of a vault (in its Azure subscription, when known): where its cards go. */
  async forVault(vault: string, subscriptionId?: string): Promise<Subscription[]> {
    const key = vaultKey(vault);
    return (await this.all()).filter(
      (s) => vaultKey(s.vault) === key && sameSubscription(s.vaultSubscriptionId, subscriptionId) && !s.inactive,
    );
  }

  async forConversation(conversationId: string): Promise<Subscription[]> {
    const id = channelConversationId(conversationId);
    return (await this.all()).filter((s) => s.conversationId === id);
  }

  /**
   * Each vault (in its Azure subscription) with an active subscription once, with its resource group and the earliest
   * subscription time (nothing before it is posted).
   */
  async vaults(): Promise<{ vault: string; resourceGroup?: string; subscriptionId?: string; since: string }[]> {
    const byVault = new Map<
      string,
      { vault: string; resourceGroup?: string; subscriptionId?: string; since: string }
    >();
    for (const s of await this.all()) {
      if (s.inactive) continue;
      const key = vaultScopeKey(s.vault, s.vaultSubscriptionId);
      const seen = byVault.get(key);
      if (!seen)
        byVault.set(key, {
          vault: s.vault,
          resourceGroup: s.vaultResourceGroup,
          ...(s.vaultSubscriptionId ? { subscriptionId: s.vaultSubscriptionId } : {}),
          since: s.at,
        });
      else {
        if (s.at < seen.since) seen.since = s.at;
        seen.resourceGroup ??= s.vaultResourceGroup;
      }
    }
    return [...byVault.values()];
  }
}
