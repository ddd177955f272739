import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { cardId } from '../../src/cards/render';
import { loadConfig, type Config } from '../../src/config';
import { startBot, type RunningBot } from '../../src/index';
import { createLogger, type Logger } from '../../src/log';
import { SANDBOX_USERS, type SandboxUser } from '../../src/sandboxUsers';
import { FAST } from './azure';

export const BOT_ID = '28:ade-backup-bot-test';
export const TENANT_ID = '11111111-1111-4111-8111-111111111111';

/** One activity the bot sent to the Bot Connector stand-in. */
export interface SentActivity {
  method: string;
  conversationId: string;
  replyToId?: string;
  activity: Record<string, any>;
}

/**
 * A local stand-in for the Bot Connector at the activities' serviceUrl: records what the bot posts to
 * /v3/conversations/:id/activities[/:replyTo] (and PUTs, for card updates) and answers with an id.
 */
export class FakeConnector {
  readonly sent: SentActivity[] = [];
  private server?: http.Server;
  url = '';

  async start(): Promise<this> {
    let next = 1;
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?/.exec(req.url ?? '');
        if (!m || (req.method !== 'POST' && req.method !== 'PUT')) {
          res.writeHead(404).end();
          return;
        }
        const activity = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, any>;
        this.sent.push({
          method: req.method,
          conversationId: decodeURIComponent(m[1]),
          replyToId: m[2] ? decodeURIComponent(m[2]) : undefined,
          activity,
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `sent-${next++}` }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  /** What the bot sent into one conversation, in order. */
  to(conversationId: string): SentActivity[] {
    return this.sent.filter((s) => s.conversationId === conversationId);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }
}

/** Log lines the bot wrote, parsed. */
export function captureLogs(): { logger: Logger; lines: () => Record<string, any>[]; raw: () => string } {
  const chunks: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (s: string) => void chunks.push(s) } });
  return {
    logger,
    raw: () => chunks.join(''),
    lines: () => chunks.map((c) => JSON.parse(c) as Record<string, any>),
  };
}

/** The sandbox's primary subscription (seed.json): what the bot manages in tests unless they name others. */
export const PRIMARY_SUBSCRIPTION = '22222222-2222-4222-8222-222222222222';

/**
 * A test configuration: sandbox mode (unless `env` says otherwise), SQLite in a temp folder, any free port. The bot
 * manages the sandbox's primary subscription alone unless `env` sets AZURE_SUBSCRIPTION_IDS (or AZURE_SUBSCRIPTION_ID,
 * or `AZURE_SUBSCRIPTION_IDS: ''` for every subscription the identity can read): the tests written for one
 * subscription see the world they were written for (issue 17's tests name the others).
 */
export function testConfig(env: Record<string, string> = {}): { config: Config; dir: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ade-bot-'));
  const subscriptions =
    'AZURE_SUBSCRIPTION_IDS' in env || 'AZURE_SUBSCRIPTION_ID' in env
      ? {}
      : { AZURE_SUBSCRIPTION_ID: PRIMARY_SUBSCRIPTION };
  const config = loadConfig({ SQLITE_PATH: path.join(dir, 'bot.sqlite'), ...subscriptions, ...env });
  // A loaded test machine must not turn answers into progress cards, unless the test sets REPLY_WITHIN_MS.
  const bot = env.REPLY_WITHIN_MS ? config.bot : { ...config.bot, replyWithinMs: 60_000 };
  return { config: { ...config, bot, port: 0 }, dir };
}

export interface TestBot {
  bot: RunningBot;
  connector: FakeConnector;
  logs: ReturnType<typeof captureLogs>;
  config: Config;
  /** POSTs a raw body to /api/messages. */
  post(body: string | object, headers?: Record<string, string>): Promise<{ status: number; text: string }>;
  /** POSTs an activity and returns what the bot sent to its conversation during that turn. */
  send(activity: Record<string, any>): Promise<SentActivity[]>;
  close(): Promise<void>;
}

/** The real composition (startBot) against the real sandbox, with a Bot Connector stand-in. */
export async function startTestBot(env: Record<string, string> = {}): Promise<TestBot> {
  const connector = await new FakeConnector().start();
  const logs = captureLogs();
  const { config, dir } = testConfig(env);
  const bot = await startBot(config, { logger: logs.logger, sandboxTiming: FAST });
  const post = async (body: string | object, headers: Record<string, string> = {}) => {
    const res = await fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, text: await res.text() };
  };
  return {
    bot,
    connector,
    logs,
    config,
    post,
    async send(activity) {
      const before = connector.sent.length;
      const res = await post(activity);
      if (res.status >= 300) throw new Error(`POST /api/messages answered ${res.status}: ${res.text}`);
      return connector.sent.slice(before).filter((s) => s.conversationId === activity.conversation.id);
    },
    async close() {
      await bot.close();
      await connector.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Teams-shaped activities, as the Agents Playground and Teams send them (personal chat unless a conversation is given).

let counter = 0;

export interface ActivityOptions {
  user?: SandboxUser;
  conversationId?: string;
  serviceUrl: string;
  locale?: string;
  /** The bot's id (recipient.id); teams-ai keys user state by it, so a fresh id gives a test fresh user state. */
  botId?: string;
  /** Teams' conversation.conversationType: 'personal' (default), 'groupChat' or 'channel'. */
  conversationType?: 'personal' | 'groupChat' | 'channel';
}

function base(type: string, o: ActivityOptions): Record<string, any> {
  const user = o.user ?? SANDBOX_USERS.operator;
  return {
    type,
    id: `act-${++counter}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: o.serviceUrl,
    locale: o.locale ?? 'en-US',
    from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    recipient: { id: o.botId ?? BOT_ID, name: 'ADE Backup' },
    conversation: {
      id: o.conversationId ?? `personal-${user.id}`,
      conversationType: o.conversationType ?? 'personal',
      ...(o.conversationType && o.conversationType !== 'personal' ? { isGroup: true } : {}),
      tenantId: TENANT_ID,
    },
    channelData: { tenant: { id: TENANT_ID } },
  };
}

export function message(text: string, o: ActivityOptions): Record<string, any> {
  return { ...base('message', o), text, textFormat: 'plain' };
}

export function botAdded(o: ActivityOptions): Record<string, any> {
  const a = base('conversationUpdate', o);
  return { ...a, membersAdded: [{ id: a.recipient.id }] };
}

export function userAdded(o: ActivityOptions): Record<string, any> {
  const a = base('conversationUpdate', o);
  return { ...a, membersAdded: [{ id: a.from.id }] };
}

export function installed(o: ActivityOptions, action: 'add' | 'remove' = 'add'): Record<string, any> {
  return { ...base('installationUpdate', o), action };
}

/** An Action.Execute click on a card the bot sent earlier (`replyToId`). */
export function cardAction(
  verb: string,
  data: object,
  o: ActivityOptions & { replyToId?: string },
): Record<string, any> {
  return {
    ...base('invoke', o),
    name: 'adaptiveCard/action',
    replyToId: o.replyToId ?? 'card-1',
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
}

/** The Adaptive Card of a sent activity (first attachment), if any. */
export function cardOf(sent: SentActivity | Record<string, any> | undefined): Record<string, any> | undefined {
  const activity = sent && 'activity' in sent ? sent.activity : sent;
  const attachment = activity?.attachments?.[0];
  return attachment?.contentType === 'application/vnd.microsoft.card.adaptive' ? attachment.content : undefined;
}

export function cardIdOf(sent: SentActivity | Record<string, any> | undefined): string | undefined {
  return cardId(cardOf(sent));
}

/** All TextBlock texts of a card, for assertions on language. */
export function textsOf(card: unknown): string[] {
  if (Array.isArray(card)) return card.flatMap(textsOf);
  if (!card || typeof card !== 'object') return [];
  const node = card as Record<string, unknown>;
  const own = node.type === 'TextBlock' && typeof node.text === 'string' ? [node.text] : [];
  return [...own, ...Object.values(node).flatMap(textsOf)];
}

export { SANDBOX_USERS };
