import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { createAzure, type Azure } from '../../../src/azure';
import { Messenger } from '../../../src/bot/messenger';
import { messengerCardSender } from '../../../src/bot/chatNotifications/sender';
import { createLogger } from '../../../src/log';
import {
  azureJobSource,
  azureProtectedItems,
  NotificationService,
  notificationSettings,
  type CardSender,
  type NotificationDeps,
  type NotificationSettings,
  type SettingsOverrides,
} from '../../../src/notifications';
import { SqliteStorage, storeOn, type Store } from '../../../src/store';
import { startTestAzure, type TestAzure } from '../../support/azure';
import { ConnectorStandIn } from './connector';

export const VAULT = 'rsv-prod-eastasia';
export const TOKEN = 'test-alert-token-9f3c2a1b7d';
export const BOT = { id: '28:ade-backup-bot-test', name: 'ADE Backup' };

/** Short timings: polls and RPO checks are driven by the tests (tick/poll/check), deliveries and retries at once. */
export const FAST_SETTINGS: SettingsOverrides = {
  watchIntervalMs: 60_000,
  rpoCheckIntervalMs: Number.POSITIVE_INFINITY,
  leaseTtlMs: 400,
  strandedAfterMs: 0,
  storm: { threshold: 5, windowMs: 60_000, digestUpdateMs: 50 },
  delivery: { retryBaseMs: 30, retryMaxMs: 200, sweepMs: 100, sendLeaseMs: 2_000, concurrency: 4 },
};

export interface SandboxAzure {
  azure: TestAzure;
  az: Azure;
  admin(pathname: string, body: object): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/** One sandbox per test file (its managed-identity tokens are cached per process), shared by the file's tests. */
export async function startSandboxAzure(options: { subscriptionIds?: string[] } = {}): Promise<SandboxAzure> {
  const azure = await startTestAzure();
  // The managed subscriptions (issue 17); default: the sandbox's primary alone.
  const az = createAzure({ ...azure.settings, subscriptionIds: options.subscriptionIds });
  return { azure, az, admin: (pathname, body) => admin(azure, pathname, body), close: () => azure.close() };
}

export interface Harness extends Omit<SandboxAzure, 'close'> {
  connector: ConnectorStandIn;
  store: Store;
  logs: () => string;
  settings: NotificationSettings;
  /** A replica: a new service instance on the same store (a restart, or another replica). */
  replica(options?: {
    id?: string;
    sender?: CardSender;
    settings?: SettingsOverrides;
    alerts?: NotificationDeps['alerts'];
    /** The replica's clock (the RPO watch reads Azure's jobs around it). */
    now?: () => number;
    /** Alerts from subscriptions this says are not managed are refused (issue 17). */
    isManagedSubscription?: NotificationDeps['isManagedSubscription'];
  }): NotificationService;
  /** Subscribes a conversation (stored with a reference whose serviceUrl is the connector stand-in). */
  subscribe(
    service: NotificationService,
    conversationId: string,
    options?: { vault?: string; at?: Date; resourceGroup?: string; subscriptionId?: string },
  ): Promise<void>;
  close(): Promise<void>;
}

/** A fresh store and Bot Connector stand-in on the file's sandbox: each test starts with no subscription, no ledger. */
export async function startHarness(sandbox: SandboxAzure, overrides: SettingsOverrides = {}): Promise<Harness> {
  const { az } = sandbox;
  const connector = await new ConnectorStandIn().start();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'notify-'));
  const store = storeOn(new SqliteStorage(path.join(dir, 'bot.sqlite')));
  const chunks: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (s: string) => void chunks.push(s) } });
  const settings = notificationSettings({ ...FAST_SETTINGS, ...overrides });
  const messenger = new Messenger(new TeamsAdapter({}), '', logger, { maxAttempts: 2, maxDelayMs: 1000 });
  const services: NotificationService[] = [];
  return {
    ...sandbox,
    connector,
    store,
    settings,
    logs: () => chunks.join(''),
    replica(options = {}) {
      const service = new NotificationService({
        store,
        jobs: azureJobSource(az),
        protectedItems: azureProtectedItems(az, settings.jobsPageSize, options.now),
        sender: options.sender ?? messengerCardSender(messenger),
        settings: options.settings
          ? notificationSettings({ ...FAST_SETTINGS, ...overrides, ...options.settings })
          : settings,
        logger,
        alerts: options.alerts ?? { token: TOKEN },
        replicaId: options.id,
        now: options.now,
        isManagedSubscription: options.isManagedSubscription,
      });
      services.push(service);
      return service;
    },
    async subscribe(service, conversationId, options = {}) {
      await service.subscriptions.add({
        vault: options.vault ?? VAULT,
        vaultResourceGroup: options.resourceGroup ?? 'rg-backup',
        ...(options.subscriptionId ? { vaultSubscriptionId: options.subscriptionId } : {}),
        conversationId,
        conversationType: 'channel',
        reference: { channelId: 'msteams', serviceUrl: connector.url, conversation: { id: conversationId }, bot: BOT },
        locale: 'en',
        by: { name: 'Alex Wilber' },
        at: (options.at ?? new Date()).toISOString(),
      });
    },
    async close() {
      for (const s of services) await s.stop();
      await store.close();
      await connector.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A sandbox admin route (no token, loopback): make a backup fail, run one, create many jobs. */
function admin(azure: TestAzure, pathname: string, body: object): Promise<{ status: number; body: any }> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${azure.sandbox.endpoints.arm}${pathname}`,
      {
        method: 'POST',
        ca: azure.sandbox.ca,
        headers: { 'content-type': 'application/json', 'content-length': String(payload.length) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * Waits until `check` holds (polling every 20 ms), or fails with `what`. No fixed sleeps. The deadline is generous:
 * it only ends a wait for something that is not coming, and a replica's first card comes after a cold start (first
 * TLS handshakes, token, template compile) that took over 8 s on the 2-core CI machine while the fuzz suite ran.
 */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The id of a card (its first body element, `card.<name>`). */
export const cardName = (card: Record<string, any> | undefined): string | undefined => card?.body?.[0]?.id;

/** Every TextBlock and fact of a card, joined: for assertions on what the card says. */
export function cardText(card: unknown): string {
  const out: string[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (o.type === 'TextBlock' && typeof o.text === 'string') out.push(o.text);
    if (typeof o.title === 'string' && typeof o.value === 'string') out.push(`${o.title}: ${o.value}`);
    Object.values(o).forEach(walk);
  };
  walk(card);
  return out.join('\n');
}

/** The Action.Execute buttons of a card: verb and data. */
export function buttons(card: Record<string, any> | undefined): { verb: string; title: string; data: any }[] {
  return (card?.actions ?? [])
    .filter((a: any) => a.type === 'Action.Execute')
    .map((a: any) => ({ verb: a.verb, title: a.title, data: a.data }));
}
