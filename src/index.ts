import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createAzure, type AzureSettings, type SubscriptionDirectory } from './azure';
import { createBot } from './bot/app';
import { ExportLinks } from './bot/auditExport/links';
import { setPortalScope } from './cards/portal';
import { AccessPolicy } from './bot/accessPolicy';
import { Messenger } from './bot/messenger';
import { messengerCardSender } from './bot/chatNotifications/sender';
import { ConfigError, liveAzureSettings, loadConfig, managedSubscriptions, type Config } from './config';
import { createLogger, type Logger } from './log';
import { createNotifications, type NotificationService } from './notifications';
import { DurableRunEngine } from './runs/engine';
import type { RunRecord } from './runs/types';
import type { RehearsalStanding } from './notifications/posture';
import type { Sandbox, SandboxTiming } from './sandbox';
import { createHttpApp, listen } from './server';
import {
  createStore,
  decodeSigningKey,
  localSigningKey,
  RecordSigner,
  retentionRules,
  RetentionSweep,
  type Store,
} from './store';

export interface RunningBot {
  /** Base URL; the messaging endpoint is `${url}/api/messages`. */
  url: string;
  port: number;
  /** The durable store (tests seed and inspect it). */
  store: Store;
  /** The local Azure, in sandbox mode. */
  sandbox?: Sandbox;
  /** Failed-backup notifications (tests drive its watcher: `notifications.tick()`). */
  notifications: NotificationService;
  /** The managed subscriptions (issue 17): names, readability; `refresh()` lists them again. */
  subscriptions: SubscriptionDirectory;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** Sandbox mode: how fast the local Azure's operations and jobs finish (tests speed it up). */
  sandboxTiming?: Partial<SandboxTiming>;
  /** The record signing key, when the caller already holds it (tests of live mode against the sandbox). */
  signingKey?: Buffer;
}

const VERSION = readVersion();
const IDENTITY_CHECK_WAIT_MS = 10_000;
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * The composition root: config -> logger -> store -> (sandbox) -> Azure -> bot -> server. Builds and wires, nothing
 * more. Used by `npm start` (scripts/start.ts), by production (`node dist/index.js`) and by tests (port 0).
 */
export async function startBot(config: Config, options: StartOptions = {}): Promise<RunningBot> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const cleanup: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const step of cleanup.reverse()) await step().catch((err) => logger.warn({ err }, 'shutdown step failed'));
  };
  try {
    // Traces and metrics to Application Insights when configured; the OpenTelemetry API's no-ops otherwise.
    if (config.telemetry.connectionString) {
      const { startAzureMonitor } = await import('./azure/monitor');
      const monitor = startAzureMonitor(config.telemetry.connectionString);
      cleanup.push(() => monitor.stop());
      logger.info('telemetry: exporting to Azure Monitor Application Insights');
    }
    let sandbox: Sandbox | undefined;
    let settings: AzureSettings;
    if (config.mode === 'sandbox') {
      const { startSandbox } = await import('./sandbox');
      const { identityEnvironment, sandboxAzureSettings } = await import('./sandbox/settings');
      const started = await startSandbox({ timing: options.sandboxTiming });
      sandbox = started;
      cleanup.push(() => started.close());
      // ManagedIdentityCredential finds the sandbox's identity endpoint the way it finds App Service's.
      Object.assign(process.env, identityEnvironment(started));
      // The subscriptions it manages: AZURE_SUBSCRIPTION_IDS (or AZURE_SUBSCRIPTION_ID), else every one the identity
      // can read, as in live mode (issue 17).
      settings = { ...sandboxAzureSettings(started), ...managedSubscriptions(config.azure) };
    } else {
      settings = liveAzureSettings(config, readCaFile);
    }

    const azure = createAzure(settings);
    // Approvals and runs are signed with a key only the bot holds: Key Vault in live mode, a local file in sandbox mode.
    const signer = new RecordSigner(
      options.signingKey ??
        (config.mode === 'live'
          ? decodeSigningKey(await azure.signingKey.read(config.signing.secretUri!))
          : localSigningKey(config.signing.keyFile)),
    );
    // Portal links name each resource's own subscription (its id); the tenant is the one setting they share.
    setPortalScope({
      tenantId: settings.tenantId,
      subscriptionId: azure.subscriptions.single ? settings.subscriptionId : undefined,
    });
    // After the Azure layer: a Blob store reached by account URL runs as the approved managed identity.
    const store = createStore(
      config.store,
      { credential: azure.identity, caCertificate: settings.caCertificate },
      {
        signer,
        logger,
        refusedLimit: { max: config.rateLimit.refused, windowMs: config.rateLimit.windowMinutes * 60_000 },
      },
    );
    cleanup.push(() => store.close());
    // Which identity the bot runs as, for /healthz and the log. Start-up waits a little for the answer, not for a
    // managed-identity endpoint that does not answer (the check goes on; /healthz shows its result when it ends).
    const identityChecked = azure.identity
      .check(`${settings.endpoints.armAudience.replace(/\/+$/, '')}/.default`)
      .then((identity) => logger.info({ mode: config.mode, identity }, 'Azure identity checked'));
    await Promise.race([identityChecked, delay(IDENTITY_CHECK_WAIT_MS)]);
    // Which subscriptions the bot manages, once in the log (names; the ones it cannot read said so): issue 17.
    const subscriptionsDescribed = azure.subscriptions
      .describe()
      .then((subs) => {
        const unreadable = subs.filter((s) => !s.readable);
        logger.info(
          { subscriptions: subs.map((s) => ({ id: s.id, name: s.name, readable: s.readable })) },
          `managing ${subs.length - unreadable.length} subscription(s)`,
        );
        if (unreadable.length)
          logger.warn(
            { subscriptions: unreadable.map((s) => s.id) },
            'configured subscription(s) the identity cannot read: nothing is listed from them',
          );
      })
      .catch((err: unknown) => logger.warn({ err }, 'could not list the managed subscriptions'));
    await Promise.race([subscriptionsDescribed, delay(IDENTITY_CHECK_WAIT_MS)]);

    const access = new AccessPolicy(config.access, azure.directory);
    // Durable runs (restores): every kind is registered by createBot's routes, then resumeAll below.
    const runs = new DurableRunEngine({ store: store.signed<RunRecord>('runs'), logger });
    cleanup.push(() => runs.stop());
    // `audit export` links: PUBLIC_URL, or in sandbox mode where this process listens (known after listen below).
    const listening: { url?: string } = {};
    const exportLinks = new ExportLinks({
      store,
      logger,
      baseUrl: () => config.auditExport.publicUrl ?? (config.mode === 'sandbox' ? listening.url : undefined),
      ttlMinutes: config.auditExport.linkMinutes,
    });
    // Each VM's latest restore rehearsal (src/bot/rehearsal/results.ts), for posture: never rehearsed, or failing.
    const rehearsals = config.rehearsal.networks.length
      ? async () => (await store.records<RehearsalStanding>('rehearsal-results').list()).map((r) => r.value)
      : undefined;
    const bot = createBot(config, {
      mode: config.mode,
      logger,
      // UserAssignedMSI: the Bot Connector token comes from the same approved managed identity as Azure's.
      botCredential: azure.identity,
      store,
      access,
      replyWithinMs: config.bot.replyWithinMs,
      posture: {
        azure,
        allowBekOnly: config.azure.allowBekOnly,
        rpoHours: config.notifications.rpoHours,
        rehearsals,
        budget: () => notifications.budget,
      },
      auditExport: {
        links: exportLinks,
        supportsFiles: config.auditExport.supportsFiles,
        allowHttpUpload: config.mode === 'sandbox',
      },
      notifications: {
        azure,
        onSubscribed: () => notifications.pollSoon(),
        onConversationAlive: (id, reference) => notifications.health.revive(id, reference),
        ownership: () => notifications.ownership,
      },
      restore: { azure, runs, approvals: config.approvals, jobPollMs: config.mode === 'sandbox' ? 1000 : 15_000 },
      rehearsal: {
        azure,
        runs,
        networks: config.rehearsal.networks,
        pollMs: config.mode === 'sandbox' ? 1000 : 15_000,
        checkTimeoutMs: config.rehearsal.checkTimeoutMinutes * 60_000,
        standing: { days: config.rehearsal.standingDays, maxConcurrent: config.rehearsal.maxConcurrent },
        // Monthly schedules run on the sandbox's controllable clock in sandbox mode (src/sandbox/engine.ts).
        now: sandbox ? () => sandbox.engine.now() : undefined,
        // A failed rehearsal is a failure notification (its own card per VM); a passed one recovers that card.
        notify: (events) => notifications.stream.accept(events),
        // One replica runs the monthly schedule: the one holding the notifications watcher's lease.
        scheduleWhen: () => notifications.isLeader,
      },
      // The protect flows follow backup jobs as durable runs; the sandbox's jobs finish in seconds.
      protect: {
        azure,
        runs,
        allowBekOnly: config.azure.allowBekOnly,
        jobPollMs: config.mode === 'sandbox' ? 1000 : 15_000,
      },
    });
    const messenger = new Messenger(bot.adapter, config.bot.appId ?? '', logger);
    const notifications = createNotifications(config, {
      store,
      azure,
      sender: messengerCardSender(messenger),
      logger,
      posture:
        config.postureDigest === 'weekly'
          ? { allowBekOnly: config.azure.allowBekOnly, rpoHours: config.notifications.rpoHours, rehearsals }
          : undefined,
    });
    cleanup.push(() => notifications.stop());
    const http = createHttpApp({
      adapter: bot.adapter,
      handleTurn: bot.handleTurn,
      logger,
      routes: (app) => {
        app.post('/api/alerts', notifications.alertHandler);
        app.get('/api/exports/:token', exportLinks.handler);
      },
      // Live mode: Teams only (sandbox mode keeps the Agents Playground's channel).
      channels: config.mode === 'live' ? { allowed: ['msteams'], refused: channelRefusals(store, logger) } : undefined,
      health: async () => {
        const storeState = await store.state();
        const identityState = azure.identity.state;
        const status = storeState !== 'ok' ? 'failing' : identityState.state === 'approved' ? 'ok' : 'degraded';
        return {
          status,
          mode: config.mode,
          version: VERSION,
          store: { state: storeState },
          azure: { identity: identityState },
        };
      },
    });
    // Sandbox mode is anonymous and talks to a local Azure: it listens on loopback only.
    const server = await listen(http, config.port, config.mode === 'sandbox' ? '127.0.0.1' : '0.0.0.0');
    cleanup.push(() => server.close());
    listening.url = server.url;
    notifications.start();
    // Finished runs, decided approvals, ledger claims and audit entries are kept RETENTION_*_DAYS.
    const retention = new RetentionSweep({
      storage: store.storage,
      audit: store.audit,
      rules: retentionRules(config.retention),
      auditDays: config.retention.auditDays,
      logger,
    });
    retention.start(config.retention.sweepMinutes * 60_000);
    cleanup.push(async () => retention.stop());
    await runs.resumeAll();
    logger.info({ url: server.url, mode: config.mode, version: VERSION }, 'bot listening');
    return {
      url: server.url,
      port: server.port,
      store,
      sandbox,
      notifications,
      subscriptions: azure.subscriptions,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * An audit entry for an activity refused for its channel: at most one per channel and minute (the requests are not
 * authenticated yet, so they must not be able to grow the audit trail); every one is logged.
 */
function channelRefusals(store: Store, logger: Logger) {
  const last = new Map<string, number>();
  return (info: { channelId: string; type: string; from?: string }) => {
    const now = Date.now();
    if ((last.get(info.channelId) ?? 0) > now - 60_000) return;
    if (last.size > 100) last.clear();
    last.set(info.channelId, now);
    void store.audit
      .append({
        // Unauthenticated: the sender is only what the request claims.
        who: { name: 'unauthenticated' },
        action: 'channel.refused',
        details: { channelId: info.channelId, type: info.type, ...(info.from ? { claimedUser: info.from } : {}) },
        result: 'refused',
      })
      .catch((err: unknown) => logger.warn({ err }, 'could not audit a refused channel'));
  };
}

/** `node dist/index.js` / `tsx src/index.ts`: the bot alone, configured from the environment. */
export async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    return exitWith(err);
  }
  const logger = createLogger({ level: config.logLevel });
  const bot = await startBot(config, { logger }).catch(exitWith);
  const stop = () => {
    logger.info('shutting down');
    void bot.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** A configuration error is one readable line; anything else is a start-up failure with its message. */
export function exitWith(err: unknown): never {
  const message = err instanceof ConfigError ? err.message : `Start-up failed: ${(err as Error)?.message ?? err}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function readCaFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError('AZURE_CA_FILE', `cannot be read (no such file, or no permission: '${file}')`);
  }
}

function readVersion(): string {
  try {
    // src/ and dist/ both sit next to package.json.
    return (JSON.parse(readFileSync(path.resolve(__dirname, '..', 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return 'unknown';
  }
}

if (require.main === module) void main();
