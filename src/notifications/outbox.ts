import type { Logger } from '../log';
import { ETagConflictError, type RecordStore, type Store } from '../store';
import { isDelivered } from './fold';
import type { ConversationHealth } from './health';
import type { NotificationSettings } from './settings';
import type { CardSender, NotificationCard } from './types';

/**
 * The delivery queue: card records whose newest version has not reached Teams yet. A card is sent by one replica at
 * a time (a `sending` claim by compare-and-set, expiring if that replica dies), one send per conversation at a time
 * (Teams throttles per conversation), a few conversations in parallel. Many changes to a queued card coalesce into
 * one send of its newest version. A send that fails (after Messenger's own 429/5xx retries) stays queued and is
 * retried with exponential backoff: nothing is dropped.
 *
 * The one window where a card could be posted twice: a replica dying after Teams accepted a new post and before its
 * ledger write; the claim then expires and the post is retried (updates are idempotent).
 */
export class CardOutbox {
  private readonly cards: RecordStore<NotificationCard>;
  private readonly dirty: RecordStore<{ at: string }>;
  private readonly queue = new Set<string>();
  private readonly busy = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private active = 0;
  private suspectsActive = 0;
  private unprovenActive = 0;
  private stopped = false;

  constructor(
    store: Store,
    private readonly deps: {
      sender: CardSender;
      settings: NotificationSettings;
      logger: Logger;
      replicaId: string;
      now: () => number;
      /** Dead and suspect conversations (health.ts): a dead one gets nothing, suspects share one slot. */
      health: ConversationHealth;
    },
  ) {
    this.cards = store.records<NotificationCard>('notify.cards');
    this.dirty = store.records<{ at: string }>('notify.dirty');
  }

  get(key: string): Promise<NotificationCard | undefined> {
    return this.cards.get(key).then((r) => r?.value);
  }

  /** Changes a card by compare-and-set and queues it when it changed; returns the stored card. */
  async change<T extends NotificationCard>(
    key: string,
    change: (current: T | undefined) => T | undefined,
  ): Promise<T | undefined> {
    const result = await this.cards.update(
      key,
      change as (c: NotificationCard | undefined) => NotificationCard | undefined,
    );
    if (result.changed) await this.markDirty(key);
    return result.value as T | undefined;
  }

  /** Every queued card (after a restart, or ones another replica left): picked up again. */
  async sweep(): Promise<number> {
    const dirty = await this.dirty.list();
    for (const { id } of dirty) this.enqueue(id);
    return dirty.length;
  }

  /** Cards still waiting (tests and /healthz-style reporting). */
  async pending(): Promise<NotificationCard[]> {
    const out: NotificationCard[] = [];
    for (const { id } of await this.dirty.list()) {
      const card = await this.get(id);
      if (card && !isDelivered(card)) out.push(card);
    }
    return out;
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.queue.clear();
  }

  private async markDirty(key: string): Promise<void> {
    await this.dirty.create(key, { at: new Date(this.deps.now()).toISOString() });
    this.enqueue(key);
  }

  private enqueue(key: string): void {
    if (this.stopped) return;
    this.queue.add(key);
    this.pump();
  }

  private later(key: string, at: number): void {
    if (this.stopped || this.timers.has(key)) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(key);
        this.enqueue(key);
      },
      Math.max(0, at - this.deps.now()),
    );
    timer.unref();
    this.timers.set(key, timer);
  }

  /**
   * Starts sends while slots are free (health.ts): proven conversations first, and always with a slot kept for them;
   * then conversations not heard from yet in this process; then conversations whose sends failed lately (suspects:
   * removed, unreachable), which share one slot between them. However many stale conversations a store left from an
   * earlier run holds, a live conversation never waits behind them.
   */
  private pump(): void {
    const limit = this.deps.settings.delivery.concurrency;
    const { health } = this.deps;
    const rank = (key: string) => {
      const conversation = key.split('|')[0];
      return health.isSuspect(conversation) ? 2 : health.isProven(conversation) ? 0 : 1;
    };
    const ordered = [...this.queue].sort((a, b) => rank(a) - rank(b));
    for (const key of ordered) {
      if (this.active >= limit) return;
      const conversation = key.split('|')[0];
      if (this.busy.has(conversation)) continue;
      const r = rank(key);
      // Proven conversations always find a slot: the others leave one free (when there are two or more).
      if (r > 0 && limit > 1 && this.unprovenActive >= limit - 1) continue;
      if (r === 2 && this.suspectsActive > 0) continue;
      const suspect = r === 2;
      const unproven = r > 0;
      this.queue.delete(key);
      this.busy.add(conversation);
      this.active++;
      if (suspect) this.suspectsActive++;
      if (unproven) this.unprovenActive++;
      void this.deliver(key)
        .catch((err: unknown) => {
          this.deps.logger.warn({ err, card: key }, 'card delivery step failed');
          this.later(key, this.deps.now() + this.deps.settings.delivery.retryBaseMs);
        })
        .finally(() => {
          this.active--;
          if (suspect) this.suspectsActive--;
          if (unproven) this.unprovenActive--;
          this.busy.delete(conversation);
          this.pump();
        });
    }
  }

  private async deliver(key: string): Promise<void> {
    const { settings, sender, replicaId, logger } = this.deps;
    const now = this.deps.now();
    const stored = await this.cards.get(key);
    if (!stored) return this.dirty.delete(key);
    const card = stored.value;
    if (isDelivered(card)) return this.clean(key);
    // A dead conversation gets nothing more (its subscriptions are inactive); the card leaves the queue.
    if (await this.deps.health.isDead(key.split('|')[0])) return this.dirty.delete(key);
    if (card.sending && card.sending.by !== replicaId && Date.parse(card.sending.until) > now) {
      return this.later(key, Date.parse(card.sending.until));
    }
    if (card.nextAttemptAt && Date.parse(card.nextAttemptAt) > now)
      return this.later(key, Date.parse(card.nextAttemptAt));
    // A storm's digest is edited at most every digestUpdateMs: its many changes coalesce, within Teams' rate limits.
    const minGap = card.kind === 'digest' && card.delivered ? settings.storm.digestUpdateMs : 0;
    // Only then: another replica's clock a little ahead must not hold up an edit that has no gap to keep.
    if (minGap > 0 && card.delivered && now - Date.parse(card.delivered.at) < minGap)
      return this.later(key, Date.parse(card.delivered.at) + minGap);

    const sending = {
      by: replicaId,
      until: new Date(now + settings.delivery.sendLeaseMs).toISOString(),
      version: card.version,
    };
    try {
      await this.cards.put(key, { ...card, sending }, stored.eTag);
    } catch (err) {
      if (err instanceof ETagConflictError) return this.enqueue(key);
      throw err;
    }

    const same = (c: NotificationCard | undefined): c is NotificationCard => !!c && c.createdAt === card.createdAt;
    const activityId = card.delivered?.activityId;
    try {
      const id = activityId ? (await sender.update(card, activityId), activityId) : await sender.post(card);
      const at = new Date(this.deps.now()).toISOString();
      const after = await this.cards.update(key, (c) =>
        same(c)
          ? {
              ...c,
              sending: undefined,
              attempts: 0,
              nextAttemptAt: undefined,
              lastFailure: undefined,
              delivered: { version: card.version, activityId: id, at },
            }
          : undefined,
      );
      logger.info(
        { card: key, kind: card.kind, version: card.version, update: !!activityId },
        'notification card delivered',
      );
      await this.deps.health.succeeded(key.split('|')[0]);
      if (after.value && !isDelivered(after.value)) return this.enqueue(key);
      return this.clean(key);
    } catch (err) {
      if (await this.deps.health.failed(card.conversationId, err, !!activityId)) {
        // Dead now (logged once by health.ts): no retry; the claim is released and the card leaves the queue.
        await this.cards.update(key, (c) =>
          same(c) ? { ...c, sending: undefined, lastFailure: describe(err) } : undefined,
        );
        return this.dirty.delete(key);
      }
      const attempts = card.attempts + 1;
      const wait = Math.min(settings.delivery.retryMaxMs, settings.delivery.retryBaseMs * 2 ** (attempts - 1));
      const nextAttemptAt = new Date(this.deps.now() + wait).toISOString();
      const lastFailure = describe(err);
      await this.cards.update(key, (c) =>
        same(c) ? { ...c, sending: undefined, attempts, nextAttemptAt, lastFailure } : undefined,
      );
      logger.warn(
        { card: key, kind: card.kind, attempts, retryInMs: wait, failure: lastFailure },
        'notification card not delivered; kept for retry',
      );
      return this.later(key, Date.parse(nextAttemptAt));
    }
  }

  /** Off the queue; unless it changed meanwhile (then it is queued again). */
  private async clean(key: string): Promise<void> {
    await this.dirty.delete(key);
    const card = await this.get(key);
    if (card && !isDelivered(card)) await this.markDirty(key);
  }
}

/** Status and code only: an error from the connector may echo the request, which holds the card. */
function describe(err: unknown): string {
  const e = err as { statusCode?: number; code?: string; name?: string };
  return [e.statusCode, e.code ?? e.name].filter((x) => x !== undefined && x !== '').join(' ') || 'send failed';
}
