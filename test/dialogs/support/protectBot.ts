import { randomBytes } from 'node:crypto';
import { createAzure } from '../../../src/azure';
import { AccessPolicy } from '../../../src/bot/accessPolicy';
import { createBot } from '../../../src/bot/app';
import { cardId } from '../../../src/cards/render';
import { DurableRunEngine } from '../../../src/runs/engine';
import type { RunRecord } from '../../../src/runs/types';
import type { World } from '../../../src/sandbox/world/types';
import { sandboxUserDefaults } from '../../../src/sandboxUsers';
import { createHttpApp, listen } from '../../../src/server';
import { RecordSigner, SqliteStorage, storeOn, type Store } from '../../../src/store';
import { startTestAzure, type TestAzure } from '../../support/azure';
import { captureLogs, FakeConnector } from '../../support/bot';

export interface ProtectBot {
  azure: TestAzure;
  world: World;
  store: Store;
  runs: DurableRunEngine;
  connector: FakeConnector;
  logs: ReturnType<typeof captureLogs>;
  /** POSTs an activity to /api/messages; the HTTP answer (an invoke's response body) and what went to the connector. */
  post(activity: Record<string, any>): Promise<{
    status: number;
    body: any;
    sent: { index: number; method: string; conversationId: string; activity: any }[];
  }>;
  close(): Promise<void>;
}

/**
 * The bot as src/index.ts composes it (createBot over the durable store, the access policy, the Azure layer on the
 * sandbox, the durable run engine) behind the real HTTP server and Bot Framework adapter, with a Bot Connector
 * stand-in recording what the bot posts and edits. Adds the protect flows' wiring (ProtectOptions) that the
 * composition root is to pass in.
 */
export async function startProtectBot(
  options: {
    allowBekOnly?: boolean;
    replyWithinMs?: number;
    azure?: TestAzure;
    /** The managed subscriptions (issue 17; `[]`: every one the identity can read). Default: the primary alone. */
    subscriptionIds?: string[];
  } = {},
): Promise<ProtectBot> {
  // A sandbox handed in (e.g. one infra/ was deployed into) is shared, and left running by close().
  const azure = options.azure ?? (await startTestAzure());
  const connector = await new FakeConnector().start();
  const logs = captureLogs();
  const logger = logs.logger;
  const store = storeOn(new SqliteStorage(':memory:'), { signer: new RecordSigner(randomBytes(32)) });
  const defaults = sandboxUserDefaults();
  const access = new AccessPolicy({ allowedTenantIds: [], operatorGroupIds: [], approverGroupIds: [], ...defaults });
  const runs = new DurableRunEngine({ store: store.records<RunRecord>('runs'), logger, leaseMs: 5_000 });
  const bot = createBot(
    { bot: { appType: 'SingleTenant' } },
    {
      mode: 'sandbox',
      logger,
      store,
      access,
      // A loaded test machine must not turn answers into progress cards (test/dialogs/slowAzure.test.ts tests those).
      replyWithinMs: options.replyWithinMs ?? 60_000,
      protect: {
        azure: createAzure({ ...azure.settings, subscriptionIds: options.subscriptionIds }),
        runs,
        allowBekOnly: options.allowBekOnly ?? false,
        jobPollMs: 20,
      },
    },
  );
  await runs.resumeAll();
  const http = createHttpApp({
    adapter: bot.adapter,
    handleTurn: bot.handleTurn,
    logger,
    health: async () => ({
      status: 'ok',
      mode: 'sandbox',
      version: 'test',
      store: { state: 'ok' },
      azure: { identity: {} },
    }),
  });
  const server = await listen(http, 0, '127.0.0.1');
  return {
    azure,
    world: azure.sandbox.world,
    store,
    runs,
    connector,
    logs,
    async post(activity) {
      const before = connector.sent.length;
      const res = await fetch(`${server.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...activity, serviceUrl: connector.url }),
      });
      const text = await res.text();
      const sent = connector.sent.slice(before).map((s, i) => ({
        index: before + i,
        method: s.method,
        conversationId: s.conversationId,
        activity: s.activity,
      }));
      return { status: res.status, body: text ? JSON.parse(text) : undefined, sent };
    },
    async close() {
      await runs.stop();
      await server.close();
      await connector.close();
      await store.close();
      if (!options.azure) await azure.close();
    },
  };
}

/** The FakeConnector answers the n-th request it records (from 0) with id `sent-<n+1>`. */
export const sentId = (index: number): string => `sent-${index + 1}`;

/** The newest edit (PUT) of the message `activityId` whose card passes `accept`, waiting for it up to `timeoutMs`. */
export async function waitForUpdate(
  bot: ProtectBot,
  activityId: string,
  accept: (card: any) => boolean,
  timeoutMs = 20_000,
): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const edits = bot.connector.sent.filter((s) => s.method === 'PUT' && s.replyToId === activityId);
    const card = edits
      .map((e) => e.activity.attachments?.[0]?.content)
      .reverse()
      .find((c) => c && accept(c));
    if (card) return card;
    if (Date.now() > until) {
      const seen = edits.map((e) => cardId(e.activity.attachments?.[0]?.content)).join(', ');
      throw new Error(`No update of ${activityId} matched within ${timeoutMs} ms (updates seen: ${seen || 'none'}).`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}
