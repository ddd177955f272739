import { RecoveryPointOperations } from '../../src/azure/recoveryPoints';
import { RestoreOperations } from '../../src/azure/restore';
import { startTestAzure, type TestAzure } from '../support/azure';
import { ids, itemOf } from '../support/restore';

describe('following a restore job', () => {
  let azure: TestAzure;
  beforeAll(async () => {
    // A job that runs for a minute: the test aborts long before it ends.
    azure = await startTestAzure({ timing: { jobMs: 60_000 } });
  });
  afterAll(() => azure.close());

  it('stops polling as soon as it is aborted', async () => {
    const restore = new RestoreOperations(azure.clients);
    const item = itemOf('vm-db-01');
    const [point] = await new RecoveryPointOperations(azure.clients).list(item);
    const { jobId } = await restore.beginRestoreDisks({
      item,
      recoveryPointName: point.name,
      sourceVmId: ids(azure).vm('vm-db-01'),
      stagingAccountId: ids(azure).staging,
      targetResourceGroupId: ids(azure).rg('rg-restore'),
      region: 'eastasia',
    });
    const controller = new AbortController();
    const seen: string[] = [];
    const following = restore.waitForRestoreJob(item, jobId, {
      pollIntervalMs: 30,
      abortSignal: controller.signal,
      onProgress: (job) => seen.push(job.status),
    });
    await new Promise((r) => setTimeout(r, 150));
    controller.abort();
    await expect(following).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.every((s) => s === 'InProgress')).toBe(true);

    const mark = azure.sandbox.log.mark();
    await new Promise((r) => setTimeout(r, 200));
    expect(azure.requestsSince(mark)).toEqual([]);
  });

  it('a retried trigger finds the job it already started instead of starting another', async () => {
    const restore = new RestoreOperations(azure.clients);
    const item = itemOf('vm-db-01');
    const [point] = await new RecoveryPointOperations(azure.clients).list(item);
    const since = new Date();
    const input = {
      item,
      recoveryPointName: point.name,
      sourceVmId: ids(azure).vm('vm-db-01'),
      stagingAccountId: ids(azure).staging,
      targetResourceGroupId: ids(azure).rg('rg-restore'),
      region: 'eastasia',
    };
    const first = await restore.beginRestoreDisks(input);
    const mark = azure.sandbox.log.mark();
    const again = await restore.beginRestoreDisks({ ...input, reuseJobStartedAfter: since });
    expect(again.jobId).toBe(first.jobId);
    expect(azure.requestsSince(mark).filter((r) => r.method === 'POST')).toEqual([]);
  });
});
