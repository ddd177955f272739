import { SANDBOX_USERS } from '../../src/sandboxUsers';
import { liveAzureEnv } from '../../test/support/processes';
import { benchUser, type Where } from '../support/activities';
import type { Card } from '../support/cards';
import { BotChild, SandboxChild } from '../support/child';
import type { Connector } from '../support/connector';
import { driveFlow, type FlowResult, type FlowScript } from '../support/driver';
import type { CpuSplit, MemoryPeak } from '../support/profile';
import { max, percentile } from '../support/stats';
import { enableBackup, titleOf } from './flows';

/** A turn not answered within this is given up: twice Teams' 15 s for a message, four times its 5 s for an invoke. */
export const TURN_TIMEOUT_MS = 20_000;
/** No new turn starts this long after a level began (its flows stop where they are). */
export const LEVEL_WINDOW_MS = 45_000;
/** Teams shows an error for an invoke (a card button) not answered within this. */
export const INVOKE_LIMIT_MS = 5_000;

/** One run of one concurrency level against one target. */
export interface LevelRun {
  target: 'bot' | 'echo';
  concurrency: number;
  /** False when the flow could not be run at all (the warm-up failed: the bot does not offer it). */
  available: boolean;
  /** Turns answered. */
  turns: number;
  /** Turns given up after TURN_TIMEOUT_MS (they count in the percentiles at that value: a floor, not a measure). */
  unanswered: number;
  /** Turns answered or given up after Teams' 5 s invoke limit. */
  overInvokeLimit: number;
  p50?: number;
  p95?: number;
  p99?: number;
  maxMs?: number;
  turnsPerSec?: number;
  /** CPU time of the bot process per answered turn (user + system), in ms. */
  cpuMsPerTurn?: number;
  /** CPU time of the sandbox's own process (the local Azure serving the bot) per answered turn, in ms. */
  azureCpuMsPerTurn?: number;
  /** Peak RSS of the sandbox's process during the level, in MiB. */
  azurePeakRssMb?: number;
  /**
   * Share of the bot process's sampled CPU (GC left out) with the local Azure (src/sandbox) on the stack: about 0
   * now that the sandbox runs in its own process; kept to show that none of it is left in the bot's figure.
   */
  sandboxShare?: number;
  /** cpuMsPerTurn without the sandbox's share: an estimate of the bot's own CPU per turn. */
  botCpuMsPerTurn?: number;
  /** Bot-side source files with the most self time during the level (ms). */
  topBotFiles?: Record<string, number>;
  /** Self time by function and by package (bench/profileTurns.ts writes them to bench/profile.md). */
  topFrames?: Record<string, number>;
  topPackages?: Record<string, number>;
  /** From the command to the final card (after Azure did the work), p50 of the flows that got there. */
  flowP50Ms?: number;
  completed: number;
  succeeded: number;
  peakRssMb?: number;
  /** The bot process's memory by kind (V8 heap spaces, outside the heap) when its RSS was highest, sampled. */
  memory?: MemoryPeak;
  /** CPU of the bench process (load generator, connector stand-in) over the level / its wall time (1 = a core). */
  driverCpuShare?: number;
  /** The local Azure's process: self time by function, when sampled (BENCH_PROFILE_AZURE=1). */
  azureTopFrames?: Record<string, number>;
  /** Peak during the load minus the resident size just before it. */
  rssGrowthMb?: number;
  invokesPerFlow?: number;
  problems: string[];
}

export const vmName = (i: number) => `vm-bench-${String(i).padStart(4, '0')}`;
const WARM_VM = 'vm-bench-warm';

/** The bench users are operators; the sandbox's own operator and approver stay what they are. */
export function benchAccess(users: number): Record<string, string> {
  const ids = Array.from({ length: users + 1 }, (_, i) => benchUser(i).aadObjectId);
  return {
    OPERATOR_IDS: [SANDBOX_USERS.operator.aadObjectId, SANDBOX_USERS.approver.aadObjectId, ...ids].join(','),
    APPROVER_IDS: SANDBOX_USERS.approver.aadObjectId,
  };
}

/** The floor's flow: a message, then `invokes` button presses, as many turns as the bot's flow took. */
function echoFlow(invokes: number): FlowScript {
  return {
    name: 'echo',
    start: 'enable backup',
    isFinal: (c: Card) => invokes === 0 || titleOf(c) === `Step ${invokes}`,
  };
}

/** A Bot Framework app id for live mode's validation only: the bot process runs without it (botProcess.ts). */
const UNUSED_APP = { BOT_APP_ID: '0b0b0b0b-0000-4000-8000-00000000be9c', BOT_APP_PASSWORD: 'not-used' };

/**
 * Scenario 1, one level against one target, in fresh processes: N people at once, each in their own conversation,
 * each running `enable backup <their VM>` to its final card (the bot; the world has one VM per conversation), or the
 * same number of turns against the echo floor. The bot runs in live mode against the local Azure in its own process
 * (as a bot reaches Azure: endpoints, CA, managed identity), so the bot process's CPU and memory are the bot's own;
 * the sandbox process's CPU is measured beside it. One warm-up flow first (token, connections, lazy modules), not
 * counted. A level stops starting turns after LEVEL_WINDOW_MS and gives a turn up after TURN_TIMEOUT_MS, so a bot
 * that cannot keep up is shown as such within the run's time budget.
 */
export async function runLevel(
  target: 'bot' | 'echo',
  concurrency: number,
  connector: Connector,
  options: { invokes?: number; tag: string },
): Promise<LevelRun> {
  const names = Array.from({ length: concurrency }, (_, i) => vmName(i + 1));
  // The world changes happen in the sandbox's process, before the bot starts.
  const azure = target === 'bot' ? await SandboxChild.start({ benchVms: [WARM_VM, ...names] }) : undefined;
  // Compiled, as production runs (support/child.ts botRun); BENCH_COMPILED=0 runs both through tsx instead.
  const compiled = process.env.BENCH_COMPILED !== '0';
  const child = await (
    azure
      ? BotChild.start(
          { kind: 'bot', env: { ...liveAzureEnv(azure.ready), ...UNUSED_APP, ...benchAccess(concurrency) } },
          compiled,
        )
      : BotChild.start({ kind: 'echo' }, compiled)
  ).catch(async (err: Error) => {
    await azure?.stop();
    throw err;
  });
  try {
    const drive = (i: number, stopAt?: number) =>
      driveFlow(target === 'bot' ? enableBackup(i === 0 ? WARM_VM : names[i - 1]) : echoFlow(options.invokes ?? 4), {
        botUrl: child.url,
        connector,
        where: {
          user: benchUser(i),
          conversationId: `bench-${options.tag}-${target}-${concurrency}-${i}`,
          serviceUrl: connector.url,
        } satisfies Where,
        turnTimeoutMs: TURN_TIMEOUT_MS,
        finishTimeoutMs: LEVEL_WINDOW_MS,
        stopAt,
      });
    const warm = await drive(0);
    if (!warm.succeeded) return failedRun(target, concurrency, warm);

    // Both targets are sampled alike (1 ms), so the profiler's small cost is on both sides of the ratio.
    // The sampling profiler costs the sampled process CPU (1.3–2.5 ms a turn for the bot, 0.6 ms for the echo floor: a
    // third to a half of its own work), so CPU per turn is measured without it; BENCH_PROFILE=1 turns it on.
    const profiling = process.env.BENCH_PROFILE === '1';
    if (profiling) await child.call('profileStart');
    // BENCH_PROFILE_AZURE=1: the local Azure's process is sampled too (its top frames in azureTopFrames).
    const profilingAzure = !!azure && process.env.BENCH_PROFILE_AZURE === '1';
    if (profilingAzure) await azure.call('profileStart');
    await child.call('memoryStart');
    child.resetPeak();
    azure?.resetPeak();
    const before = child.rssMb();
    const cpuBefore = child.cpuMs();
    const azureCpuBefore = azure?.cpuMs();
    const driverCpuBefore = process.cpuUsage();
    const start = performance.now();
    const results = await Promise.all(names.map((_, i) => drive(i + 1, start + LEVEL_WINDOW_MS)));
    const cpu = diff(child.cpuMs(), cpuBefore);
    const azureCpu = diff(azure?.cpuMs(), azureCpuBefore);
    const driverCpu = process.cpuUsage(driverCpuBefore);
    const driverWallMs = performance.now() - start;
    const peak = child.peakRssMb();
    const azurePeak = azure?.peakRssMb();
    const memory = await child.call<MemoryPeak | undefined>('memoryStop');
    const azureProfile = profilingAzure ? await azure.call<CpuSplit | undefined>('profileStop') : undefined;
    const profile = profiling ? await child.call<CpuSplit | undefined>('profileStop') : undefined;
    const measured = summarize(target, concurrency, start, results, peak, before, cpu);
    const run: LevelRun = {
      ...measured,
      azureCpuMsPerTurn: azureCpu !== undefined && measured.turns ? azureCpu / measured.turns : undefined,
      azurePeakRssMb: azurePeak,
      memory,
      // The load generator and the connector stand-in (this process): its CPU share of the level's wall time.
      driverCpuShare: (driverCpu.user + driverCpu.system) / 1000 / driverWallMs,
      azureTopFrames: azureProfile?.topFrames,
    };
    if (!profile || profile.sandboxMs + profile.botMs === 0) return run;
    const sandboxShare = profile.sandboxMs / (profile.sandboxMs + profile.botMs);
    return {
      ...run,
      sandboxShare,
      botCpuMsPerTurn: run.cpuMsPerTurn === undefined ? undefined : run.cpuMsPerTurn * (1 - sandboxShare),
      topBotFiles: target === 'bot' ? profile.topBotFiles : undefined,
      topFrames: profile.topFrames,
      topPackages: profile.topPackages,
    };
  } finally {
    await child.stop();
    await azure?.stop();
  }
}

const diff = (a?: number, b?: number) => (a !== undefined && b !== undefined ? a - b : undefined);

function summarize(
  target: LevelRun['target'],
  concurrency: number,
  start: number,
  results: FlowResult[],
  peak?: number,
  before?: number,
  cpuMs?: number,
): LevelRun {
  const all = results.flatMap((r) => r.turns);
  const answered = all.filter((t) => t.status >= 200 && t.status < 300);
  const ms = all.map((t) => t.ms);
  const lastEnd = max(answered.map((t) => t.end)) ?? start;
  const flows = results.map((r) => r.flowMs).filter((v): v is number => v !== undefined);
  return {
    target,
    concurrency,
    available: true,
    turns: answered.length,
    unanswered: all.filter((t) => t.status === 0).length,
    overInvokeLimit: all.filter((t) => t.ms > INVOKE_LIMIT_MS).length,
    p50: percentile(ms, 50),
    p95: percentile(ms, 95),
    p99: percentile(ms, 99),
    maxMs: max(ms),
    turnsPerSec: lastEnd > start ? answered.length / ((lastEnd - start) / 1000) : undefined,
    cpuMsPerTurn: cpuMs !== undefined && answered.length ? cpuMs / answered.length : undefined,
    flowP50Ms: percentile(flows, 50),
    completed: results.filter((r) => r.completed).length,
    succeeded: results.filter((r) => r.succeeded).length,
    peakRssMb: peak,
    rssGrowthMb: peak !== undefined && before !== undefined ? peak - before : undefined,
    invokesPerFlow: percentile(
      results.filter((r) => r.completed).map((r) => r.turns.filter((t) => t.kind === 'invoke').length),
      50,
    ),
    problems: [...new Set(results.map((r) => r.problem).filter((p): p is string => !!p))].slice(0, 3),
  };
}

function failedRun(target: LevelRun['target'], concurrency: number, warm: FlowResult): LevelRun {
  return {
    target,
    concurrency,
    available: false,
    turns: 0,
    unanswered: 0,
    overInvokeLimit: 0,
    completed: 0,
    succeeded: 0,
    problems: [`warm-up flow did not succeed: ${warm.problem ?? 'unknown'}`],
  };
}
