import { BotChild } from '../support/child';
import type { Connector } from '../support/connector';
import { countCalls, type FlowCalls } from './callEconomy';
import { greetApprovers, operatorWhere, runSuite, suiteFlows } from './suite';
import { benchAccess } from './turnCost';

/** Routes that find a resource by name or list a whole estate to do so. */
export const LOOKUP_ROUTES = [
  'resourceGraph.resources',
  'resources.list',
  'virtualMachines.listAll',
  'keyVault.vaults.listBySubscription',
];

/** How many subscriptions the estate spreads over (issue 17: 10,000 VMs across 5 subscriptions). */
export const ESTATE_SUBSCRIPTIONS = 5;

export interface EstateFlowCalls extends Pick<
  FlowCalls,
  'flow' | 'arm' | 'polls' | 'byRoute' | 'succeeded' | 'problem'
> {
  /** Requests of LOOKUP_ROUTES: finding the flow's VM or key vault by name. */
  lookups: number;
}

export interface EstateRun {
  vms: number;
  flows: EstateFlowCalls[];
}

/**
 * Scenario 6 (issue 17): the call-economy flows once each on a fresh bot whose sandbox holds an estate of `vms` VMs
 * (the seeded residents plus filler VMs, src/sandbox/world/estate.ts), counting what the sandbox served from the
 * command to the final card. Flat across sizes is the goal: a VM is found by name in one Resource Graph query.
 */
export async function estateCalls(
  connector: Connector,
  sizes: number[],
  subscriptions: number = ESTATE_SUBSCRIPTIONS,
): Promise<EstateRun[]> {
  const out: EstateRun[] = [];
  for (const vms of sizes) {
    const vm = 'vm-bench-calls';
    // The estate spread over five subscriptions (issue 17): the bot manages every one it can read.
    const child = await BotChild.start({
      kind: 'bot',
      benchVms: [vm],
      estateVms: vms,
      estateSubscriptions: subscriptions,
      env: benchAccess(0),
    });
    try {
      const tag = `estate-${vms}`;
      await greetApprovers(child, connector, tag);
      await new Promise((r) => setTimeout(r, 1500));
      const results = await runSuite(
        child,
        connector,
        suiteFlows(vm, connector.url, tag),
        operatorWhere(connector.url, tag),
        180_000,
      );
      out.push({
        vms,
        flows: results.map(({ name, result, requests }) => {
          const c = countCalls(name, requests);
          return {
            flow: name,
            arm: c.arm,
            polls: c.polls,
            byRoute: c.byRoute,
            lookups: LOOKUP_ROUTES.reduce((a, r) => a + (c.byRoute[r] ?? 0), 0),
            succeeded: result.succeeded,
            problem: result.problem,
          };
        }),
      });
    } finally {
      await child.stop();
    }
  }
  return out;
}
