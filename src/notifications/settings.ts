/**
 * How the notification pipeline behaves. src/config.ts supplies the user-facing settings; the rest are defaults that
 * tests shorten.
 *
 * ARM read budget: Resource Manager allows about 12,000 reads per hour per subscription per principal. The watcher
 * (job polls plus the RPO check) may use 5% of that, 600 reads an hour. One poll of one vault costs one jobs-list
 * request per page, so at the default interval (300 s, 12 polls an hour) each vault with up to one page of jobs
 * in its window costs 12 reads an hour: 50 vaults fit. Past that the interval stretches (ArmReadBudget) instead of
 * the budget being exceeded.
 */
export interface NotificationSettings {
  /** WATCH_INTERVAL_SECONDS: the shortest time between two polls; longer when the ARM budget needs it. */
  watchIntervalMs: number;
  /** RPO_HOURS: a protected item with no successful backup for longer than this is reported. */
  rpoHours: number;
  /** How often the RPO watch runs (it reads every protected item; hourly is plenty for a window of hours). */
  rpoCheckIntervalMs: number;
  /** The longest a backup job runs: the poll window never reaches further back than this. */
  maxJobDurationMs: number;
  /** Jobs can appear in Azure's job list a little after they start: each poll re-reads this much before its watermark. */
  listingSkewMs: number;
  /** Jobs per page of Azure's job list, for counting calls (the sandbox's page size; Azure's is not documented). */
  jobsPageSize: number;
  /** A conversation getting more than `threshold` failures within `windowMs` gets one digest card instead. */
  storm: { threshold: number; windowMs: number; digestUpdateMs: number };
  /** Only the holder of the lease polls; it renews at a third of `ttlMs`; a dead holder's lease expires. */
  leaseTtlMs: number;
  /** A claimed job still unfolded after this long was left by a replica that died: the lease holder folds it. */
  strandedAfterMs: number;
  budget: { readsPerHour: number; share: number };
  /**
   * `deadAfter`: sends in a row answered 403/404 (or refused: nobody at that address) after which a conversation is
   * dead — nothing more is sent there and its subscriptions are inactive (health.ts).
   */
  delivery: {
    retryBaseMs: number;
    retryMaxMs: number;
    sweepMs: number;
    sendLeaseMs: number;
    concurrency: number;
    deadAfter: number;
  };
}

export const DEFAULT_SETTINGS: NotificationSettings = {
  watchIntervalMs: 300_000,
  rpoHours: 26,
  rpoCheckIntervalMs: 3_600_000,
  maxJobDurationMs: 24 * 3_600_000,
  listingSkewMs: 15 * 60_000,
  jobsPageSize: 50,
  storm: { threshold: 10, windowMs: 15 * 60_000, digestUpdateMs: 10_000 },
  leaseTtlMs: 90_000,
  strandedAfterMs: 5 * 60_000,
  budget: { readsPerHour: 12_000, share: 0.05 },
  delivery: {
    retryBaseMs: 5_000,
    retryMaxMs: 15 * 60_000,
    sweepMs: 30_000,
    sendLeaseMs: 120_000,
    concurrency: 4,
    deadAfter: 3,
  },
};

export type SettingsOverrides = Partial<Omit<NotificationSettings, 'storm' | 'budget' | 'delivery'>> & {
  storm?: Partial<NotificationSettings['storm']>;
  budget?: Partial<NotificationSettings['budget']>;
  delivery?: Partial<NotificationSettings['delivery']>;
};

export function notificationSettings(overrides: SettingsOverrides = {}): NotificationSettings {
  const d = DEFAULT_SETTINGS;
  return {
    ...d,
    ...overrides,
    storm: { ...d.storm, ...overrides.storm },
    budget: { ...d.budget, ...overrides.budget },
    delivery: { ...d.delivery, ...overrides.delivery },
  };
}

/** The user-facing settings (src/config.ts) over the defaults. */
export function settingsFromConfig(n: {
  watchIntervalSeconds: number;
  /** WATCH_LEASE_SECONDS (the default lease when absent). */
  leaseSeconds?: number;
  rpoHours: number;
  stormThreshold: number;
  stormWindowMinutes: number;
}): NotificationSettings {
  return notificationSettings({
    watchIntervalMs: n.watchIntervalSeconds * 1000,
    ...(n.leaseSeconds ? { leaseTtlMs: n.leaseSeconds * 1000 } : {}),
    rpoHours: n.rpoHours,
    storm: { threshold: n.stormThreshold, windowMs: n.stormWindowMinutes * 60_000 },
  });
}
