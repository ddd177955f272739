import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { startBot, type RunningBot } from '../../src/index';
import { createLogger } from '../../src/log';
import { FAST } from '../support/azure';
import { FakeConnector } from '../support/bot';
import { activity, messagesRequest, type FuzzRequest } from './activities';
import { alertsRequest } from './alerts';
import { Rng } from './prng';

export const ALERT_TOKEN = 'fuzz-alert-token-0123456789abcdef';

export interface FuzzTarget {
  bot: RunningBot;
  connector: FakeConnector;
  /** Warnings and errors the bot logged (a debug log of 10,000 turns would cost more than the turns). */
  logs: () => string;
  close(): Promise<void>;
}

/**
 * The real bot (startBot, sandbox mode, FAST timing) with its Bot Connector stand-in and the alert token set. The
 * SQLite file lives in /dev/shm when there is one: the same store, without a disk sync per turn.
 */
export async function startFuzzTarget(env: Record<string, string> = {}): Promise<FuzzTarget> {
  const connector = await new FakeConnector().start();
  const dir = mkdtempSync(path.join(existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'ade-fuzz-'));
  const config = {
    ...loadConfig({ SQLITE_PATH: path.join(dir, 'bot.sqlite'), ALERT_WEBHOOK_TOKEN: ALERT_TOKEN, ...env }),
    port: 0,
  };
  const chunks: string[] = [];
  const logger = createLogger({ level: 'warn', destination: { write: (s: string) => void chunks.push(s) } });
  const bot = await startBot(config, { logger, sandboxTiming: FAST });
  return {
    bot,
    connector,
    logs: () => chunks.join(''),
    async close() {
      await bot.close();
      await connector.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface FuzzFailure {
  n: number;
  kind: string;
  status?: number;
  error?: string;
  /** The request, shortened: the seed and `n` reproduce it in full. */
  sample: string;
}

export interface FuzzResult {
  seed: number;
  count: number;
  durationMs: number;
  statuses: Record<string, number>;
  kinds: Record<string, number>;
  /** Milliseconds spent waiting for answers, by kind (where the time goes). */
  ms: Record<string, number>;
  failures: FuzzFailure[];
}

/** What no input may change: Azure (the sandbox world) and the durable restore requests and runs. */
export async function snapshot(t: FuzzTarget): Promise<string> {
  const w = t.bot.sandbox!.world;
  const records = async (name: string) =>
    (await t.bot.store.records<object>(name).list()).map((r) => ({ id: r.id, value: r.value }));
  return JSON.stringify({
    protectedItems: w.protectedItems,
    accessPolicies: w.keyVaults.map((k) => ({ name: k.name, policies: k.accessPolicies })),
    roleAssignments: w.roleAssignments,
    jobs: w.jobs.length,
    approvals: await records('restore-approvals'),
    runs: await records('runs'),
  });
}

/** The i-th input of a seeded run (each input has its own stream, so any one is reproduced alone). */
export function input(seed: number, n: number, serviceUrl: string, replayable: string[]): FuzzRequest {
  const rng = new Rng((seed ^ Math.imul(n + 1, 0x9e3779b1)) >>> 0);
  const which = rng.weighted<string>([
    [55, 'messages'],
    [35, 'alerts'],
    [5, 'replay'],
    [5, 'forgedInvoke'],
  ]);
  if (which === 'alerts') return alertsRequest(rng, ALERT_TOKEN, n);
  if (which === 'replay' && replayable.length > 0) {
    return {
      path: '/api/messages',
      contentType: 'application/json',
      body: rng.pick(replayable),
      kind: 'messages.replay',
    };
  }
  if (which === 'forgedInvoke') {
    const a = activity(rng, serviceUrl, n);
    return {
      path: '/api/messages',
      contentType: 'application/json',
      body: JSON.stringify(a),
      kind: `messages.${typeof a.type === 'string' ? a.type : typeof a.type}`,
    };
  }
  return messagesRequest(rng, serviceUrl, n);
}

/** Sends `count` generated inputs over HTTP, `concurrency` at a time; every answer's status is recorded. */
export async function fuzz(
  t: { url: string; serviceUrl: string },
  o: { seed: number; count: number; concurrency: number },
): Promise<FuzzResult> {
  const started = Date.now();
  const result: FuzzResult = { seed: o.seed, count: 0, durationMs: 0, statuses: {}, kinds: {}, ms: {}, failures: [] };
  const replayable: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < o.count) {
      const n = next++;
      const req = input(o.seed, n, t.serviceUrl, replayable);
      if (req.kind.startsWith('messages.') && req.body.includes('adaptiveCard/action') && req.body.length < 4096) {
        if (replayable.length < 200) replayable.push(req.body);
        else replayable[n % 200] = req.body;
      }
      result.kinds[req.kind] = (result.kinds[req.kind] ?? 0) + 1;
      const headers: Record<string, string> = {};
      if (req.contentType) headers['content-type'] = req.contentType;
      const sent = Date.now();
      try {
        const res = await fetch(`${t.url}${req.path}${req.query ? `?${req.query}` : ''}`, {
          method: 'POST',
          headers,
          body: req.body,
          signal: AbortSignal.timeout(20_000),
        });
        await res.arrayBuffer();
        result.statuses[res.status] = (result.statuses[res.status] ?? 0) + 1;
        if (res.status >= 500)
          result.failures.push({ n, kind: req.kind, status: res.status, sample: req.body.slice(0, 2000) });
      } catch (err) {
        result.statuses.noAnswer = (result.statuses.noAnswer ?? 0) + 1;
        result.failures.push({ n, kind: req.kind, error: (err as Error).message, sample: req.body.slice(0, 2000) });
      }
      result.ms[req.kind] = (result.ms[req.kind] ?? 0) + Date.now() - sent;
      result.count++;
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  result.durationMs = Date.now() - started;
  return result;
}

/** A seed from FUZZ_SEED, else a fresh one (printed, so a failing run can be repeated). */
export function seedFrom(value: string | undefined): number {
  const n = value ? Number(value) : NaN;
  return Number.isInteger(n) ? n >>> 0 : (Math.random() * 2 ** 32) >>> 0;
}
