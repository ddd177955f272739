import type { Logger } from '../log';
import type { ArmReadBudget } from './budget';
import { conversationKey, vaultKey } from './keys';
import type { CardOutbox } from './outbox';
import { readPosture, type PostureDeps } from './posture';
import type { SubscriptionStore } from './subscriptions';
import type { PostureCard } from './types';

/** The Monday 08:00 UTC that starts the ISO week of `t`, and the week's key (e.g. 2026-W10). */
export function postureWeek(t: number): { key: string; start: number } {
  const d = new Date(t);
  const day = (d.getUTCDay() + 6) % 7; // Monday = 0
  const monday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day, 8);
  const start = t >= monday ? monday : monday - 7 * 86_400_000;
  // ISO week number: the week with the year's first Thursday is week 1.
  const thursday = new Date(start + 3 * 86_400_000);
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.floor((thursday.getTime() - yearStart) / (7 * 86_400_000)) + 1;
  return { key: `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`, start };
}

/**
 * The weekly posture digest (POSTURE_DIGEST=weekly): once per ISO week, from Monday 08:00 UTC, each subscribed
 * conversation gets the posture of each vault it subscribes to. Run by the watcher's lease holder; the card record's
 * key names the week, so however many replicas or restarts, each conversation gets each week's card once (the
 * outbox's create-if-absent, then its delivery ledger). A round that would overrun the watcher's read budget waits.
 */
export class PostureDigest {
  constructor(
    private readonly deps: {
      posture: PostureDeps;
      subscriptions: Pick<SubscriptionStore, 'all'>;
      outbox: Pick<CardOutbox, 'change' | 'get'>;
      budget: ArmReadBudget;
      logger: Logger;
      now: () => number;
    },
  ) {}

  /** Sends what is due; returns the Azure reads it made. */
  async run(): Promise<number> {
    const now = this.deps.now();
    const week = postureWeek(now);
    const subs = await this.deps.subscriptions.all();
    const key = (s: { conversationId: string; vault: string }) =>
      `${conversationKey(s.conversationId)}|posture|${week.key}|${vaultKey(s.vault)}`;
    const due = [];
    for (const s of subs) if (!(await this.deps.outbox.get(key(s)))) due.push(s);
    let reads = 0;
    const reports = new Map<string, Awaited<ReturnType<typeof readPosture>>>();
    for (const s of due) {
      let report = reports.get(vaultKey(s.vault));
      if (!report) {
        if (this.deps.budget.waitFor(reads || 30) > 0) break; // the rest next round
        report = await readPosture({ ...this.deps.posture, now: this.deps.now }, { vault: s.vault });
        this.deps.budget.record(report.reads);
        reads += report.reads;
        reports.set(vaultKey(s.vault), report);
      }
      const iso = new Date(now).toISOString();
      await this.deps.outbox.change<PostureCard>(key(s), (c) =>
        c
          ? undefined
          : {
              kind: 'posture',
              week: week.key,
              report: report!,
              rpoHours: this.deps.posture.rpoHours,
              conversationId: s.conversationId,
              reference: s.reference,
              locale: s.locale,
              version: 1,
              attempts: 0,
              createdAt: iso,
            },
      );
    }
    if (due.length) this.deps.logger.info({ week: week.key, cards: due.length, reads }, 'weekly posture digest');
    return reads;
  }
}
