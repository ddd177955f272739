/**
 * A bot under measurement, in its own process (so its peak RSS is its own and the load generator does not share its
 * event loop): the real bot (src/index.ts startBot) or the echo floor. Started by bench/support/child.ts; speaks over
 * the IPC channel. The bot runs in sandbox mode (the local Azure in this process too, as `npm start` runs it), or —
 * for the turn cost — in live mode against the sandbox's own process (support/sandboxProcess.ts), configured by
 * `env` as test/support/liveReplica.ts configures a replica.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { startBot, type RunningBot } from '../../src/index';
import { createLogger } from '../../src/log';
import { DEFAULT_TIMING, type SandboxTiming } from '../../src/sandbox';
import { growEstate } from '../../src/sandbox/world/estate';
import { startEchoBot } from './echoBot';
import { CpuProfiler, MemorySampler } from './profile';
import { addBenchVaults, addBenchVms, createStorm } from './world';

export interface ChildOptions {
  kind: 'bot' | 'echo';
  /** VMs added to the sandbox before the first turn (one per conversation); sandbox mode only. */
  benchVms?: string[];
  /** Sandbox timing (how fast operations and jobs finish, Retry-After). */
  timing?: Partial<SandboxTiming>;
  /**
   * More settings, by environment variable name (OPERATOR_IDS, WATCH_INTERVAL_SECONDS, …). With AZURE_MODE=live, the
   * Azure endpoints, CA file and managed identity (IDENTITY_ENDPOINT / IDENTITY_HEADER) of a sandbox process.
   */
  env?: Record<string, string>;
  /** Grow the sandbox's world to this many VMs with filler VMs (src/sandbox/world/estate.ts); sandbox mode only. */
  estateVms?: number;
  /** Spread the estate's filler VMs over this many subscriptions (issue 17; default 1: the primary). */
  estateSubscriptions?: number;
  /** Benchmark vaults rsv-bench-001..N to create at start. */
  benchVaults?: number;
  /** Failed jobs to create over that many benchmark vaults as soon as the bot has started (before its first poll). */
  storm?: { count: number; vaults: number };
}

export interface Ready {
  url: string;
  /** The sandbox's ARM origin (its /_sandbox admin routes) and the CA to trust for it. */
  arm?: string;
  ca?: string;
  /** Date.now() when the storm had been created. */
  stormAt?: number;
}

type Request = {
  id: number;
  cmd: 'notifyCards' | 'profileStart' | 'profileStop' | 'memoryStart' | 'memoryStop' | 'stop';
};

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as ChildOptions;
  const send = (m: unknown) => process.send?.(m);
  let close: () => Promise<void>;
  let bot: RunningBot | undefined;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ade-bench-'));
  if (options.kind === 'echo') {
    const echo = await startEchoBot();
    close = echo.close;
    send({ type: 'ready', url: echo.url } satisfies Ready & { type: string });
  } else {
    const env: Record<string, string> = {
      SQLITE_PATH: path.join(dir, 'bot.sqlite'),
      LOG_LEVEL: 'info',
      ...options.env,
    };
    const loaded = loadConfig(env);
    const live = loaded.mode === 'live';
    // Live mode is validated with a Bot Framework app id (it refuses to start without one) and then runs without it,
    // as test/support/liveReplica.ts does: the bench posts activities without tokens.
    const config = {
      ...loaded,
      port: 0,
      bot: live ? { ...loaded.bot, appId: undefined, appPassword: undefined } : loaded.bot,
    };
    // ManagedIdentityCredential reads the App Service identity endpoint from the environment.
    if (live && env.IDENTITY_ENDPOINT && env.IDENTITY_HEADER) {
      Object.assign(process.env, { IDENTITY_ENDPOINT: env.IDENTITY_ENDPOINT, IDENTITY_HEADER: env.IDENTITY_HEADER });
    }
    // Production logs one JSON line per turn at info; the lines are written (the cost is real) to nowhere.
    // BENCH_BOT_LOG: a file to keep them in instead (each turn's durationMs, as the bot saw it).
    const logger = createLogger({
      level: 'info',
      destination: pino.destination({ dest: process.env.BENCH_BOT_LOG ?? '/dev/null', sync: true }),
    });
    // Live mode against the sandbox: the record signing key is handed over, as test/support/liveReplica.ts does (the
    // sandbox's loopback key vaults cannot pass the Key Vault challenge check live mode makes).
    const signingKey = live ? randomBytes(32) : undefined;
    bot = await startBot(config, { logger, sandboxTiming: options.timing, signingKey });
    // Synchronously after start-up: the world changes land before the notification service's first poll (a timer).
    const sandbox = bot.sandbox;
    if (!sandbox && (options.benchVms?.length || options.benchVaults || options.storm || options.estateVms)) {
      throw new Error('world changes need the sandbox in this process; in live mode the sandbox process makes them');
    }
    if (sandbox && options.benchVms?.length) addBenchVms(sandbox, options.benchVms);
    if (sandbox && options.estateVms) {
      growEstate(sandbox, options.estateVms, { subscriptions: options.estateSubscriptions });
      // The estate's own subscriptions were added after start-up: the bot lists its subscriptions again, now, so
      // the first measured flow does not pay for the listing.
      if ((options.estateSubscriptions ?? 1) > 1) {
        bot.subscriptions.refresh();
        await bot.subscriptions.describe();
      }
    }
    if (sandbox && options.benchVaults) addBenchVaults(sandbox, options.benchVaults);
    let stormAt: number | undefined;
    if (sandbox && options.storm) {
      createStorm(sandbox, { ...DEFAULT_TIMING, ...options.timing }, options.storm.count, options.storm.vaults);
      stormAt = Date.now();
    }
    close = bot.close;
    // Live mode listens on every interface and names it localhost: the driver goes to IPv4 loopback directly.
    const url = bot.url.replace('//localhost:', '//127.0.0.1:');
    send({ type: 'ready', url, arm: sandbox?.endpoints.arm, ca: sandbox?.ca, stormAt });
  }

  let profiler: CpuProfiler | undefined;
  let memory: MemorySampler | undefined;
  process.on('message', (m: Request) => {
    void (async () => {
      try {
        if (m.cmd === 'profileStart') {
          profiler = new CpuProfiler();
          await profiler.start();
          send({ id: m.id, ok: true });
        } else if (m.cmd === 'profileStop') {
          send({ id: m.id, ok: true, value: await profiler?.stop() });
          profiler = undefined;
        } else if (m.cmd === 'memoryStart') {
          memory = new MemorySampler();
          send({ id: m.id, ok: true });
        } else if (m.cmd === 'memoryStop') {
          const value = memory?.stop();
          await memory?.writeHeapProfile();
          send({ id: m.id, ok: true, value });
          memory = undefined;
        } else if (m.cmd === 'notifyCards') {
          const cards = bot ? await bot.store.records<Record<string, unknown>>('notify.cards').list() : [];
          send({ id: m.id, ok: true, value: cards.map((c) => ({ id: c.id, ...c.value, reference: undefined })) });
        } else if (m.cmd === 'stop') {
          await close();
          rmSync(dir, { recursive: true, force: true });
          send({ id: m.id, ok: true });
          process.exit(0);
        }
      } catch (err) {
        send({ id: m.id, ok: false, error: (err as Error).message });
      }
    })();
  });
}

main().catch((err: Error) => {
  process.stderr.write(`bench child failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
