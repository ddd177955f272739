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
  return {
    name: 'echo',
    start: 'enable backup',
    isFinal: (c: Card) => invokes === 0 || titleOf(c) === `Step ${invokes}`,
  };
}

/**
 * Scenario 1 for one target in one process: after one warm-up flow (token, connections, lazy modules; not counted),
 * each level in turn: N people at once, each in their own conversation, each running `enable backup <their VM>` to
 * its final card (the bot), or the same number of turns against the echo floor. Every level sees the same world
 * (one VM per conversation of every level, added up front), so only the concurrency changes between levels.
 */
export async function runLevels(
  target: 'bot' | 'echo',
  levels: number[],
  connector: Connector,
  options: { invokes?: number; tag: string; deadline: number },
): Promise<LevelRun[]> {
  const offsets = levels.map((_, k) => levels.slice(0, k).reduce((a, n) => a + n, 0));
  const total = levels.reduce((a, n) => a + n, 0);
  const names = Array.from({ length: total }, (_, i) => vmName(i + 1));
  const child = await BotChild.start(
    target === 'bot' ? { kind: 'bot', benchVms: [WARM_VM, ...names], env: benchAccess(total) } : { kind: 'echo' },
  );
  try {
    const drive = (i: number, level: number) =>
      driveFlow(target === 'bot' ? enableBackup(i === 0 ? WARM_VM : names[i - 1]) : echoFlow(options.invokes ?? 4), {
        botUrl: child.url,
        connector,
        where: {
          user: benchUser(i),
          conversationId: `bench-${options.tag}-${target}-${level}-${i}`,
          serviceUrl: connector.url,
        } satisfies Where,
        finishTimeoutMs: 180_000,
      });
    const warm = await drive(0, 0);
    if (!warm.succeeded) return levels.map((n) => failedRun(target, n, warm));

    const out: LevelRun[] = [];
    for (const [k, n] of levels.entries()) {
      if (Date.now() > options.deadline) break;
      child.resetPeak();
      const before = child.rssMb();
      const start = performance.now();
      const results = await Promise.all(Array.from({ length: n }, (_, j) => drive(offsets[k] + j + 1, n)));
      out.push(summarize(target, n, start, results, child.peakRssMb(), before));
      // Let the last background work (audit writes, a final poll) settle before the next level.
      await new Promise((r) => setTimeout(r, 500));
    }
    return out;
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
