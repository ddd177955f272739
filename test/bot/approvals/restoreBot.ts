import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAzure } from '../../../src/azure';
import { AccessPolicy } from '../../../src/bot/accessPolicy';
import { createBot } from '../../../src/bot/app';
import { loadConfig } from '../../../src/config';
import { DurableRunEngine } from '../../../src/runs/engine';
import type { RestoreCheckpoint } from '../../../src/runs/restoreRun';
import type { RunRecord } from '../../../src/runs/types';
import { SANDBOX_USERS, type SandboxUser } from '../../../src/sandboxUsers';
import { createHttpApp, listen } from '../../../src/server';
import { localSigningKey, RecordSigner, SqliteStorage, storeOn, type AuditEntry, type Store } from '../../../src/store';
import type { ApprovalRecord } from '../../../src/bot/approvals/types';
import type { RehearsalFeature, RehearsalOptions } from '../../../src/bot/rehearsal/feature';
import { REHEARSAL_NETWORK } from '../../support/rehearsal';
import { startTestAzure, type TestAzure } from '../../support/azure';
import {
  captureLogs,
  cardAction,
  cardOf,
  FakeConnector,
  message,
  type ActivityOptions,
  type SentActivity,
} from '../../support/bot';

export const { operator, approver, viewer } = SANDBOX_USERS;

/** The bot's answer to a card click: the card that replaces the clicked one (or a message). */
export interface InvokeAnswer {
  status: number;
  card?: Record<string, any>;
  text?: string;
}

export interface RestoreBotOptions {
  ttlMinutes?: number;
  now?: () => Date;
  approversConversationId?: string;
  /** An Azure (sandbox) shared with other bots of the test; a fresh one otherwise. */
  azure?: TestAzure;
  /** The same store file as another bot (a second replica), else a fresh one. */
  sqlitePath?: string;
  expirySweepMs?: number;
  /** REPLY_WITHIN_MS; default one minute, so a loaded machine does not turn answers into progress cards. */
  replyWithinMs?: number;
  /** Extra settings (e.g. APPROVER_IDS). */
  env?: Record<string, string>;
  /** The managed subscriptions (issue 17). Default: the sandbox's primary alone. */
  subscriptionIds?: string[];
  /** Restore rehearsals into the sandbox's isolated network (test/bot/rehearsal). */
  rehearsal?: Partial<Pick<RehearsalOptions, 'checkTimeoutMs' | 'now' | 'notify' | 'networks'>> & {
    maxConcurrent?: number;
    days?: number;
  };
}

/**
 * The real bot (createBot: routes, the restore registration, the turn handler) behind the real HTTP server, with the
 * sandbox Azure, a durable run engine on SQLite and a Bot Connector stand-in that records what the bot posts and edits.
 */
export async function startRestoreBot(options: RestoreBotOptions = {}) {
  const azure = options.azure ?? (await startTestAzure());
  const connector = await new FakeConnector().start();
  const logs = captureLogs();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ade-restore-'));
  const sqlitePath = options.sqlitePath ?? path.join(dir, 'bot.sqlite');
  // Tests start many requests: the per-user rate limit (src/bot/rateLimit.ts) is not what they exercise.
  const config = loadConfig({ SQLITE_PATH: sqlitePath, RATE_LIMIT_REQUESTS: '1000', ...options.env });
  // As the composition root does: approvals and runs signed with the key kept beside the store (sandbox mode).
  const signer = new RecordSigner(localSigningKey(config.signing.keyFile));
  const store: Store = storeOn(new SqliteStorage(sqlitePath), { signer, logger: logs.logger });
  const runs = new DurableRunEngine({
    store: store.signed<RunRecord>('runs'),
    logger: logs.logger,
    leaseMs: 2000,
    retryDelayMs: () => 20,
  });
  const access = new AccessPolicy(config.access);
  let rehearsal: RehearsalFeature | undefined;
  const bot = createBot(config, {
    mode: 'sandbox',
    logger: logs.logger,
    store,
    access,
    replyWithinMs: options.replyWithinMs ?? 60_000,
    restore: {
      azure: createAzure({ ...azure.settings, subscriptionIds: options.subscriptionIds }),
      runs,
      approvals: {
        ttlMinutes: options.ttlMinutes ?? config.approvals.ttlMinutes,
        approversConversationId: options.approversConversationId,
      },
      jobPollMs: 25,
      expirySweepMs: options.expirySweepMs ?? 60_000,
      now: options.now,
    },
    ...(options.rehearsal
      ? {
          rehearsal: {
            azure: createAzure({ ...azure.settings, subscriptionIds: options.subscriptionIds }),
            runs,
            networks: options.rehearsal.networks ?? [REHEARSAL_NETWORK],
            pollMs: 25,
            checkTimeoutMs: options.rehearsal.checkTimeoutMs ?? 5000,
            standing: { days: options.rehearsal.days ?? 90, maxConcurrent: options.rehearsal.maxConcurrent ?? 2 },
            scheduleEveryMs: 0,
            now: options.rehearsal.now,
            notify: options.rehearsal.notify,
            expose: (f: RehearsalFeature) => (rehearsal = f),
          },
        }
      : {}),
  });
  const http = createHttpApp({
    adapter: bot.adapter,
    handleTurn: bot.handleTurn,
    logger: logs.logger,
    health: async () => ({
      status: 'ok',
      mode: 'sandbox',
      version: 'test',
      store: { state: 'ok' },
      azure: { identity: {} },
    }),
  });
  const server = await listen(http, 0, '127.0.0.1');
  await runs.resumeAll();

  const post = async (activity: object): Promise<{ status: number; text: string }> => {
    const res = await fetch(`${server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    return { status: res.status, text: await res.text() };
  };
  const opts = (user: SandboxUser, conversationId?: string, locale?: string) => ({
    user,
    serviceUrl: connector.url,
    conversationId: conversationId ?? `personal-${user.id}`,
    locale,
  });

  const harness = {
    /** The rehearsal feature, when `rehearsal` was asked for (its schedule's tick, its results). */
    get rehearsal() {
      return rehearsal;
    },
    azure,
    connector,
    logs,
    store,
    runs,
    sqlitePath,
    url: server.url,
    /** Any activity, built with these options (`botAdded`, `installed`, …); returns what the bot posted meanwhile. */
    async send(
      build: (o: ActivityOptions) => Record<string, any>,
      user: SandboxUser,
      extra: Partial<ActivityOptions> = {},
    ): Promise<SentActivity[]> {
      const before = connector.sent.length;
      const res = await post(build({ ...opts(user), ...extra }));
      if (res.status >= 300) throw new Error(`activity answered ${res.status}: ${res.text}`);
      return connector.sent.slice(before);
    },
    /** A typed message; returns what the bot posted to that conversation during the turn. */
    async say(user: SandboxUser, text: string, conversationId?: string, locale?: string): Promise<SentActivity[]> {
      const before = connector.sent.length;
      const o = opts(user, conversationId, locale);
      const res = await post(message(text, o));
      if (res.status >= 300) throw new Error(`message answered ${res.status}: ${res.text}`);
      return connector.sent.slice(before).filter((s) => s.conversationId === o.conversationId);
    },
    /** An Action.Execute click on message `replyToId` with `data` (inputs merged in, as clients do). */
    async click(
      user: SandboxUser,
      verb: string,
      data: object,
      replyToId: string,
      conversationId?: string,
    ): Promise<InvokeAnswer> {
      const res = await post(cardAction(verb, data, { ...opts(user, conversationId), replyToId }));
      const body = res.text ? (JSON.parse(res.text) as { type?: string; value?: unknown }) : {};
      if (body.type === 'application/vnd.microsoft.card.adaptive') {
        return { status: res.status, card: body.value as Record<string, any> };
      }
      return { status: res.status, text: typeof body.value === 'string' ? body.value : res.text };
    },
    /** The id the connector gave the i-th recorded activity (FakeConnector numbers them in order). */
    idOf(sent: SentActivity): string {
      return `sent-${connector.sent.indexOf(sent) + 1}`;
    },
    /** The card a message shows now: the last edit (PUT) of it, else what was posted. */
    cardNow(activityId: string): Record<string, any> | undefined {
      const index = Number(activityId.replace('sent-', '')) - 1;
      const edits = connector.sent.filter((s) => s.method === 'PUT' && s.replyToId === activityId);
      return cardOf(edits.length ? edits[edits.length - 1] : connector.sent[index]);
    },
    async approvals(): Promise<ApprovalRecord[]> {
      return (await store.records<ApprovalRecord>('restore-approvals').list()).map((r) => r.value);
    },
    async run(requestId: string): Promise<RunRecord<RestoreCheckpoint> | undefined> {
      return runs.get<RestoreCheckpoint>(`restore:${requestId}`);
    },
    async audit(target: string): Promise<AuditEntry[]> {
      return store.audit.recent({ target, limit: 100 });
    },
    /** Restore jobs the sandbox has run (every one started, whatever became of it). */
    restoreJobs(vm: string) {
      return azure.sandbox.world.jobs.filter((j) => j.operation === 'Restore' && j.entityFriendlyName === vm);
    },
    /** Stops the bot; the sandbox too unless it was handed in (shared with another bot of the test). */
    async close() {
      await runs.stop();
      await server.close();
      await connector.close();
      await store.close();
      if (!options.azure) await azure.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

export type RestoreBot = Awaited<ReturnType<typeof startRestoreBot>>;

/** Waits until `check` holds (polling), or fails the test with `what`. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 15_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every Action.Execute of a card: verb and data. */
export function actionsOf(
  card: Record<string, any> | undefined,
): { verb: string; data: Record<string, any>; title: string }[] {
  return ((card?.actions ?? []) as any[])
    .filter((a) => a.type === 'Action.Execute')
    .map((a) => ({ verb: a.verb, data: a.data ?? {}, title: a.title }));
}

/** The `choices` of the Input.ChoiceSet with this id. */
export function choicesOf(card: Record<string, any> | undefined, inputId: string): { title: string; value: string }[] {
  const find = (node: any): any => {
    if (!node || typeof node !== 'object') return undefined;
    if (Array.isArray(node)) return node.map(find).find(Boolean);
    if (node.id === inputId) return node;
    return Object.values(node).map(find).find(Boolean);
  };
  return find(card?.body)?.choices ?? [];
}
