import type { Logger } from '../log';
import type { RecordStore, Store } from '../store';
import { channelConversationId, conversationKey } from './keys';
import type { SubscriptionStore } from './subscriptions';
import type { StoredReference } from './types';

/** What the bot knows about posting into one conversation. */
export interface ConversationHealthRecord {
  conversationId: string;
  /** Sends in a row that failed in a way that says the conversation is gone or unreachable. */
  failures: number;
  lastFailure?: string;
  /** Set once the bot stopped posting there (its subscriptions are inactive). */
  dead?: { since: string; reason: DeadReason; detail: string };
}

export type DeadReason = 'removed' | 'unreachable';

/** How a failed send counts: against the conversation (it is gone), or not (Teams or the network is having trouble). */
export type FailureKind = DeadReason | 'transient';

/**
 * A failed send, classified. Teams answers 403 to a bot removed from a conversation, uninstalled or blocked by the
 * user ("If the bot is blocked or uninstalled, Teams returns a 403 response code with a subCode: MessageWritesBlocked",
 * https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/send-proactive-messages) and 404
 * (ConversationNotFound) to a post into a conversation that no longer exists; a connection refused or a host not found means nobody is
 * there at that address at all (a Playground from an earlier run). 429 and 5xx are Teams' trouble, never the
 * conversation's: they are retried, and never make a conversation dead. A 404 on an edit is about the message (it may
 * have been deleted), not the conversation.
 */
export function classifySendFailure(err: unknown, edit: boolean): { kind: FailureKind; detail: string } {
  const e = err as { statusCode?: number; status?: number; code?: string; response?: { status?: number } };
  const status = e.statusCode ?? e.status ?? e.response?.status;
  if (status === 403 || (status === 404 && !edit)) return { kind: 'removed', detail: String(status) };
  if (status === undefined && /^(ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN)$/.test(e.code ?? ''))
    return { kind: 'unreachable', detail: e.code! };
  return { kind: 'transient', detail: status !== undefined ? String(status) : (e.code ?? 'error') };
}

/**
 * Dead conversations (issue 20): after `deadAfter` sends in a row that say a conversation is gone (403/404) or
 * unreachable, the bot stops posting there, marks its subscriptions inactive and logs it once (the compare-and-set on
 * the record makes "once" hold across replicas). A conversation with such failures is "suspect"; one this process has
 * posted to or heard from is "proven". The delivery queue serves proven conversations first and keeps a slot for them,
 * lets the others (a store left from an earlier run holds conversations nobody knows the fate of yet) share the rest,
 * and gives suspects one slot between them: a dead conversation never holds up a live one. A message from the
 * conversation (the bot is back, the chat exists again) revives it.
 */
export class ConversationHealth {
  private readonly records: RecordStore<ConversationHealthRecord>;
  /** key -> failures in a row (> 0) or dead: read synchronously by the delivery queue's pump. */
  private readonly suspects = new Map<string, { dead: boolean }>();
  /** Conversations this process has posted to or heard from: alive, whatever an earlier run left in the store. */
  private readonly proven = new Set<string>();
  private loaded?: Promise<void>;

  constructor(
    store: Store,
    private readonly deps: { subscriptions: SubscriptionStore; logger: Logger; deadAfter: number; now: () => number },
  ) {
    this.records = store.records<ConversationHealthRecord>('notify.health');
  }

  /** Loads what earlier runs learnt (a store left from an earlier run: its dead conversations stay dead). */
  load(): Promise<void> {
    this.loaded ??= this.records.list().then((all) => {
      for (const { id, value } of all) {
        if (value.dead || value.failures > 0) this.suspects.set(id, { dead: !!value.dead });
      }
    });
    return this.loaded;
  }

  /** Whether sends to this conversation (its outbox key) are known to have failed lately: it gets the shared slot. */
  isSuspect(key: string): boolean {
    return this.suspects.has(key);
  }

  /** Whether this process has posted to the conversation or heard from it: it always finds a free slot. */
  isProven(key: string): boolean {
    return this.proven.has(key);
  }

  /** The conversation spoke to the bot (any turn there): alive. */
  heard(conversationId: string): void {
    this.proven.add(conversationKey(channelConversationId(conversationId)));
  }

  async isDead(key: string): Promise<boolean> {
    await this.load();
    return !!this.suspects.get(key)?.dead;
  }

  async deadConversations(): Promise<ConversationHealthRecord[]> {
    return (await this.records.list()).map((r) => r.value).filter((r) => r.dead);
  }

  /** A send was answered: the conversation is alive. */
  async succeeded(key: string): Promise<void> {
    this.proven.add(key);
    if (!this.suspects.has(key)) return;
    this.suspects.delete(key);
    await this.records.update(key, (cur) => (cur && (cur.failures || cur.dead) ? { ...cur, failures: 0 } : undefined));
  }

  /** A send failed; returns true when this failure made (or found) the conversation dead. */
  async failed(conversationId: string, err: unknown, edit: boolean): Promise<boolean> {
    const key = conversationKey(channelConversationId(conversationId));
    const { kind, detail } = classifySendFailure(err, edit);
    if (kind === 'transient') return this.isDead(key);
    const at = new Date(this.deps.now()).toISOString();
    let becameDead = false;
    const { value } = await this.records.update(key, (cur) => {
      if (cur?.dead) return undefined;
      const failures = (cur?.failures ?? 0) + 1;
      becameDead = failures >= this.deps.deadAfter;
      return {
        conversationId: channelConversationId(conversationId),
        failures,
        lastFailure: detail,
        ...(becameDead ? { dead: { since: at, reason: kind, detail } } : {}),
      };
    });
    const dead = !!value?.dead;
    this.suspects.set(key, { dead });
    this.proven.delete(key);
    if (becameDead) {
      const inactive = await this.deps.subscriptions.deactivate(conversationId, { since: at, reason: kind, detail });
      this.deps.logger.warn(
        { conversation: conversationId, reason: kind, detail, failures: value?.failures, subscriptions: inactive },
        'conversation marked dead: no more cards are sent there and its subscriptions are inactive',
      );
    }
    return dead;
  }

  /** The conversation spoke to the bot: it is alive; its subscriptions are active again, with this reference. */
  async revive(conversationId: string, reference: StoredReference): Promise<boolean> {
    await this.load();
    const key = conversationKey(channelConversationId(conversationId));
    this.proven.add(key);
    if (!this.suspects.has(key)) return false;
    this.suspects.delete(key);
    const { changed } = await this.records.update(key, (cur) =>
      cur ? { conversationId: cur.conversationId, failures: 0 } : undefined,
    );
    const reactivated = await this.deps.subscriptions.reactivate(conversationId, reference);
    if (changed && reactivated)
      this.deps.logger.info({ conversation: conversationId, subscriptions: reactivated }, 'conversation alive again');
    return changed;
  }
}
