import { BotChild } from '../support/child';
import type { Connector } from '../support/connector';
import { countBy } from '../support/stats';
import { isPoll, MINIMAL } from './minimal';
import { greetApprovers, operatorWhere, runSuite, suiteFlows, type LoggedRequest } from './suite';
import { benchAccess } from './turnCost';

export interface FlowCalls {
  flow: string;
  completed: boolean;
  succeeded: boolean;
  problem?: string;
  /** Resource Manager requests (the ARM listener, Graph look-ups left out). */
  arm: number;
  /** ...of which status polls (operation status / results, job reads). */
  polls: number;
  byRoute: Record<string, number>;
  /** Graph, Key Vault data plane, Blob, managed-identity token requests. */
  other: Record<string, number>;
  /** The minimal sequence's ARM requests besides polls: always needed, and with the optional steps. */
  minimal?: { required: number; withOptional: number; polls: number };
  /** Requests Azure answered with an error (4xx/5xx), by route: retries and probes show here. */
  errors: Record<string, number>;
}

export const isArm = (r: LoggedRequest) => r.surface === 'arm' && !r.routeId?.startsWith('directory.');

/** Counts one flow's requests, next to its minimal sequence. */
export function countCalls(
  flow: string,
  requests: LoggedRequest[],
): Omit<FlowCalls, 'completed' | 'succeeded' | 'problem'> {
  const arm = requests.filter(isArm);
  const minimal = MINIMAL.find((m) => m.flow === flow);
  const armSteps = minimal?.steps.filter(
    (s) => !s.route.startsWith('directory.') && !/^(blob|keyVaultData)\./.test(s.route),
  );
  const sum = (pred: (s: NonNullable<typeof armSteps>[number]) => boolean) =>
    (armSteps ?? []).filter(pred).reduce((a, s) => a + s.calls, 0);
  return {
    flow,
    arm: arm.length,
    polls: arm.filter((r) => isPoll(r.routeId)).length,
    byRoute: countBy(arm, (r) => r.routeId ?? `${r.method} ${r.path}`),
    other: countBy(
      requests.filter((r) => !isArm(r)),
      (r) => (r.routeId?.startsWith('directory.') ? 'graph' : r.surface),
    ),
    minimal: minimal
      ? {
          required: sum((s) => !s.poll && !s.optional),
          withOptional: sum((s) => !s.poll),
          polls: sum((s) => !!s.poll),
        }
      : undefined,
    errors: countBy(
      requests.filter((r) => r.status >= 400),
      (r) => `${r.routeId ?? r.path} ${r.status}`,
    ),
  };
}

/**
 * Scenario 3: each flow once, one after another, on a fresh bot (the sandbox's default timing: operations take
 * 1.5 s, jobs 4 s, Retry-After 1 s), counting what the sandbox served between the command and the final card.
 */
export async function callEconomy(connector: Connector): Promise<FlowCalls[]> {
  const vm = 'vm-bench-calls';
  const child = await BotChild.start({ kind: 'bot', benchVms: [vm], env: benchAccess(0) });
  try {
    await greetApprovers(child, connector, 'calls');
    // Start-up work (the identity check, a first watcher or RPO pass) is over before the first count.
    await new Promise((r) => setTimeout(r, 1500));
    const results = await runSuite(
      child,
      connector,
      suiteFlows(vm, connector.url, 'calls'),
      operatorWhere(connector.url, 'calls'),
      180_000,
    );
    return results.map(({ name, result, requests }) => ({
      ...countCalls(name, requests),
      completed: result.completed,
      succeeded: result.succeeded,
      problem: result.problem,
    }));
  } finally {
    await child.stop();
  }
}
