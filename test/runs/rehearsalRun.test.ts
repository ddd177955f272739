import { createAzure, REHEARSAL_TAG } from '../../src/azure';
import { planRehearsal } from '../../src/dialogs/rehearsal/plan';
import { createLogger } from '../../src/log';
import { DurableRunEngine } from '../../src/runs/engine';
import {
  rehearsalDurations,
  rehearsalRunId,
  rehearsalRunKind,
  REHEARSAL_RUN_KIND,
  type RehearsalCheckpoint,
} from '../../src/runs/rehearsalRun';
import type { RestorePlan } from '../../src/runs/restorePlan';
import type { RunRecord } from '../../src/runs/types';
import { SqliteStorage, storeOn } from '../../src/store';
import { startTestAzure, type TestAzure } from '../support/azure';
import { armResourcesIn, REHEARSAL_NETWORK, stagedBlobs } from '../support/rehearsal';

const logger = createLogger({ level: 'silent' });

/** The rehearsal run against the sandbox, with the real SDK clients: restore, check, delete, report. */
describe('the rehearsal run', () => {
  let azure: TestAzure;
  const store = storeOn(new SqliteStorage(':memory:'));
  const runs = store.records<RunRecord>('runs');
  let n = 0;
  beforeAll(async () => {
    azure = await startTestAzure();
  });
  afterAll(() => azure.close());

  const engine = (owner: string, opts: { checkTimeoutMs?: number } = {}) => {
    const e = new DurableRunEngine({
      store: runs,
      logger,
      owner,
      leaseMs: 60_000,
      retryDelayMs: () => 10,
      takeoverIntervalMs: 0,
    });
    e.register(
      rehearsalRunKind({
        azure: createAzure(azure.settings),
        networks: [REHEARSAL_NETWORK],
        pollMs: 20,
        checkTimeoutMs: opts.checkTimeoutMs ?? 2000,
        cleanupAttempts: 3,
        authorize: async () => undefined,
      }),
    );
    return e;
  };

  async function planFor(vm: string, requestId: string): Promise<RestorePlan> {
    const planned = await planRehearsal(createAzure(azure.settings), {
      vmName: vm,
      networks: [REHEARSAL_NETWORK],
      requestId,
    });
    if (!('plan' in planned)) throw new Error(`no plan: ${planned.refused}`);
    return planned.plan;
  }

  async function rehearse(
    vm: string,
    patch: Partial<RehearsalCheckpoint> = {},
    opts: { checkTimeoutMs?: number } = {},
  ) {
    const requestId = `rh-req-${++n}`;
    const plan = await planFor(vm, requestId);
    const e = engine(`owner-${n}`, opts);
    await e.start(REHEARSAL_RUN_KIND, rehearsalRunId(requestId), { requestId, plan, ...patch });
    await e.idle();
    const run = (await e.get<RehearsalCheckpoint>(rehearsalRunId(requestId)))!;
    await e.stop();
    return run;
  }

  /** What the rehearsal resource group holds besides the network itself. */
  const leftInRehearsalGroup = async () =>
    (await armResourcesIn(azure, 'rg-rehearsal')).filter((id) => !/\/virtualNetworks\//i.test(id));

  it('plans into the isolated network only: a peered or untagged subnet is refused before anything is created', async () => {
    const mark = azure.sandbox.log.mark();
    const refused = await planRehearsal(createAzure(azure.settings), {
      vmName: 'vm-db-01',
      networks: [{ resourceGroup: 'rg-app', vnet: 'vnet-app-eastasia', subnet: 'snet-restore' }],
      requestId: 'rh-refused',
    });
    expect(refused).toMatchObject({ refused: 'notIsolated' });
    expect('detail' in refused && refused.detail).toMatch(/peered/);
    // Reads only (Resource Graph and the backup status are POSTs that change nothing).
    const writes = azure.requestsSince(mark).filter((r) => ['PUT', 'PATCH', 'DELETE'].includes(r.method));
    expect(writes).toEqual([]);
  });

  it('makes the rehearsal network when it does not exist and a prefix is set: unpeered, tagged, then used', async () => {
    const network = {
      resourceGroup: 'rg-rehearsal',
      vnet: 'vnet-rehearsal-made',
      subnet: 'snet-made',
      addressPrefix: '10.251.0.0/24',
    };
    const requestId = `rh-req-${++n}`;
    const planned = await planRehearsal(createAzure(azure.settings), {
      vmName: 'vm-db-01',
      networks: [network],
      requestId,
    });
    if (!('plan' in planned)) throw new Error(`no plan: ${planned.refused}`);
    expect(planned.plan.subnet).toMatchObject({ vnet: 'vnet-rehearsal-made', subnet: 'snet-made' });
    const e = new DurableRunEngine({
      store: runs,
      logger,
      owner: `owner-${n}`,
      leaseMs: 60_000,
      retryDelayMs: () => 10,
      takeoverIntervalMs: 0,
    });
    e.register(
      rehearsalRunKind({
        azure: createAzure(azure.settings),
        networks: [network],
        pollMs: 20,
        checkTimeoutMs: 2000,
        authorize: async () => undefined,
      }),
    );
    await e.start(REHEARSAL_RUN_KIND, rehearsalRunId(requestId), { requestId, plan: planned.plan });
    await e.idle();
    const run = (await e.get<RehearsalCheckpoint>(rehearsalRunId(requestId)))!;
    await e.stop();
    expect(run.checkpoint).toMatchObject({ result: 'passed', network: { created: true } });
    const vnet = await azure.clients.network.virtualNetworks.get('rg-rehearsal', 'vnet-rehearsal-made');
    expect(vnet.tags).toEqual({ 'ade-backup-bot:purpose': 'rehearsal' });
    expect(vnet.virtualNetworkPeerings).toEqual([]);
    expect(vnet.subnets?.map((x) => x.name)).toEqual(['snet-made']);
    expect(await leftInRehearsalGroup()).toEqual([]);
  });

  it('rehearses vm-db-01: restores, creates the VM in the isolated subnet, checks it, deletes everything, times it', async () => {
    const jobsBefore = azure.sandbox.world.jobs.filter((j) => j.operation === 'Restore').length;
    const run = await rehearse('vm-db-01');
    expect(run.error).toBeUndefined();
    expect(run.status).toBe('succeeded');
    const cp = run.checkpoint;
    expect(cp.result).toBe('passed');
    expect(cp.checks).toMatchObject({
      provisioning: 'succeeded',
      agentReady: true,
      encryption: 'encrypted',
      verdict: 'passed',
    });
    const d = rehearsalDurations(cp.times);
    for (const ms of [d.restoreJobMs, d.vmCreationMs, d.checksMs, d.totalMs]) expect(ms).toBeGreaterThanOrEqual(0);
    expect(d.totalMs!).toBeGreaterThanOrEqual(d.restoreJobMs! + d.vmCreationMs!);
    expect(azure.sandbox.world.jobs.filter((j) => j.operation === 'Restore')).toHaveLength(jobsBefore + 1);
    // The VM, its NIC and its disks were made in the rehearsal group with the run's tag, and are all gone now.
    expect(cp.created!.some((id) => /\/virtualMachines\/rh-vm-db-01-/i.test(id))).toBe(true);
    expect(cp.created!.filter((id) => /\/disks\//i.test(id))).toHaveLength(2);
    expect(cp.created!.every((id) => /\/resourceGroups\/rg-rehearsal\//i.test(id))).toBe(true);
    expect(cp.cleanup).toMatchObject({ left: [], stagingDeleted: true });
    expect(await leftInRehearsalGroup()).toEqual([]);
    expect(await stagedBlobs(azure, cp.outputs!)).toEqual([]);
    // Production is untouched: the source VM is still there.
    expect(azure.sandbox.world.vms.some((v) => v.name === 'vm-db-01')).toBe(true);
  });

  it('fails vm-agentdown-01 at the check step (agent never ready), and still deletes everything it made', async () => {
    const run = await rehearse('vm-agentdown-01', {}, { checkTimeoutMs: 300 });
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'RehearsalFailed', step: 'report' });
    const cp = run.checkpoint;
    expect(cp.result).toBe('failed');
    expect(cp.failure).toMatchObject({ step: 'checks', code: 'RehearsalAgentNotReady' });
    expect(cp.failure!.message).toMatch(/VM agent not ready/);
    expect(cp.checks).toMatchObject({ provisioning: 'succeeded', agentReady: false, verdict: 'agent' });
    expect(rehearsalDurations(cp.times).restoreJobMs).toBeGreaterThanOrEqual(0);
    expect(await leftInRehearsalGroup()).toEqual([]);
    expect(await stagedBlobs(azure, cp.outputs!)).toEqual([]);
  });

  it('a step failing while its restore job still runs: clean-up waits for the job and deletes its disks too', async () => {
    // Reading the job fails once with a non-transient error (403) while the job runs: the run goes to clean-up.
    const fault = azure.sandbox.faults.add({ routeId: 'jobDetails.get', kind: 'error', status: 403, times: 1 });
    let run;
    try {
      run = await rehearse('vm-db-01');
    } finally {
      azure.sandbox.faults.remove(fault.id);
    }
    expect(run.status).toBe('failed');
    expect(run.checkpoint.failure).toMatchObject({ step: 'followJob' });
    // The job ended after the failure; its disks were found, tagged, deleted; its staged files too.
    expect(run.checkpoint.outputs).toBeDefined();
    expect(run.checkpoint.cleanup).toMatchObject({ left: [], stagingDeleted: true });
    expect(run.checkpoint.cleanup!.deleted.filter((x) => /\/disks\//i.test(x))).toHaveLength(2);
    expect(await leftInRehearsalGroup()).toEqual([]);
    expect(await stagedBlobs(azure, run.checkpoint.outputs!)).toEqual([]);
  });

  it('a replica stopped mid clean-up: the next one finishes it, and nothing is left', async () => {
    const requestId = `rh-req-${++n}`;
    const plan = await planFor('vm-db-01', requestId);
    // Deleting the VM is slow, and the replica goes away meanwhile.
    const slow = azure.sandbox.faults.add({
      routeId: 'virtualMachines.delete',
      kind: 'latency',
      latencyMs: 4000,
      times: 1,
    });
    const first = engine('first-cleaner');
    await first.start(REHEARSAL_RUN_KIND, rehearsalRunId(requestId), { requestId, plan });
    const until = async (check: () => Promise<boolean>) => {
      const end = Date.now() + 20_000;
      while (!(await check())) {
        if (Date.now() > end) throw new Error('timed out');
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    await until(async () => (await first.get(rehearsalRunId(requestId)))?.step === 'cleanup');
    await first.stop();
    azure.sandbox.faults.remove(slow.id);
    expect(await first.get(rehearsalRunId(requestId))).toMatchObject({ status: 'running', step: 'cleanup' });

    const second = engine('second-cleaner');
    expect(await second.resumeAll()).toBe(1);
    await second.idle();
    const run = (await second.get<RehearsalCheckpoint>(rehearsalRunId(requestId)))!;
    await second.stop();
    expect(run.status).toBe('succeeded');
    expect(run.checkpoint.result).toBe('passed');
    expect(await leftInRehearsalGroup()).toEqual([]);
    expect(await stagedBlobs(azure, run.checkpoint.outputs!)).toEqual([]);
  });

  it('never deletes a recorded id that does not carry its tag', async () => {
    const foreign = `/subscriptions/${azure.settings.subscriptionId}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-web-01`;
    const run = await rehearse('vm-db-01', { created: [foreign] });
    expect(run.checkpoint.cleanup!.notOurs).toEqual([foreign]);
    expect(azure.sandbox.world.vms.some((v) => v.name === 'vm-web-01')).toBe(true);
    expect(run.checkpoint.result).toBe('passed');
  });

  it('retries a clean-up that fails, then reports the resource ids it left', async () => {
    const fault = azure.sandbox.faults.add({ routeId: 'disks.delete', kind: 'error', status: 409 });
    let run;
    try {
      run = await rehearse('vm-db-01');
    } finally {
      azure.sandbox.faults.remove(fault.id);
    }
    expect(run.status).toBe('failed');
    const cp = run.checkpoint;
    expect(cp.failure).toBeUndefined();
    expect(cp.cleanup!.attempts).toBe(3);
    expect(cp.cleanup!.left).toHaveLength(2);
    expect(cp.cleanup!.left.every((id) => /\/disks\//i.test(id))).toBe(true);
    expect(run.error!.message).toMatch(/left 2 resource/);
    // The VM and NIC went; the disks are the ones reported, and they carry the rehearsal's tag.
    const left = await leftInRehearsalGroup();
    expect(left.map((x) => x.toLowerCase()).sort()).toEqual(cp.cleanup!.left.map((x) => x.toLowerCase()).sort());
    const disks = azure.sandbox.world.disks.filter((d) => d.resourceGroup === 'rg-rehearsal');
    expect(disks.every((d) => d.tags?.[REHEARSAL_TAG] === run.id)).toBe(true);
    // Tidy for the next test: the disks go once Azure lets them.
    const ops = createAzure(azure.settings).rehearsal;
    for (const id of cp.cleanup!.left) await ops.deleteIfOurs(id, { [REHEARSAL_TAG]: run.id });
    expect(await leftInRehearsalGroup()).toEqual([]);
  });
});
