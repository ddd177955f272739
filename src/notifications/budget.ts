const HOUR_MS = 3_600_000;

/**
 * The watcher's share of Azure Resource Manager's read limit, per subscription (issue 17): ARM throttles reads per
 * subscription per principal (about 12,000 an hour: https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling),
 * of which the watcher takes `share` (5%: 600 an hour) in each managed subscription. Reads are recorded, per
 * subscription, as they are made; a poll that would go over waits, and the interval between polls stretches to what
 * the last poll cost, so the budget holds whatever the number of vaults or pages. Reads not tied to a subscription
 * (or from records that do not know it) count in one shared bucket.
 */
export class ArmReadBudget {
  private readonly logs = new Map<string, { at: number; reads: number }[]>();

  constructor(
    private readonly options: { readsPerHour: number; share: number },
    private readonly now: () => number = Date.now,
  ) {}

  /** Reads allowed per hour, in each subscription. */
  get limit(): number {
    return Math.floor(this.options.readsPerHour * this.options.share);
  }

  record(reads: number, subscriptionId?: string): void {
    if (reads > 0) this.log(subscriptionId).push({ at: this.now(), reads });
  }

  /** Reads made in the last hour in a subscription; without one, in the busiest subscription (the binding one). */
  used(subscriptionId?: string): number {
    if (subscriptionId !== undefined) return this.sum(this.log(subscriptionId));
    let most = 0;
    for (const log of this.logs.values()) most = Math.max(most, this.sum(log));
    return most;
  }

  /**
   * How long to wait before `reads` more fit in the hour (0 = now), in a subscription; without one, in the busiest
   * subscription.
   */
  waitFor(reads: number, subscriptionId?: string): number {
    if (subscriptionId !== undefined) return this.waitIn(this.log(subscriptionId), reads);
    let longest = this.waitIn(this.log(undefined), reads);
    for (const log of this.logs.values()) longest = Math.max(longest, this.waitIn(log, reads));
    return longest;
  }

  /** The time between polls for a poll costing `reads`: at least `configuredMs`, and never faster than the budget allows. */
  intervalFor(reads: number, configuredMs: number): number {
    return Math.max(configuredMs, Math.ceil((reads * HOUR_MS) / this.limit));
  }

  private log(subscriptionId: string | undefined): { at: number; reads: number }[] {
    const key = (subscriptionId ?? '').toLowerCase();
    let log = this.logs.get(key);
    if (!log) this.logs.set(key, (log = []));
    return log;
  }

  private waitIn(log: { at: number; reads: number }[], reads: number): number {
    let over = this.sum(log) + reads - this.limit;
    if (over <= 0) return 0;
    for (const e of log) {
      over -= e.reads;
      if (over <= 0) return Math.max(0, e.at + HOUR_MS - this.now());
    }
    return HOUR_MS;
  }

  /** Reads in the last hour of one log (older entries dropped). */
  private sum(log: { at: number; reads: number }[]): number {
    const cutoff = this.now() - HOUR_MS;
    while (log.length && log[0].at <= cutoff) log.shift();
    return log.reduce((sum, e) => sum + e.reads, 0);
  }
}
