import { createAzure } from '../../src/azure';
import { createLogger } from '../../src/log';
import { DurableRunEngine } from '../../src/runs/engine';
import type { RestorePlan } from '../../src/runs/restorePlan';
import { restoreRetryable, restoreRunKind, RESTORE_RUN_KIND, type RestoreCheckpoint } from '../../src/runs/restoreRun';
import type { RunRecord } from '../../src/runs/types';
import { SqliteStorage, storeOn } from '../../src/store';
import { startTestAzure, type TestAzure } from '../support/azure';
import { ids, itemOf } from '../support/restore';

const logger = createLogger({ level: 'silent' });

/** The restore run against the sandbox: a step interrupted at any point never starts a second restore. */
describe('the restore run', () => {
  let azure: TestAzure;
  const store = storeOn(new SqliteStorage(':memory:'));
  const runs = store.records<RunRecord>('runs');
  let n = 0;
  beforeAll(async () => {
    azure = await startTestAzure();
  });
  afterAll(() => azure.close());

  const engine = (owner: string) => {
    const e = new DurableRunEngine({
      store: runs,
      logger,
      owner,
      leaseMs: 60_000,
      retryDelayMs: () => 10,
      takeoverIntervalMs: 0,
    });
    // The steps alone: the approval check (ApprovalService.authorizeRun) is tested with the bot (test/runs/signedRuns.test.ts).
    e.register(
      restoreRunKind({ restore: createAzure(azure.settings).restore, pollMs: 20, authorize: async () => undefined }),
    );
    return e;
  };

  async function planFor(vm: string): Promise<RestorePlan> {
    const restore = createAzure(azure.settings);
    const [point] = await restore.recoveryPoints.list(itemOf(vm));
    const i = ids(azure);
    return {
      vm: { id: i.vm(vm), name: vm, resourceGroup: 'rg-app', location: 'eastasia', osType: 'Linux' },
      item: itemOf(vm),
      region: 'eastasia',
      recoveryPoint: {
        name: point.name,
        time: point.time.toISOString(),
        type: point.type,
        templateRestorable: true,
        legacyKeyAndSecret: false,
      },
      encryption: {
        pass: 'single',
        keyVault: {
          id: i.keyVault('kv-ade-policy'),
          name: 'kv-ade-policy',
          vaultUri: azure.sandbox.endpoints.keyVaults['kv-ade-policy'],
        },
        key: 'active',
        secret: 'active',
        putBack: false,
        source: 'restoreJob',
      },
      staging: { id: i.staging, name: 'stagingeastasia01' },
      targetResourceGroup: { id: i.rg('rg-restore'), name: 'rg-restore' },
      subnet: { id: i.subnet(), vnet: 'vnet-app-eastasia', subnet: 'snet-restore', resourceGroup: 'rg-app' },
      newVmName: `${vm}-run${++n}`,
      path: 'template',
    };
  }
  const restoreJobs = () => azure.sandbox.world.jobs.filter((j) => j.operation === 'Restore').length;
  const triggers = (mark: number) => azure.requestsSince(mark).filter((r) => r.routeId === 'restores.trigger').length;
  const until = async (check: () => boolean | Promise<boolean>) => {
    const end = Date.now() + 15_000;
    while (!(await check())) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  it('stopped after the restore was triggered but before Azure named the job: the next replica finds that job', async () => {
    const plan = await planFor('vm-db-01');
    const jobs = restoreJobs();
    const mark = azure.sandbox.log.mark();
    // Azure is slow to name the job (its operation status hangs), and the replica goes away meanwhile.
    const slow = azure.sandbox.faults.add({
      routeId: 'protectedItemOperationStatuses.get',
      kind: 'latency',
      latencyMs: 5000,
    });
    const first = engine('first');
    await first.start(RESTORE_RUN_KIND, 'restore:req-a', { requestId: 'req-a', plan });
    await until(() => triggers(mark) === 1);
    await first.stop();
    azure.sandbox.faults.remove(slow.id);
    const stopped = (await first.get<RestoreCheckpoint>('restore:req-a'))!;
    expect(stopped).toMatchObject({ status: 'running', step: 'restoreDisks' });
    expect(stopped.checkpoint.triggeredAt).toBeDefined();
    expect(stopped.checkpoint.jobId).toBeUndefined();

    const second = engine('second');
    expect(await second.resumeAll()).toBe(1);
    await second.idle();
    const done = (await second.get<RestoreCheckpoint>('restore:req-a'))!;
    expect(done.status).toBe('succeeded');
    expect(triggers(mark)).toBe(1);
    expect(restoreJobs()).toBe(jobs + 1);
    expect(azure.sandbox.world.vms.some((v) => v.name === plan.newVmName)).toBe(true);
    await second.stop();
  });

  it("stopped before its trigger reached Azure: another request's job for the same VM is not taken for its own", async () => {
    const plan = await planFor('vm-db-01');
    const jobs = restoreJobs();
    // This run stored its trigger time (and the VM's restore jobs it saw then, as the step does), then the process
    // died before the trigger reached Azure...
    const triggeredAt = new Date().toISOString();
    const priorJobIds = azure.sandbox.world.jobs.filter((j) => j.operation === 'Restore').map((j) => j.id);
    await runs.create('restore:req-own', {
      id: 'restore:req-own',
      kind: RESTORE_RUN_KIND,
      status: 'running',
      step: 'restoreDisks',
      checkpoint: { requestId: 'req-own', plan, triggeredAt, priorJobIds },
      attempt: 0,
      createdAt: triggeredAt,
      updatedAt: triggeredAt,
    });
    // ...while another approved request restored the same VM to another resource group.
    const restore = createAzure(azure.settings).restore;
    const { jobId: otherJob } = await restore.beginRestoreDisks({
      item: plan.item,
      recoveryPointName: plan.recoveryPoint.name,
      sourceVmId: plan.vm.id,
      stagingAccountId: plan.staging.id,
      targetResourceGroupId: ids(azure).rg('rg-app'),
      region: plan.region,
    });
    const mark = azure.sandbox.log.mark();
    const e = engine('own-identity');
    await e.resumeAll();
    await e.idle();
    const run = (await e.get<RestoreCheckpoint>('restore:req-own'))!;
    expect(run.error).toBeUndefined();
    expect(run.status).toBe('succeeded');
    expect(run.checkpoint.jobId).not.toBe(otherJob);
    expect(triggers(mark)).toBe(1); // its own restore, to its own target
    expect(restoreJobs()).toBe(jobs + 2);
    expect(azure.sandbox.world.vms.find((v) => v.name === plan.newVmName)?.resourceGroup).toBe('rg-restore');
    await e.stop();
  });

  it('a poll that keeps failing after the trigger is retried without triggering again', async () => {
    const plan = await planFor('vm-db-01');
    const jobs = restoreJobs();
    const mark = azure.sandbox.log.mark();
    azure.sandbox.faults.add({ routeId: 'protectedItemOperationStatuses.get', kind: 'error', status: 503, times: 6 });
    const e = engine('only');
    await e.start(RESTORE_RUN_KIND, 'restore:req-b', { requestId: 'req-b', plan });
    await e.idle();
    const run = (await e.get<RestoreCheckpoint>('restore:req-b'))!;
    expect(run.status).toBe('succeeded');
    expect(triggers(mark)).toBe(1);
    expect(restoreJobs()).toBe(jobs + 1);
    await e.stop();
  });

  it('stopped while following the job: the next replica carries on from the stored job id', async () => {
    const plan = await planFor('vm-db-01');
    const jobs = restoreJobs();
    const mark = azure.sandbox.log.mark();
    const first = engine('first-b');
    // The job stays in progress for a while.
    azure.sandbox.faults.add({ routeId: 'jobDetails.get', kind: 'latency', latencyMs: 3000, times: 1 });
    await first.start(RESTORE_RUN_KIND, 'restore:req-c', { requestId: 'req-c', plan });
    await until(async () => (await first.get<RestoreCheckpoint>('restore:req-c'))?.step === 'followJob');
    await first.stop();
    const second = engine('second-b');
    await second.resumeAll();
    await second.idle();
    const run = (await second.get<RestoreCheckpoint>('restore:req-c'))!;
    expect(run).toMatchObject({ status: 'succeeded', checkpoint: { vm: { name: plan.newVmName, path: 'template' } } });
    expect(triggers(mark)).toBe(1);
    expect(restoreJobs()).toBe(jobs + 1);
    expect(JSON.stringify(run)).not.toMatch(/KeyBackupData|SecretData|sandboxBackup/);
    await second.stop();
  });

  it('stops at a step Azure refuses, keeping what it knows; a retry may follow, a failed restore job may not', async () => {
    const plan = await planFor('vm-db-01');
    const e = engine('fails');
    azure.sandbox.faults.add({ routeId: 'jobDetails.get', kind: 'error', status: 404, times: 1 });
    await e.start(RESTORE_RUN_KIND, 'restore:req-d', { requestId: 'req-d', plan });
    await e.idle();
    const run = (await e.get<RestoreCheckpoint>('restore:req-d'))!;
    expect(run).toMatchObject({
      status: 'failed',
      step: 'followJob',
      error: { step: 'followJob', code: 'InternalServerError' },
    });
    expect(run.checkpoint.jobId).toBeDefined();
    // Reading the job failed, not the job: retrying reads it again.
    expect(restoreRetryable('followJob', run.error!)).toBe(true);
    expect(restoreRetryable('followJob', { code: 'RestoreJobFailed' })).toBe(false);
    expect((await e.retry('restore:req-d'))?.status).toBe('running');
    await e.idle();
    expect((await e.get('restore:req-d'))?.status).toBe('succeeded');
    await e.stop();
  });
});
