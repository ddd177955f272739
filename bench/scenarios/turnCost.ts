import { SANDBOX_USERS } from '../../src/sandboxUsers';
import { benchUser, type Where } from '../support/activities';
import type { Card } from '../support/cards';
import { BotChild } from '../support/child';
import type { Connector } from '../support/connector';
import { driveFlow, type FlowResult, type FlowScript } from '../support/driver';
import { max, percentile } from '../support/stats';
import { enableBackup, titleOf } from './flows';

/** One run of one concurrency level against one target. */
export interface LevelRun {
  target: 'bot' | 'echo';
  concurrency: number;
  turns: number;
  p50?: number;
  p95?: number;
  p99?: number;
  maxMs?: number;
  turnsPerSec?: number;
  /** From the command to the final card (after Azure did the work), p50. */
  flowP50Ms?: number;
  completed: number;
  succeeded: number;
  peakRssMb?: number;
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
  return { name: 'echo', start: 'enable backup', isFinal: (c: Card) => titleOf(c) === `Step ${invokes}` || invokes === 0 };
}

/**
 * N people at once, each in their own conversation, each running `enable backup <their VM>` to its final card
 * (the bot), or the same number of turns against the echo floor. A fresh process per run; one flow first to warm up
 * (token, connections, lazy modules), not counted.
 */
export async function runLevel(
  target: 'bot' | 'echo',
  concurrency: number,
  connector: Connector,
  options: { invokes?: number; timing?: object; tag: string },
): Promise<LevelRun> {
  const names = Array.from({ length: concurrency }, (_, i) => vmName(i + 1));
  const child = await BotChild.start(
    target === 'bot'
      ? { kind: 'bot', benchVms: [WARM_VM, ...names], env: benchAccess(concurrency), timing: options.timing }
      : { kind: 'echo' },
  );
  try {
    const script = (i: number) => (target === 'bot' ? enableBackup(i === 0 ? WARM_VM : names[i - 1]) : echoFlow(options.invokes ?? 4));
    const where = (i: number): Where => ({
      user: benchUser(i),
      conversationId: `bench-${options.tag}-${target}-${concurrency}-${i}`,
      serviceUrl: connector.url,
    });
    const drive = (i: number) => driveFlow(script(i), { botUrl: child.url, connector, where: where(i), finishTimeoutMs: 180_000 });

    const warm = await drive(0);
    if (!warm.succeeded) return failedRun(target, concurrency, warm);

    child.resetPeak();
    const before = child.rssMb();
    const start = performance.now();
    const results = await Promise.all(names.map((_, i) => drive(i + 1)));
    const peak = child.peakRssMb();
    return summarize(target, concurrency, start, results, peak, before);
  } finally {
    await child.stop();
  }
}

function summarize(
  target: LevelRun['target'],
  concurrency: number,
  start: number,
  results: FlowResult[],
  peak?: number,
  before?: number,
): LevelRun {
  const turns = results.flatMap((r) => r.turns);
  const ms = turns.map((t) => t.ms);
  const lastEnd = max(turns.map((t) => t.end)) ?? start;
  const flows = results.map((r) => r.flowMs).filter((v): v is number => v !== undefined);
  return {
    target,
    concurrency,
    turns: turns.length,
    p50: percentile(ms, 50),
    p95: percentile(ms, 95),
    p99: percentile(ms, 99),
    maxMs: max(ms),
    turnsPerSec: lastEnd > start ? turns.length / ((lastEnd - start) / 1000) : undefined,
    flowP50Ms: percentile(flows, 50),
    completed: results.filter((r) => r.completed).length,
    succeeded: results.filter((r) => r.succeeded).length,
    peakRssMb: peak,
    rssGrowthMb: peak !== undefined && before !== undefined ? peak - before : undefined,
    invokesPerFlow: percentile(
      results.map((r) => r.turns.filter((t) => t.kind === 'invoke').length),
      50,
    ),
    problems: [...new Set(results.map((r) => r.problem).filter((p): p is string => !!p))].slice(0, 3),
  };
}

function failedRun(target: LevelRun['target'], concurrency: number, warm: FlowResult): LevelRun {
  return {
    target,
    concurrency,
    turns: 0,
    completed: 0,
    succeeded: 0,
    problems: [`warm-up flow did not succeed: ${warm.problem ?? 'unknown'}`],
  };
}
