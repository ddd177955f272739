import type { RecordStore, Store } from '../store';
import { channelConversationId, conversationKey, vaultKey } from './keys';
import type { Subscription } from './types';

/**
 * Which conversations get which vault's failed backups. One record per (vault, conversation), holding the
 * conversation reference the cards are posted with. Small (tens of records), so reads list the collection.
 */
export class SubscriptionStore {
  private readonly records: RecordStore<Subscription>;

  constructor(store: Store) {
    this.records = store.records<Subscription>('notify.subs');
  }

  private id(vault: string, conversationId: string): string {
    return `${vaultKey(vault)}|${conversationKey(channelConversationId(conversationId))}`;
  }

  /** Stores the subscription; 'already' when this conversation had it (its reference and language are refreshed). */
  async add(sub: Subscription): Promise<'added' | 'already'> {
    const value = { ...sub, conversationId: channelConversationId(sub.conversationId) };
    let existed = false;
    await this.records.update(this.id(sub.vault, sub.conversationId), (current) => {
      existed = !!current;
      return current ? { ...current, reference: value.reference, locale: value.locale } : value;
    });
    return existed ? 'already' : 'added';
  }

  /** Removes it; false when there was none. */
  async remove(vault: string, conversationId: string): Promise<boolean> {
    const id = this.id(vault, conversationId);
    if (!(await this.records.get(id))) return false;
    await this.records.delete(id);
    return true;
  }

  async all(): Promise<Subscription[]> {
    return (await this.records.list()).map((r) => r.value);
  }

  async forVault(vault: string): Promise<Subscription[]> {
    const key = vaultKey(vault);
    return (await this.all()).filter((s) => vaultKey(s.vault) === key);
  }

  async forConversation(conversationId: string): Promise<Subscription[]> {
    const id = channelConversationId(conversationId);
    return (await this.all()).filter((s) => s.conversationId === id);
  }

  /** Each subscribed vault once, with its resource group and the earliest subscription time (nothing before it is posted). */
  async vaults(): Promise<{ vault: string; resourceGroup?: string; since: string }[]> {
    const byVault = new Map<string, { vault: string; resourceGroup?: string; since: string }>();
    for (const s of await this.all()) {
      const key = vaultKey(s.vault);
      const seen = byVault.get(key);
      if (!seen) byVault.set(key, { vault: s.vault, resourceGroup: s.vaultResourceGroup, since: s.at });
      else {
        if (s.at < seen.since) seen.since = s.at;
        seen.resourceGroup ??= s.vaultResourceGroup;
      }
    }
    return [...byVault.values()];
  }
}
