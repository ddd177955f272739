import type { Config } from '../config';
import type { Logger } from '../log';
import type { AuditTrail } from './audit';
import type { DurableStorage } from './types';

const DAY_MS = 24 * 3600_000;

/** One collection's rule: records under `prefix` that `expired` says are past their time are deleted. */
export interface RetentionRule {
  name: string;
  prefix: string;
  expired(item: Record<string, unknown>, now: number): boolean;
}

const olderThan = (value: unknown, days: number, now: number) =>
  typeof value === 'string' && Date.parse(value) < now - days * DAY_MS;

/** Restore approvals that can no longer change (retry of a failed run expires long before this). */
const DECIDED = new Set(['rejected', 'expired', 'cancelled', 'succeeded', 'failed']);

/**
 * What is kept how long (RETENTION_*_DAYS): finished runs (by their last change), decided approvals (by their last
 * change), delivery-ledger claims (by the job's time; the watcher never looks back that far) and the "I'm on it"
 * decisions of failures (by when they were taken, as long as the ledger), and audit entries (by their time). Unfinished runs, pending or approved requests and quarantined records are never deleted here.
 */
export function retentionRules(r: Config['retention']): RetentionRule[] {
  return [
    {
      name: 'runs',
      prefix: 'runs/',
      expired: (item, now) => item.status !== 'running' && olderThan(item.updatedAt, r.runsDays, now),
    },
    {
      name: 'approvals',
      prefix: 'restore-approvals/',
      expired: (item, now) => DECIDED.has(String(item.status)) && olderThan(item.updatedAt, r.approvalsDays, now),
    },
    { name: 'ledger', prefix: 'notify.jobs/', expired: (item, now) => olderThan(item.at, r.ledgerDays, now) },
    // "I'm on it" decisions, one per failure taken (src/notifications/ownership.ts): kept as long as the ledger claims
    // of the failures they belong to.
    {
      name: 'takes',
      prefix: 'notify.takes/',
      expired: (item, now) => olderThan((item.owner as { at?: unknown } | undefined)?.at, r.ledgerDays, now),
    },
    // Restore rehearsals (src/bot/rehearsal): a plan card nobody acted on is stale after a day; "result sent" marks
    // live as long as their runs; standing approvals revoked or expired as long as decided requests. Each VM's
    // latest result is kept (one per VM).
    { name: 'rehearsal drafts', prefix: 'rehearsal-drafts/', expired: (item, now) => olderThan(item.at, 1, now) },
    {
      name: 'rehearsal reports',
      prefix: 'rehearsal-reported/',
      expired: (item, now) => olderThan(item.at, r.runsDays, now),
    },
    {
      name: 'standing rehearsals',
      prefix: 'rehearsal-standing/',
      expired: (item, now) => olderThan(item.expiresAt, r.approvalsDays, now),
    },
    // `rehearse monthly` requests (decided, or expired undecided): kept as long as restore requests.
    {
      name: 'standing rehearsal requests',
      prefix: 'rehearsal-standing-requests/',
      expired: (item, now) => olderThan(item.expiresAt, r.approvalsDays, now),
    },
  ];
}

export interface RetentionOptions {
  storage: DurableStorage;
  audit: AuditTrail;
  rules: RetentionRule[];
  auditDays: number;
  logger: Logger;
  now?: () => number;
}

/**
 * The retention sweep: deletes what the rules say is past its time. Runs on every replica (a delete of something
 * already deleted is harmless) every RETENTION_SWEEP_MINUTES, and once soon after start-up.
 */
export class RetentionSweep {
  private timer?: NodeJS.Timeout;
  private first?: NodeJS.Timeout;
  private readonly now: () => number;

  constructor(private readonly options: RetentionOptions) {
    this.now = options.now ?? Date.now;
  }

  /** One sweep; returns how many records each rule deleted. */
  async sweep(): Promise<Record<string, number>> {
    const { storage, rules, audit, auditDays, logger } = this.options;
    const now = this.now();
    const counts: Record<string, number> = {};
    for (const rule of rules) {
      const keys = (await storage.list(rule.prefix))
        .filter(({ item }) => rule.expired(item as Record<string, unknown>, now))
        .map(({ key }) => key);
      if (keys.length) await storage.delete(keys);
      counts[rule.name] = keys.length;
    }
    counts.audit = await audit.deleteBefore(new Date(now - auditDays * DAY_MS));
    if (Object.values(counts).some((n) => n > 0)) logger.info({ deleted: counts }, 'retention sweep');
    return counts;
  }

  start(everyMs: number): void {
    const run = () =>
      void this.sweep().catch((err: unknown) => this.options.logger.warn({ err }, 'retention sweep failed'));
    this.timer = setInterval(run, everyMs);
    this.timer.unref();
    this.first = setTimeout(run, Math.min(everyMs, 60_000));
    this.first.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.first) clearTimeout(this.first);
  }
}
