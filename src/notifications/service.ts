import { randomUUID } from 'node:crypto';
import { SubscriptionNotManagedError, type Azure } from '../azure';
import type { Logger } from '../log';
import type { Store } from '../store';
import { azureJobSource, azureProtectedItems } from './azureSources';
import { ArmReadBudget } from './budget';
import { EntraWebhookVerifier, type EntraWebhookOptions } from './intake/auth';
import { alertIntake } from './intake/route';
import { ConversationHealth } from './health';
import { Lease } from './lease';
import { JobLedger } from './ledger';
import { CardOutbox } from './outbox';
import { ItemOwnership } from './ownership';
import type { PostureDeps } from './posture';
import { PostureDigest } from './postureDigest';
import { RpoWatch, type ProtectedItemSource } from './rpo';
import { settingsFromConfig, type NotificationSettings } from './settings';
import { NotificationStream } from './stream';
import { SubscriptionStore } from './subscriptions';
import type { CardSender } from './types';
import { JobWatcher, type JobSource } from './watcher';

export interface NotificationDeps {
  store: Store;
  jobs: JobSource;
  protectedItems: ProtectedItemSource;
  sender: CardSender;
  settings: NotificationSettings;
  logger: Logger;
  alerts: { token?: string; entra?: EntraWebhookOptions };
  /** Names this replica in the lease and in send claims (random by default). */
  replicaId?: string;
  now?: () => number;
  /** POSTURE_DIGEST=weekly: what the weekly posture digest reads Azure with; absent = off. */
  posture?: PostureDeps;
  /** Whether the bot manages an Azure subscription (issue 17): alerts from others are refused. Absent: all taken. */
  isManagedSubscription?(subscriptionId: string): Promise<boolean>;
}

/**
 * Failed-backup notifications, assembled: subscriptions, the one stream (ledger, living cards, storm digests), the
 * delivery queue, and — on the one replica holding the lease — the job watcher and the RPO watch. Every replica
 * takes alerts and delivers what it took; the lease holder also picks up what a dead replica left.
 */
export class NotificationService {
  readonly subscriptions: SubscriptionStore;
  readonly ledger: JobLedger;
  readonly outbox: CardOutbox;
  /** Dead conversations (403/404, unreachable): nothing is sent there, their subscriptions are inactive. */
  readonly health: ConversationHealth;
  /** "I'm on it" and Snooze on failure cards (by compare-and-set on the card record). */
  readonly ownership: ItemOwnership;
  /** The weekly posture digest, when POSTURE_DIGEST=weekly. */
  readonly postureDigest?: PostureDigest;
  readonly stream: NotificationStream;
  readonly budget: ArmReadBudget;
  readonly watcher: JobWatcher;
  readonly rpo: RpoWatch;
  readonly lease: Lease;
  /** Express handler for POST /api/alerts. */
  readonly alertHandler: ReturnType<typeof alertIntake>;
  private readonly now: () => number;
  private timers = new Set<NodeJS.Timeout>();
  private tickTimer?: NodeJS.Timeout;
  private running = false;
  private ticking?: Promise<void>;
  private lastRpoCheck = 0;
  private leader = false;

  constructor(private readonly deps: NotificationDeps) {
    const { store, settings, logger } = deps;
    const now = (this.now = deps.now ?? Date.now);
    const replicaId = deps.replicaId ?? randomUUID();
    this.subscriptions = new SubscriptionStore(store);
    this.ledger = new JobLedger(store, now);
    this.health = new ConversationHealth(store, {
      subscriptions: this.subscriptions,
      logger,
      deadAfter: settings.delivery.deadAfter,
      now,
    });
    this.outbox = new CardOutbox(store, { sender: deps.sender, settings, logger, replicaId, now, health: this.health });
    this.ownership = new ItemOwnership(this.outbox, now, { store, subscriptions: this.subscriptions });
    this.stream = new NotificationStream(store, {
      ledger: this.ledger,
      subscriptions: this.subscriptions,
      outbox: this.outbox,
      settings,
      logger,
      now,
    });
    this.budget = new ArmReadBudget(settings.budget, now);
    if (deps.posture) {
      const { subscriptions, outbox, budget } = this;
      this.postureDigest = new PostureDigest({ posture: deps.posture, subscriptions, outbox, budget, logger, now });
    }
    const shared = {
      subscriptions: this.subscriptions,
      stream: this.stream,
      budget: this.budget,
      settings,
      logger,
      now,
    };
    this.watcher = new JobWatcher(store, { jobs: deps.jobs, ...shared });
    this.rpo = new RpoWatch({ source: deps.protectedItems, ...shared });
    this.lease = new Lease(store, 'watcher', replicaId, settings.leaseTtlMs, now);
    if (!deps.alerts.token && !deps.alerts.entra) {
      logger.info(
        'alert intake closed: set ALERT_WEBHOOK_TOKEN (or ALERT_WEBHOOK_AUDIENCE) to take Azure Monitor alerts',
      );
    }
    this.alertHandler = alertIntake({
      token: deps.alerts.token,
      entra: deps.alerts.entra ? new EntraWebhookVerifier(deps.alerts.entra) : undefined,
      ingest: (events) => this.stream.accept(events),
      isManagedSubscription: deps.isManagedSubscription,
      logger,
    });
  }

  get isLeader(): boolean {
    return this.leader;
  }

  /** Starts polling (when this replica gets the lease) and delivering. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
    this.every(this.deps.settings.delivery.sweepMs, () => this.outbox.sweep());
    // The lease is renewed independently of polls, so a long poll never lets it lapse.
    this.every(Math.max(1, Math.floor(this.deps.settings.leaseTtlMs / 3)), async () => {
      if (this.leader) this.leader = await this.lease.acquire();
    });
    // What earlier runs learnt first (dead and suspect conversations), so their cards never take a live one's slot.
    void this.health
      .load()
      .then(() => this.outbox.sweep())
      .catch((err: unknown) => this.deps.logger.warn({ err }, 'delivery sweep failed'));
  }

  /** Polls, and checks RPO, as soon as possible (a new subscription), if this replica is the poller. */
  pollSoon(): void {
    this.lastRpoCheck = 0;
    if (this.running && !this.ticking) this.schedule(0);
  }

  /** One round: take or keep the lease; if held, finish stranded events, poll, and check RPO when due. */
  async tick(): Promise<{ leader: boolean; nextInMs: number }> {
    const { settings, logger } = this.deps;
    this.leader = await this.lease.acquire();
    if (!this.leader) return { leader: false, nextInMs: Math.floor(settings.leaseTtlMs / 3) };
    await this.stream.recoverStranded(settings.strandedAfterMs);
    const poll = await this.watcher.poll();
    let reads = poll.reads;
    // The interval follows the busiest subscription's reads (ARM's limit is per subscription, issue 17), plus the
    // reads not tied to one (RPO check, posture digest).
    let unattributed = 0;
    if (this.now() - this.lastRpoCheck >= settings.rpoCheckIntervalMs && this.budget.waitFor(1) === 0) {
      this.lastRpoCheck = this.now();
      try {
        const rpoReads = (await this.rpo.check()).reads;
        reads += rpoReads;
        unattributed += rpoReads;
      } catch (err) {
        logger.warn({ err }, 'RPO check failed');
      }
    }
    if (this.postureDigest) {
      const digestReads = await this.postureDigest
        .run()
        .catch((err: unknown) => (logger.warn({ err }, 'posture digest failed'), 0));
      reads += digestReads;
      unattributed += digestReads;
    }
    const busiest = Math.max(0, ...Object.values(poll.readsBySubscription));
    const nextInMs = Math.max(
      this.budget.intervalFor(busiest + unattributed, settings.watchIntervalMs),
      this.budget.waitFor(poll.vaults),
    );
    logger.debug(
      { ...poll, reads, nextInMs, budgetUsed: this.budget.used(), budgetLimit: this.budget.limit },
      'watcher poll',
    );
    return { leader: true, nextInMs };
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.tickTimer) clearTimeout(this.tickTimer);
    for (const t of this.timers) clearInterval(t);
    this.timers.clear();
    this.outbox.stop();
    await this.ticking?.catch(() => undefined);
    if (this.leader) await this.lease.release().catch(() => undefined);
    this.leader = false;
  }

  private schedule(delayMs: number): void {
    if (this.tickTimer) clearTimeout(this.tickTimer);
    this.tickTimer = setTimeout(() => {
      this.ticking = this.tick()
        .then(({ nextInMs }) => nextInMs)
        .catch((err: unknown) => {
          this.deps.logger.warn({ err }, 'watcher round failed');
          return this.deps.settings.watchIntervalMs;
        })
        .then((next) => {
          this.ticking = undefined;
          if (this.running) this.schedule(next);
        });
    }, delayMs);
    this.tickTimer.unref();
  }

  private every(ms: number, work: () => Promise<unknown>): void {
    const t = setInterval(() => {
      void work().catch((err: unknown) => this.deps.logger.warn({ err }, 'notification housekeeping failed'));
    }, ms);
    t.unref();
    this.timers.add(t);
  }
}

/** The service as the composition root builds it: the Azure layer's jobs and protected VMs, settings from config. */
export function createNotifications(
  config: {
    notifications: Parameters<typeof settingsFromConfig>[0] & {
      alertWebhookToken?: string;
      alertWebhookAudience?: string;
    };
    azure: { tenantId?: string };
  },
  deps: {
    store: Store;
    azure: Pick<Azure, 'jobs' | 'vms' | 'policies'> & Partial<Pick<Azure, 'keyVaults' | 'recoveryPoints'>>;
    sender: CardSender;
    logger: Logger;
    /** POSTURE_DIGEST=weekly (with the full Azure layer): the weekly posture digest. */
    posture?: Omit<PostureDeps, 'azure'>;
  },
): NotificationService {
  const settings = settingsFromConfig(config.notifications);
  const { alertWebhookToken: token, alertWebhookAudience: audience } = config.notifications;
  const tenantId = config.azure.tenantId;
  return new NotificationService({
    store: deps.store,
    jobs: azureJobSource(deps.azure),
    isManagedSubscription: managedSubscriptionCheck(deps.azure),
    protectedItems: azureProtectedItems(deps.azure, settings.jobsPageSize),
    sender: deps.sender,
    settings,
    logger: deps.logger,
    alerts: { token, entra: audience && tenantId ? { tenantId, audience } : undefined },
    posture:
      deps.posture && deps.azure.keyVaults && deps.azure.recoveryPoints
        ? { ...deps.posture, azure: deps.azure as PostureDeps['azure'] }
        : undefined,
  });
}

/**
 * Whether the Azure layer manages (and can read) a subscription (issue 17): what the alert intake asks before taking
 * an alert. A failed listing of the subscriptions is thrown (the intake answers 503: Azure Monitor retries).
 */
export function managedSubscriptionCheck(azure: Pick<Azure, 'vms'>): (subscriptionId: string) => Promise<boolean> {
  return async (id) => {
    try {
      await azure.vms.clients.of(id);
      return true;
    } catch (err) {
      if (err instanceof SubscriptionNotManagedError) return false;
      throw err;
    }
  };
}
