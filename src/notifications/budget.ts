const HOUR_MS = 3_600_000;

/**
 * The watcher's share of Azure Resource Manager's read limit: about 12,000 reads per hour per subscription per
 * principal, of which the watcher takes `share` (5%: 600 an hour). Reads are recorded as they are made; a poll that
 * would go over waits, and the interval between polls stretches to what the last poll cost, so the budget holds
 * whatever the number of vaults or pages.
 */
export class ArmReadBudget {
  private readonly log: { at: number; reads: number }[] = [];

  constructor(
    private readonly options: { readsPerHour: number; share: number },
    private readonly now: () => number = Date.now,
  ) {}

  /** Reads allowed per hour. */
  get limit(): number {
    return Math.floor(this.options.readsPerHour * this.options.share);
  }

  record(reads: number): void {
    if (reads > 0) this.log.push({ at: this.now(), reads });
  }

  /** Reads made in the last hour. */
  used(): number {
    this.prune();
    return this.log.reduce((sum, e) => sum + e.reads, 0);
  }

  /** How long to wait before `reads` more fit in the hour (0 = now). */
  waitFor(reads: number): number {
    this.prune();
    let over = this.used() + reads - this.limit;
    if (over <= 0) return 0;
    for (const e of this.log) {
      over -= e.reads;
      if (over <= 0) return Math.max(0, e.at + HOUR_MS - this.now());
    }
    return HOUR_MS;
  }

  /** The time between polls for a poll costing `reads`: at least `configuredMs`, and never faster than the budget allows. */
  intervalFor(reads: number, configuredMs: number): number {
    return Math.max(configuredMs, Math.ceil((reads * HOUR_MS) / this.limit));
  }

  private prune(): void {
    const cutoff = this.now() - HOUR_MS;
    while (this.log.length && this.log[0].at <= cutoff) this.log.shift();
  }
}
