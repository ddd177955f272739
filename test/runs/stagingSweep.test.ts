import { createAzure } from '../../src/azure';
import type { RestoreCheckpoint } from '../../src/runs/restoreRun';
import { StagingSweep } from '../../src/runs/stagingSweep';
import type { RunRecord } from '../../src/runs/types';
import { press, requestRestore } from '../bot/approvals/flow';
import { approver, operator, startRestoreBot, until, type RestoreBot } from '../bot/approvals/restoreBot';

const APPROVER_CHAT = 'personal-user-id-1';

// The staged files of a restore (VM config, template, and the encryption info holding the wrapped key and secret)
// must not outlive the run, however it ended.
describe('staged restore files after a run that did not succeed', () => {
  let a: RestoreBot;
  beforeAll(async () => {
    a = await startRestoreBot();
    await a.say(approver, 'hello');
  });
  afterAll(() => a.close());

  it('stay while the failed run may be retried, and are deleted by the sweep once the retry has expired', async () => {
    const req = await requestRestore(a, operator, 'vm-db-01', { vmName: 'vm-db-01-staged' });
    // The VM cannot be created (once, by the template or the compute API): the run fails after the restore job
    // staged its files.
    for (const routeId of ['deployments.createOrUpdate', 'virtualMachines.createOrUpdate']) {
      a.azure.sandbox.faults.add({ routeId, kind: 'error', status: 400, times: 1 });
    }
    await press(a, approver, req.approvers!.card(), 'approval.approve', req.approvers!.messageId, {}, APPROVER_CHAT);
    const failed = await until(
      'the run to fail',
      async () => {
        const run = await a.run(req.requestId);
        return run?.status === 'failed' ? run : undefined;
      },
      30_000,
    );
    const outputs = failed.checkpoint.outputs!;
    const staged = () =>
      Object.keys(a.azure.sandbox.world.blobs[outputs.stagingAccountName]?.[outputs.configContainer] ?? {});
    expect(staged()).toEqual(expect.arrayContaining([outputs.encryptionInfoBlobName]));

    const sweepAt = (ms: number) =>
      new StagingSweep({
        runs: a.store.signed<RunRecord>('runs'),
        restore: createAzure(a.azure.settings).restore,
        logger: a.logs.logger,
        retryWithinMs: 4 * 3600_000,
        now: () => Date.now() + ms,
      }).sweep();
    expect(await sweepAt(0)).toBe(0); // a retry still needs them
    expect(staged().length).toBeGreaterThan(0);
    expect(await sweepAt(5 * 3600_000)).toBe(1); // the retry expired: nothing will use them again
    expect(staged()).toEqual([]);
    const run = (await a.run(req.requestId)) as RunRecord<RestoreCheckpoint>;
    expect(run).toMatchObject({ status: 'failed', checkpoint: { stagingDeletedAt: expect.any(String) } });
    expect(await sweepAt(5 * 3600_000)).toBe(0); // once
  });
});
