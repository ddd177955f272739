import type { Logger } from '../log';
import type { RecordStore, Store } from '../store';
import { continuesEpisode, foldDigest, foldFailure, foldRpoRecovered, foldSuccess, rpoCard } from './fold';
import { conversationKey, itemKey, itemScopeKey, sameSubscription, vaultKey } from './keys';
import type { JobLedger } from './ledger';
import type { CardOutbox } from './outbox';
import { findLivingCard } from './livingCards';
import { ItemOwnership } from './ownership';
import type { NotificationSettings } from './settings';
import { errorLabel, routeFailure, type StormState } from './storm';
import type { SubscriptionStore } from './subscriptions';
import type { DigestCard, FailureCard, JobEvent, RpoCard, Subscription } from './types';

/** An item past its RPO window, as the RPO watch found it. */
export interface RpoBreach {
  vault: string;
  /**
   * The vault's Azure subscription (issue 17): the breach is stored, posted and ended for the vault in it. Absent on
   * breaches from before several subscriptions (and for subscription records that do not know it).
   */
  subscriptionId?: string;
  vm: string;
  vmResourceGroup?: string;
  lastSuccess?: string;
  /** Start of the latest ConfigureBackup job (protection, re-protection, policy change), when in the look-back. */
  protectedAt?: string;
}

interface BreachRecord extends RpoBreach {
  detectedAt: string;
  /** Card keys per conversation, to mark them recovered. */
  cards: string[];
}

/**
 * The one stream both sources feed: each ended job is claimed once in the ledger (vault + job id), then folded into
 * every subscribed conversation's cards — the item's living card, or the storm digest — and queued for delivery.
 * Events are handled one at a time per process, so the per-conversation records see no local write races; other
 * replicas are kept out by compare-and-set.
 */
export class NotificationStream {
  private readonly storms: RecordStore<StormState>;
  private readonly breaches: RecordStore<BreachRecord>;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly ownership: ItemOwnership;

  constructor(
    store: Store,
    private readonly deps: {
      ledger: JobLedger;
      subscriptions: SubscriptionStore;
      outbox: CardOutbox;
      settings: NotificationSettings;
      logger: Logger;
      now: () => number;
    },
  ) {
    this.storms = store.records<StormState>('notify.storms');
    this.breaches = store.records<BreachRecord>('notify.rpo');
    this.ownership = new ItemOwnership(deps.outbox, deps.now, { store, subscriptions: deps.subscriptions });
  }

  /** Takes ended jobs in and folds them; returns how many were new (the rest were seen before, by either source). */
  ingest(events: JobEvent[]): Promise<{ accepted: number; duplicates: number }> {
    return this.serially(async () => {
      let accepted = 0;
      const subs = await this.deps.subscriptions.active();
      for (const event of events) {
        if (!(await this.deps.ledger.claim(event))) continue;
        accepted++;
        await this.fold(event, subs, true);
      }
      return { accepted, duplicates: events.length - accepted };
    });
  }

  /**
   * Takes ended jobs in and answers once they are claimed (durable in the ledger's inbox); folding follows in the
   * background. The alert intake uses it: Azure Monitor waits at most 10 seconds, even behind a storm's folding.
   */
  async accept(events: JobEvent[]): Promise<{ accepted: number; duplicates: number }> {
    const claimed: JobEvent[] = [];
    for (const event of events) if (await this.deps.ledger.claim(event)) claimed.push(event);
    if (claimed.length) {
      void this.serially(async () => {
        const subs = await this.deps.subscriptions.active();
        for (const event of claimed) await this.fold(event, subs, true);
      }).catch((err: unknown) =>
        this.deps.logger.warn({ err }, 'alerted job not folded yet; the inbox sweep retries it'),
      );
    }
    return { accepted: claimed.length, duplicates: events.length - claimed.length };
  }

  /** Events a dead replica claimed but did not finish folding. */
  recoverStranded(ageMs: number): Promise<number> {
    return this.serially(async () => {
      const stranded = await this.deps.ledger.stranded(ageMs);
      const subs = stranded.length ? await this.deps.subscriptions.active() : [];
      for (const event of stranded) {
        await this.deps.ledger.ensureClaimed(event);
        await this.fold(event, subs, false);
      }
      return stranded.length;
    });
  }

  /**
   * An RPO breach: reported once (until a success ends it), to each conversation subscribed to the vault in its Azure
   * subscription (a vault of the same name in another subscription is another vault).
   */
  reportRpo(breach: RpoBreach): Promise<boolean> {
    return this.serially(async () => {
      const now = new Date(this.deps.now()).toISOString();
      const key = itemScopeKey(breach.vault, breach.vm, breach.subscriptionId);
      const subs = await this.deps.subscriptions.forVault(breach.vault, breach.subscriptionId);
      const cards = subs.map((s) => `${conversationKey(s.conversationId)}|rpo|${key}|${now}`);
      const created = await this.breaches.create(key, {
        ...breach,
        detectedAt: now,
        cards,
      });
      if (!created) return false;
      // Never snoozed silently: the RPO card of a snoozed item is posted, and says it is snoozed.
      const snoozes = await Promise.all(
        subs.map((s) => this.ownership.snoozeOf(s.conversationId, breach.vault, breach.vm, s.vaultSubscriptionId)),
      );
      for (const [i, sub] of subs.entries()) {
        await this.deps.outbox.change<RpoCard>(
          cards[i],
          (c) => c ?? withSnooze(rpoCard(sub, breach, this.deps.settings.rpoHours, now), snoozes[i]),
        );
      }
      this.deps.logger.info(
        { vault: breach.vault, subscriptionId: breach.subscriptionId, vm: breach.vm, conversations: subs.length },
        'RPO breach reported',
      );
      return true;
    });
  }

  /** Items whose breach is on record (the RPO watch skips them, and clears the ones back within their window). */
  async openBreaches(): Promise<RpoBreach[]> {
    return (await this.breaches.list()).map((r) => r.value);
  }

  /** The item is back within its window: its breach (in that subscription, when known) ends. */
  clearBreach(vault: string, vm: string, subscriptionId?: string): Promise<void> {
    return this.serially(() => this.endBreach(vault, vm, new Date(this.deps.now()).toISOString(), subscriptionId));
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Into every subscribed conversation; `fresh`: just claimed here, so no conversation has it yet. */
  private async fold(event: JobEvent, all: Subscription[], fresh: boolean): Promise<void> {
    const { ledger } = this.deps;
    const done = new Set(fresh ? [] : await ledger.folded(event));
    const vault = vaultKey(event.vault);
    // Routed by the vault's subscription too (issue 17): a vault of the same name in another subscription is not it.
    const subs = all.filter(
      (s) =>
        vaultKey(s.vault) === vault &&
        event.at >= s.at &&
        sameSubscription(s.vaultSubscriptionId, event.subscriptionId),
    );
    for (const sub of subs) {
      if (done.has(sub.conversationId)) continue;
      if (event.outcome === 'failed') await this.foldFailure(event, sub);
      else await this.foldSuccess(event, sub);
      // Only needed to resume a fold a crash interrupted, when more conversations remain.
      if (subs.length > 1) await ledger.markFolded(event, sub.conversationId);
    }
    // A passed rehearsal is no backup: the item's RPO clock is not reset by it.
    if (event.outcome === 'succeeded' && !isRehearsal(event))
      await this.endBreach(event.vault, event.vm, event.at, event.subscriptionId);
    await ledger.done(event);
  }

  private async foldFailure(event: JobEvent, sub: Subscription): Promise<void> {
    const conv = conversationKey(sub.conversationId);
    const now = this.deps.now();
    const failure = { vault: sub.vault, vm: event.vm, error: errorLabel(event), at: event.at };
    let decided: ReturnType<typeof routeFailure> | undefined;
    await this.storms.update(conv, (state) => {
      decided = routeFailure(state, failure, now, this.deps.settings.storm);
      return decided.state;
    });
    const { route, state } = decided!;
    const iso = new Date(now).toISOString();
    if (route.to === 'card') {
      // An old card (before the upgrade) is continued only where foldFailure would continue it.
      const key = await this.livingCard(event, sub, (c) => continuesEpisode(c, iso));
      const card = await this.deps.outbox.change<FailureCard>(key, (c) => foldFailure(c, event, sub, iso));
      // Taken already from another conversation's card (the folds of one job reach conversations one by one).
      // "I'm on it" and Snooze belong to the item's backup card: a rehearsal's card has neither.
      if (card && !isRehearsal(event)) await this.ownership.follow(card);
      return;
    }
    if (route.startsStorm)
      this.deps.logger.warn(
        { conversation: sub.conversationId, failures: state.count },
        'failure storm: digest instead of cards',
      );
    await this.deps.outbox.change<DigestCard>(`${conv}|${route.key}`, (c) => foldDigest(c, failure, state, sub, iso));
  }

  private async foldSuccess(event: JobEvent, sub: Subscription): Promise<void> {
    await this.deps.outbox.change<FailureCard>(await this.livingCard(event, sub), (c) => foldSuccess(c, event, sub));
  }

  /**
   * The living card an event folds into in a subscription's conversation: the item's backup card, or (issue 19) the
   * item's rehearsal card, a separate one: a later backup success does not recover a failed rehearsal (only a passed
   * rehearsal of the VM does), and a rehearsal's pass does not recover a failed backup. Per item in the vault's Azure
   * subscription as the conversation's subscription record knows it (issue 17; an event routed here names that one or
   * none): the subscription the card itself names (`vaultSubscriptionId`), so "I'm on it" finds it from the card. A
   * record without a subscription keeps the key cards had before, whatever its events say: the watcher's events for it
   * name no subscription while an alert's do, and one item's failure and success must meet on one card. A card from
   * before the upgrade, under that old key, is still found (findLivingCard).
   */
  private livingCard(event: JobEvent, sub: Subscription, usable?: (card: FailureCard) => boolean): Promise<string> {
    const kind = isRehearsal(event) ? 'rehearsal' : 'item';
    const item = { vault: event.vault, vm: event.vm, subscriptionId: sub.vaultSubscriptionId };
    return findLivingCard(this.deps.outbox, sub.conversationId, kind, item, usable);
  }

  /**
   * A success of the item ends its breach: the one of the item in the success's subscription, and one recorded
   * without a subscription (before several subscriptions, when it matched any). A success whose subscription is
   * unknown (a subscription record that does not know it) ends the breach recorded without one, as before; a breach
   * in a known subscription is then ended by the RPO watch's next check, which sees the new successful backup.
   */
  private async endBreach(vault: string, vm: string, at: string, subscriptionId?: string): Promise<void> {
    const keys = [...new Set([itemScopeKey(vault, vm, subscriptionId), itemKey(vault, vm)])];
    for (const key of keys) {
      const breach = await this.breaches.get(key);
      if (!breach) continue;
      const subs = await this.deps.subscriptions.forVault(vault, breach.value.subscriptionId);
      for (const cardKey of breach.value.cards) {
        const sub = subs.find((s) => cardKey.startsWith(`${conversationKey(s.conversationId)}|`));
        if (sub) await this.deps.outbox.change<RpoCard>(cardKey, (c) => foldRpoRecovered(c, at, sub));
      }
      await this.breaches.delete(key);
    }
  }
}

/** A restore rehearsal's event (operation `Rehearsal`, src/bot/rehearsal/cards.ts), not a Backup job's. */
const isRehearsal = (event: { operation: string }): boolean => /^rehearsal$/i.test(event.operation);

const withSnooze = (card: RpoCard, snooze: RpoCard['snooze']): RpoCard => (snooze ? { ...card, snooze } : card);

/** Unknown on either side (records from before issue 17, alerts without ids) matches; else the ids must be equal. */
