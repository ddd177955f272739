import { SANDBOX_USERS } from '../../src/sandboxUsers';
import type { Where } from '../support/activities';
import type { BotChild } from '../support/child';
import type { Connector } from '../support/connector';
import { driveFlow, FlowRun, type FlowResult, type FlowScript } from '../support/driver';
import { approverWhere, backupNow, enableBackup, grantAccess, restore } from './flows';

/** One request the sandbox served, as its log has it. */
export interface LoggedRequest {
  seq: number;
  surface: string;
  method: string;
  path: string;
  routeId?: string;
  status: number;
  fault?: string;
}

export interface SuiteFlow {
  /** Row name: the flow and the case it exercises. */
  name: string;
  script: FlowScript;
}

export interface SuiteResult {
  name: string;
  result: FlowResult;
  /** What the sandbox served between the command and the final card (admin requests left out). */
  requests: LoggedRequest[];
}

/**
 * The flows of the call-economy and slow-Azure scenarios, each on the sandbox resident made for its case: enable
 * backup on a fresh VM (a copy of vm-web-01: BEK+KEK, single pass, key vault already granted), the key vault grant
 * by VM as an access policy (vm-nogrant-01) and by key vault name as a role on an RBAC key vault (kv-ade-rbac), a
 * backup of the VM just protected, and the restore of vm-db-01 with its approval.
 */
export function suiteFlows(benchVm: string, serviceUrl: string, tag: string): SuiteFlow[] {
  return [
    { name: 'enable backup', script: enableBackup(benchVm) },
    { name: 'grant by VM (access policy)', script: grantAccess('vm-nogrant-01') },
    { name: 'grant by key vault name (RBAC role)', script: grantAccess('kv-ade-rbac') },
    { name: 'backup now', script: backupNow(benchVm) },
    { name: 'restore (with approval)', script: restore('vm-db-01', approverWhere(serviceUrl, tag)) },
  ];
}

/** The sandbox operator in their own chat with the bot. */
export const operatorWhere = (serviceUrl: string, tag: string): Where => ({
  user: SANDBOX_USERS.operator,
  conversationId: `bench-${tag}-operator`,
  serviceUrl,
});

/** Makes the approvers' conversation known to the bot (the approver says hello), as a person would. */
export async function greetApprovers(child: BotChild, connector: Connector, tag: string): Promise<void> {
  const where = approverWhere(connector.url, tag);
  const run = new FlowRun(
    { name: 'hello', start: 'help', isFinal: () => true },
    { botUrl: child.url, connector, where },
  );
  await run.say('help');
}

/** Runs the flows one after another, each with the sandbox's request log around it. */
export async function runSuite(
  child: BotChild,
  connector: Connector,
  flows: SuiteFlow[],
  where: Where,
  finishTimeoutMs: number,
): Promise<SuiteResult[]> {
  const out: SuiteResult[] = [];
  for (const flow of flows) {
    const mark = (await child.admin<{ mark: number }>('GET', '/_sandbox/requests?since=999999999')).mark;
    const result = await driveFlow(flow.script, { botUrl: child.url, connector, where, finishTimeoutMs });
    // Work the final card reported may still be winding down (an audit write, a last poll): let it settle.
    await new Promise((r) => setTimeout(r, 500));
    const log = await child.admin<{ value: LoggedRequest[] }>('GET', `/_sandbox/requests?since=${mark}`);
    out.push({ name: flow.name, result, requests: log.value.filter((r) => r.surface !== 'admin') });
  }
  return out;
}
