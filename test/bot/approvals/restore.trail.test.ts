import { setPortalScope } from '../../../src/cards/portal';
import { cardId } from '../../../src/cards/render';
import { openUrls } from '../../support/portalLinks';
import { approverCard, press, walkToPlan } from './flow';
import { approver, operator, startRestoreBot, until, type RestoreBot } from './restoreBot';

// The restore's trail in Azure: the restored VM, its NIC and its disks carry the request id and the object ids of
// the requester and the approver; the run's audit entry lists the client request id of every write it made; the
// finished card links to the restored VM in the portal.
describe('the trail a restore leaves in Azure', () => {
  let bot: RestoreBot;
  beforeAll(async () => {
    setPortalScope({
      tenantId: '11111111-1111-4111-8111-111111111111',
      subscriptionId: '22222222-2222-4222-8222-222222222222',
    });
    bot = await startRestoreBot();
    await bot.say(approver, 'help');
  });
  afterAll(async () => {
    setPortalScope({});
    await bot.close();
  });

  async function requestAndApprove(vm: string, targets: Parameters<typeof walkToPlan>[3] = {}) {
    const { card: plan, messageId } = await walkToPlan(bot, operator, vm, targets);
    const requested = await press(bot, operator, plan, 'restore.requestApproval', messageId);
    const requestId: string = requested.card!.actions.find((a: any) => a.verb === 'approval.cancel').data.requestId;
    const posted = approverCard(bot)!;
    await press(
      bot,
      approver,
      posted.card(),
      'approval.approve',
      posted.messageId,
      { reason: 'drill' },
      'personal-user-id-1',
    );
    await until('the request to end', async () => {
      const record = (await bot.approvals()).find((a) => a.id === requestId);
      return record && ['succeeded', 'failed'].includes(record.status) ? record : undefined;
    });
    return { requestId, messageId };
  }

  it.each([
    // Every restore the dialog plans builds the VM through the compute API from the approved plan (issue 14).
    ['vm-db-01', 'compute', {}],
    [
      'vm-legacy-01',
      'compute',
      { point: (choices: { title: string; value: string }[]) => choices.find((c) => /^2017-03/.test(c.title))!.value },
    ],
  ] as const)(
    '%s (%s path): tags on the VM, NIC and disks; request ids in the audit; a portal link',
    async (name, path, targets) => {
      const mark = bot.azure.sandbox.log.mark();
      const { requestId, messageId } = await requestAndApprove(name, targets as never);
      const run = (await bot.run(requestId))!;
      expect(run).toMatchObject({ status: 'succeeded', checkpoint: { vm: { path } } });
      const expected = {
        'ade-backup-bot:request': requestId,
        'ade-backup-bot:requested-by': operator.aadObjectId,
        'ade-backup-bot:approved-by': approver.aadObjectId,
      };
      const world = bot.azure.sandbox.world;
      const vm = world.vms.find((v) => v.name === `${name}-restored` && v.resourceGroup === 'rg-restore')!;
      expect(vm.tags).toMatchObject(expected);
      const nics = world.networkInterfaces.filter((n) =>
        vm.networkInterfaceIds.some((id) => id.toLowerCase().endsWith(`/${n.name.toLowerCase()}`)),
      );
      expect(nics.length).toBeGreaterThan(0);
      for (const nic of nics) expect(nic.tags).toMatchObject(expected);
      const disks = world.disks.filter((d) => [vm.osDiskName, ...vm.dataDiskNames].includes(d.name));
      expect(disks.length).toBe(1 + vm.dataDiskNames.length);
      for (const disk of disks) expect(disk.tags).toMatchObject(expected);
      // Never a name or an e-mail address in a tag.
      expect(JSON.stringify([vm.tags, ...nics.map((n) => n.tags), ...disks.map((d) => d.tags)])).not.toMatch(
        /@|Alex|Megan/,
      );

      const writes = bot.azure.sandbox.log.since(mark).filter((r) => r.method !== 'GET' && r.clientRequestId);
      const [end] = (await bot.audit(name)).filter(
        (e) => e.approval?.requestId === requestId && e.action === 'restore.run' && e.result === 'succeeded',
      );
      expect(end.armRequestIds?.length).toBeGreaterThan(0);
      const logged = new Set(writes.map((w) => w.clientRequestId));
      for (const id of end.armRequestIds!) expect(logged.has(id)).toBe(true);
      // The restore trigger, the VM's creation and its tagging are among them.
      const byRoute = (route: string) => writes.filter((w) => w.routeId === route).map((w) => w.clientRequestId);
      expect(end.armRequestIds).toEqual(expect.arrayContaining([...byRoute('virtualMachines.update')]));
      expect(byRoute('virtualMachines.update')).toHaveLength(1);

      const card = await until('the card to link the restored VM', () => {
        const c = bot.cardNow(messageId);
        return cardId(c) === 'card.approval.request' && openUrls(c).some((l) => /vm-[a-z]+-01-restored$/.test(l.url))
          ? c
          : undefined;
      });
      expect(openUrls(card)[0].url).toBe(
        `https://portal.azure.com/#@11111111-1111-4111-8111-111111111111/resource${vm ? run.checkpoint.vm!.id : ''}`,
      );
    },
  );
});
