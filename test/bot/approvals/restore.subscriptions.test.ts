import { cardId } from '../../../src/cards/render';
import { textsOf } from '../../support/bot';
import { approverCard, press, walkToPlan } from './flow';
import { approver, choicesOf, operator, startRestoreBot, until, type RestoreBot } from './restoreBot';

const PRIMARY = '22222222-2222-4222-8222-222222222222';
const FINANCE = '22222222-2222-4222-8222-222222222223';
const RESEARCH = '22222222-2222-4222-8222-222222222224';

/**
 * Issue 17: a restore of a VM in Contoso Finance, requested and approved in chat, lands in the vault's subscription
 * (Azure restores ADE-encrypted VMs within their subscription): only that subscription's resource groups, staging
 * accounts and subnets are offered, and the new VM is created there.
 */
describe('restore across subscriptions', () => {
  let bot: RestoreBot;
  beforeAll(async () => {
    bot = await startRestoreBot({ subscriptionIds: [PRIMARY, FINANCE, RESEARCH] });
    await bot.say(approver, 'help'); // the approvers' conversation becomes known
  });
  afterAll(() => bot.close());

  it('vm-fin-01: targets offered in Contoso Finance only; the restored VM is created there', async () => {
    const sent = await bot.say(operator, 'restore vm-fin-01');
    const first = sent.find((s) => s.method === 'POST' && s.activity.attachments?.length)!;
    const messageId = bot.idOf(first);
    const card = (
      await press(bot, operator, bot.cardNow(messageId), 'restore.point', messageId, {
        point: choicesOf(bot.cardNow(messageId), 'point')[0].value,
      })
    ).card;
    expect(cardId(card)).toBe('card.restore.target');
    const groups = choicesOf(card, 'resourceGroup').map((c) => c.title);
    expect(groups.join('\n')).toMatch(/rg-fin-restore/);
    expect(groups.join('\n')).not.toMatch(/^rg-restore /m);
    expect(
      choicesOf(card, 'staging')
        .map((c) => c.title)
        .join('\n'),
    ).toMatch(/stagingfin01/);
    expect(
      choicesOf(card, 'staging')
        .map((c) => c.title)
        .join('\n'),
    ).not.toMatch(/stagingeastasia01/);
    expect(
      choicesOf(card, 'subnet')
        .map((c) => c.value)
        .every((id) => id.includes(`/subscriptions/${FINANCE}/`)),
    ).toBe(true);

    const { card: plan, messageId: planMessage } = await walkToPlan(bot, operator, 'vm-fin-01', {
      resourceGroup: 'rg-fin-restore',
      vmName: 'vm-fin-01-restored',
    });
    expect(cardId(plan)).toBe('card.restore.plan');
    const requested = await press(bot, operator, plan, 'restore.requestApproval', planMessage);
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
    await until('the restore to end', async () => {
      const record = (await bot.approvals()).find((a) => a.id === requestId);
      return record && ['succeeded', 'failed'].includes(record.status) ? record : undefined;
    });
    const run = (await bot.run(requestId))!;
    expect(run).toMatchObject({ status: 'succeeded' });
    const finance = bot.azure.sandbox.worlds.find((w) => w.subscriptionId === FINANCE)!;
    expect(
      finance.vms.find((v) => v.name === 'vm-fin-01-restored' && v.resourceGroup === 'rg-fin-restore'),
    ).toBeDefined();
    expect(bot.azure.sandbox.world.vms.find((v) => v.name === 'vm-fin-01-restored')).toBeUndefined();
    expect(run.checkpoint.vm!.id).toMatch(new RegExp(`^/subscriptions/${FINANCE}/resourceGroups/rg-fin-restore/`, 'i'));
    const texts = await until('the card to show the new VM', () => {
      const now = textsOf(bot.cardNow(planMessage)).join('\n');
      return /vm-fin-01-restored is ready in rg-fin-restore/.test(now) ? now : undefined;
    });
    expect(texts).toMatch(/Restored/);
  });
});
