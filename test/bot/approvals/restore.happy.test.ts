import { cardId } from '../../../src/cards/render';
import { textsOf } from '../../support/bot';
import { approverCard, press, walkToPlan } from './flow';
import { approver, operator, startRestoreBot, until, type RestoreBot } from './restoreBot';

/** The whole story in one conversation pair: the operator requests, the approver approves, the run restores. */
describe('restore of an encrypted VM, requested and approved in chat', () => {
  let bot: RestoreBot;
  beforeAll(async () => {
    bot = await startRestoreBot();
    await bot.say(approver, 'help'); // the approvers' conversation becomes known
  });
  afterAll(() => bot.close());

  /** Walks to the plan, requests approval, approves as the approver; returns the request id. */
  async function requestAndApprove(vm: string, targets: Parameters<typeof walkToPlan>[3] = {}) {
    const { card: plan, messageId } = await walkToPlan(bot, operator, vm, targets);
    expect(cardId(plan)).toBe('card.restore.plan');
    const requested = await press(bot, operator, plan, 'restore.requestApproval', messageId);
    expect(cardId(requested.card)).toBe('card.approval.request');
    expect(textsOf(requested.card).join('\n')).toMatch(/Waiting for approval/);
    const cancel = requested.card!.actions.find((a: any) => a.verb === 'approval.cancel');
    const requestId: string = cancel.data.requestId;
    const posted = approverCard(bot)!;
    expect(posted).toBeDefined();
    const approved = await press(
      bot,
      approver,
      posted.card(),
      'approval.approve',
      posted.messageId,
      { reason: 'incident 42' },
      'personal-user-id-1',
    );
    expect(cardId(approved.card)).toBe('card.approval.request');
    await until('the request to end', async () => {
      const record = (await bot.approvals()).find((a) => a.id === requestId);
      return record && ['succeeded', 'failed'].includes(record.status) ? record : undefined;
    });
    return { requestId, messageId, approverMessageId: posted.messageId };
  }

  it('vm-db-01: restores the disks, creates the VM from the plan with the encryption settings, cleans up', async () => {
    const { requestId, messageId, approverMessageId } = await requestAndApprove('vm-db-01', {
      vmName: 'vm-db-01-restored',
    });
    const run = (await bot.run(requestId))!;
    expect(run).toMatchObject({
      status: 'succeeded',
      checkpoint: { vm: { name: 'vm-db-01-restored', path: 'compute' } },
    });
    expect(run.checkpoint.deleted?.length).toBeGreaterThan(0);

    const world = bot.azure.sandbox.world;
    const vm = world.vms.find((v) => v.name === 'vm-db-01-restored' && v.resourceGroup === 'rg-restore')!;
    expect(vm).toBeDefined();
    const disks = world.disks.filter((d) => d.managedBy?.toLowerCase() === run.checkpoint.vm!.id.toLowerCase());
    expect(disks.length).toBe(2); // OS disk and the data disk, restored
    const os = disks.find((d) => d.name === vm.osDiskName)!;
    expect(os.encryption?.secretUrl ?? vm.encryption?.secretUrl).toMatch(/\/secrets\//);
    expect(vm.extensions.map((e) => e.type)).toContain('AzureDiskEncryptionForLinux');
    expect(bot.restoreJobs('vm-db-01')).toHaveLength(1);

    const [approval] = (await bot.approvals()).filter((a) => a.id === requestId);
    expect(approval.status).toBe('succeeded');
    // Both copies of the card were edited in place through to the new VM.
    for (const id of [messageId, approverMessageId]) {
      const texts = await until('the card to show the new VM', () => {
        const now = textsOf(bot.cardNow(id)).join('\n');
        return /vm-db-01-restored is ready in rg-restore/.test(now) ? now : undefined;
      });
      expect(texts).toMatch(/Restored/);
      expect(texts).not.toMatch(/⏳|▫️/);
    }
    expect(bot.connector.sent.filter((s) => s.method === 'PUT').length).toBeGreaterThan(4);

    const story = (await bot.audit('vm-db-01')).filter((e) => e.approval?.requestId === requestId).reverse();
    expect(story.map((e) => `${e.action}:${e.result}`)).toEqual([
      'restore.request:requested',
      'restore.decision:approved',
      'restore.run:started',
      'restore.run:succeeded',
    ]);
    expect(story[0].who.aadObjectId).toBe(operator.aadObjectId);
    expect(story[0].details).toMatchObject({
      newVm: 'vm-db-01-restored',
      targetResourceGroup: 'rg-restore',
      path: 'compute',
    });
    expect(story[1]).toMatchObject({ who: { aadObjectId: approver.aadObjectId }, details: { reason: 'incident 42' } });
    expect(story[3].details).toMatchObject({ newVm: 'vm-db-01-restored', path: 'compute' });
  });

  it('vm-lostkey-01: puts the key and secret back from the encryption info before creating the VM', async () => {
    const { requestId } = await requestAndApprove('vm-lostkey-01');
    const run = (await bot.run(requestId))!;
    expect(run.status).toBe('succeeded');
    expect(run.checkpoint.plan.encryption).toMatchObject({
      key: 'missing',
      secret: 'missing',
      putBack: true,
      source: 'restoreJob',
    });
    expect(run.checkpoint.putBack?.actions).toEqual(['restored key', 'restored secret']);
    const kv = bot.azure.sandbox.world.keyVaults.find((k) => k.name === 'kv-ade-policy')!;
    expect(kv.keys.some((k) => k.name === 'kek-vm-lostkey-01' && k.state === 'active')).toBe(true);
    const vm = bot.azure.sandbox.world.vms.find((v) => v.name === 'vm-lostkey-01-restored')!;
    expect(vm).toBeDefined();
    expect(JSON.stringify(run)).not.toMatch(/KeyBackupData|SecretData|sandboxBackup/);
  });

  it('vm-legacy-01 from a March 2017 point: no template path, the VM is built through the compute API', async () => {
    const { requestId } = await requestAndApprove('vm-legacy-01', {
      point: (choices) => choices.find((c) => /^2017-03/.test(c.title))!.value,
    });
    const run = (await bot.run(requestId))!;
    expect(run).toMatchObject({
      status: 'succeeded',
      checkpoint: { plan: { path: 'compute' }, vm: { path: 'compute' } },
    });
    const vm = bot.azure.sandbox.world.vms.find((v) => v.name === 'vm-legacy-01-restored')!;
    expect(vm.encryption).toMatchObject({ pass: 'dual' });
    // Dual pass: never the single-pass extension; the operator gets the command (the app's secret is theirs).
    expect(vm.extensions).toEqual([]);
    expect(run.checkpoint.vm?.adeCommand).toMatch(/^Set-AzVMDiskEncryptionExtension .*-VolumeType Data$/);
  });
});
