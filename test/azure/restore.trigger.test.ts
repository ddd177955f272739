import { RecoveryPointOperations } from '../../src/azure/recoveryPoints';
import { RestoreOperations } from '../../src/azure/restore';
import { startTestAzure, type TestAzure } from '../support/azure';
import { ids, itemOf } from '../support/restore';

describe('starting and following a restore job', () => {
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
    await new Promise((r) => setTimeout(r, 250));
    controller.abort();
    await expect(following).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(seen.every((s) => s === 'InProgress')).toBe(true);

    // A poll in flight at the abort may still reach the sandbox; after that, ten intervals pass in silence.
    await new Promise((r) => setTimeout(r, 100));
    const mark = azure.sandbox.log.mark();
    await new Promise((r) => setTimeout(r, 300));
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

  it("refuses a restore into a resource group the bot may not write, with Azure's code", async () => {
    const restore = new RestoreOperations(azure.clients);
    const item = itemOf('vm-db-01');
    const [point] = await new RecoveryPointOperations(azure.clients).list(item);
    await expect(
      restore.beginRestoreDisks({
        item,
        recoveryPointName: point.name,
        sourceVmId: ids(azure).vm('vm-db-01'),
        stagingAccountId: ids(azure).staging,
        targetResourceGroupId: ids(azure).rg('rg-restore-locked'),
        region: 'eastasia',
      }),
    ).rejects.toMatchObject({
      name: 'AzureRequestError',
      details: { code: 'LinkedAuthorizationFailed', statusCode: 403 },
    });
  });
});
