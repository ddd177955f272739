import { BotChild } from '../support/child';
import type { Connector } from '../support/connector';
import { max } from '../support/stats';
import { greetApprovers, operatorWhere, runSuite, suiteFlows } from './suite';
import { benchAccess, INVOKE_LIMIT_MS } from './turnCost';

export interface SlowFlow {
  flow: string;
  completed: boolean;
  succeeded: boolean;
  problem?: string;
  turns: number;
  maxMessageMs?: number;
  maxInvokeMs?: number;
  /** Turns answered after Teams' 5-second invoke limit. */
  overLimit: number;
  /** Card updates in place (progress and result) the person saw. */
  updates: number;
  flowMs?: number;
}

/**
 * Scenario 2: every request on the sandbox's ARM listener (ARM, and the Graph look-up it also serves) waits 2 s
 * before it is served; the same flows as the call-economy scenario, one person, one flow at a time. Each turn's
 * answer time is what Teams would wait for.
 */
export async function slowAzure(connector: Connector, latencyMs = 2_000): Promise<SlowFlow[]> {
  const vm = 'vm-bench-slow';
  const child = await BotChild.start({ kind: 'bot', benchVms: [vm], env: benchAccess(0) });
  try {
    await greetApprovers(child, connector, 'slow');
    await child.admin('POST', '/_sandbox/faults', { surface: 'arm', kind: 'latency', latencyMs });
    const results = await runSuite(
      child,
      connector,
      suiteFlows(vm, connector.url, 'slow'),
      operatorWhere(connector.url, 'slow'),
      150_000,
    );
    return results.map(({ name, result }) => {
      const messages = result.turns.filter((t) => t.kind === 'message').map((t) => t.ms);
      const invokes = result.turns.filter((t) => t.kind === 'invoke').map((t) => t.ms);
      return {
        flow: name,
        completed: result.completed,
        succeeded: result.succeeded,
        problem: result.problem,
        turns: result.turns.length,
        maxMessageMs: max(messages),
        maxInvokeMs: max(invokes),
        overLimit: result.turns.filter((t) => t.ms > INVOKE_LIMIT_MS).length,
        updates: result.updates,
        flowMs: result.flowMs,
      };
    });
  } finally {
    await child.stop();
  }
}
