import { textsOf } from '../../support/bot';
import { press, requestRestore } from './flow';
import { actionsOf, approver, operator, startRestoreBot, until, viewer, type RestoreBot } from './restoreBot';

const APPROVER_CHAT = 'personal-user-id-1';
const SECOND_APPROVER_CHAT = 'personal-user-id-2';

/** Two bot replicas on one store and one Azure: clicks racing each other start one restore, never two. */
describe('restore approvals under concurrency, and retry', () => {
  let a: RestoreBot;
  let b: RestoreBot;
  beforeAll(async () => {
    // Two approvers (the viewer user doubles as the second one here).
    const env = { APPROVER_IDS: `${approver.aadObjectId},${viewer.aadObjectId}` };
    a = await startRestoreBot({ env });
    b = await startRestoreBot({ env, azure: a.azure, sqlitePath: a.sqlitePath });
    await a.say(approver, 'hello');
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('two approvers approving at once on two replicas: one decision, one run, one restore job', async () => {
    const jobsBefore = a.restoreJobs('vm-db-01').length;
    const req = await requestRestore(a, operator, 'vm-db-01', { vmName: 'vm-db-01-race' });
    const card = req.approvers!.card();
    const clicks = await Promise.all([
      press(a, approver, card, 'approval.approve', req.approvers!.messageId, {}, APPROVER_CHAT),
      press(b, viewer, card, 'approval.approve', req.approvers!.messageId, {}, SECOND_APPROVER_CHAT),
      press(b, approver, card, 'approval.approve', req.approvers!.messageId, {}, APPROVER_CHAT),
      press(a, viewer, card, 'approval.approve', req.approvers!.messageId, {}, SECOND_APPROVER_CHAT),
    ]);
    const notices = clicks.map((c) => textsOf(c.card).join('\n'));
    expect(notices.filter((n) => /already/.test(n)).length).toBe(3);
    await until(
      'the restore to finish',
      async () => (await a.approvals()).find((x) => x.id === req.requestId)?.status === 'succeeded',
      30_000,
    );
    expect(a.restoreJobs('vm-db-01')).toHaveLength(jobsBefore + 1);
    const decisions = (await a.audit('vm-db-01')).filter(
      (e) => e.approval?.requestId === req.requestId && e.action === 'restore.decision' && e.result === 'approved',
    );
    expect(decisions).toHaveLength(1);
    const runs = (await a.runs.get(`restore:${req.requestId}`))!;
    expect(runs.status).toBe('succeeded');
  });

  it('a failed step shows its troubleshooting entry and Retry, which continues from that step', async () => {
    const jobsBefore = a.restoreJobs('vm-db-01').length;
    await a.say(approver, 'hello again'); // the approvers' conversation is where an approver last talked
    const req = await requestRestore(a, operator, 'vm-db-01', { vmName: 'vm-db-01-retry' });
    const fault = a.azure.sandbox.faults.add({
      routeId: 'virtualMachines.createOrUpdate',
      kind: 'error',
      status: 400,
      times: 1,
    });
    await press(a, approver, req.approvers!.card(), 'approval.approve', req.approvers!.messageId, {}, APPROVER_CHAT);
    await until(
      'the run to fail',
      async () => (await a.approvals()).find((x) => x.id === req.requestId)?.status === 'failed',
      30_000,
    );
    expect(fault.hits).toBe(1);
    const failed = await until('the requester card to offer Retry', () => {
      const card = a.cardNow(req.messageId);
      return actionsOf(card).some((x) => x.verb === 'approval.retry') ? card : undefined;
    });
    const text = textsOf(failed).join('\n');
    expect(text).toMatch(/Failed at: Create the VM/);
    expect(text).toMatch(/What to do/);
    expect(text).toMatch(/❌ Create vm-db-01-retry/);
    // The approvers' copy follows (edits to one conversation are paced to Teams' limits).
    const approversCopy = await until('the approvers card to offer Retry', () => {
      const card = a.cardNow(req.approvers!.messageId);
      return actionsOf(card).some((x) => x.verb === 'approval.retry') ? card : undefined;
    });
    expect(actionsOf(approversCopy).map((x) => x.verb)).toEqual(['approval.retry']);

    // Someone who is neither the requester nor an approver may not retry.
    const refused = await press(
      a,
      { ...viewer, aadObjectId: '00000000-0000-0000-0000-0000000000099' },
      failed,
      'approval.retry',
      req.messageId,
    );
    expect(textsOf(refused.card).join('\n')).toMatch(/Only an approver other than the requester can retry/);
    // Nor the requester: a retry restores again, so it takes a second person, as the approval did.
    const own = await press(a, operator, failed, 'approval.retry', req.messageId);
    expect(textsOf(own.card).join('\n')).toMatch(/Only an approver other than the requester can retry/);

    await press(a, approver, approversCopy, 'approval.retry', req.approvers!.messageId, {}, APPROVER_CHAT);
    await until(
      'the retried run to succeed',
      async () => (await a.approvals()).find((x) => x.id === req.requestId)?.status === 'succeeded',
      30_000,
    );
    expect(a.restoreJobs('vm-db-01')).toHaveLength(jobsBefore + 1);
    expect(a.azure.sandbox.world.vms.some((v) => v.name === 'vm-db-01-retry')).toBe(true);
    const story = (await a.audit('vm-db-01')).filter((e) => e.approval?.requestId === req.requestId).reverse();
    expect(story.map((e) => `${e.action}:${e.result}`)).toEqual([
      'restore.request:requested',
      'restore.decision:approved',
      'restore.run:started',
      'restore.run:failed',
      'restore.retry:refused', // the stranger's click
      'restore.retry:refused', // the requester's own
      'restore.retry:started',
      'restore.run:succeeded',
    ]);
    expect(story[3].details).toMatchObject({ step: 'createVm' });
  });
});
