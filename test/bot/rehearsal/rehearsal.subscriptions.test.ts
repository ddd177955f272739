import { cardId } from '../../../src/cards/render';
import type { RehearsalCheckpoint } from '../../../src/runs/rehearsalRun';
import { failureCard } from '../../../src/bot/chatNotifications/cards';
import { t } from '../../../src/i18n';
import { cardOf } from '../../support/bot';
import { REHEARSAL_NETWORK } from '../../support/rehearsal';
import { approverCard, press } from '../approvals/flow';
import {
  actionsOf,
  approver,
  choicesOf,
  operator,
  startRestoreBot,
  until,
  type RestoreBot,
} from '../approvals/restoreBot';

const PRIMARY = '22222222-2222-4222-8222-222222222222';
const FINANCE = '22222222-2222-4222-8222-222222222223';
const RESEARCH = '22222222-2222-4222-8222-222222222224';
/** Contoso Finance's own isolated rehearsal network (src/sandbox/world/subscriptions.json), as a full subnet id. */
const FINANCE_NETWORK = {
  subscriptionId: FINANCE,
  resourceGroup: 'rg-fin-rehearsal',
  vnet: 'vnet-rehearsal-fin-eastasia',
  subnet: 'snet-rehearsal',
};

/**
 * Issue 19 across subscriptions (issue 17): Azure restores only within the vault's subscription, so a rehearsal runs in
 * the rehearsal network of its VM's subscription; a subscription without one is refused before any approval.
 */
describe('restore rehearsals across subscriptions', () => {
  let bot: RestoreBot;
  beforeAll(async () => {
    bot = await startRestoreBot({
      subscriptionIds: [PRIMARY, FINANCE, RESEARCH],
      rehearsal: { checkTimeoutMs: 5000, networks: [REHEARSAL_NETWORK, FINANCE_NETWORK] },
    });
    await bot.say(approver, 'help'); // the approvers' conversation becomes known
  });
  afterAll(() => bot.close());

  it('vm-fin-01 is rehearsed in Contoso Finance, passes, and leaves nothing behind', async () => {
    const sent = await bot.say(operator, 'rehearse vm-fin-01');
    const first = sent.find((s) => s.method === 'POST' && cardOf(s))!;
    const messageId = bot.idOf(first);
    const plan = cardOf(first);
    expect(cardId(plan)).toBe('card.rehearsal.plan');
    expect(JSON.stringify(plan)).toMatch(/isolated network vnet-rehearsal-fin-eastasia \/ snet-rehearsal/);
    const points = choicesOf(plan, 'point');
    const requested = await press(bot, operator, plan, 'rehearsal.request', messageId, { point: points[0].value });
    expect(cardId(requested.card)).toBe('card.approval.request');
    const requestId: string = actionsOf(requested.card).find((a) => a.verb === 'approval.cancel')!.data.requestId;
    const posted = approverCard(bot)!;
    await press(bot, approver, posted.card(), 'approval.approve', posted.messageId, {}, 'personal-user-id-1');
    const run = await until(
      'the rehearsal to end',
      async () => {
        const r = await bot.runs.get<RehearsalCheckpoint>(`rehearsal:${requestId}`);
        return r && r.status !== 'running' ? r : undefined;
      },
      30_000,
    );
    expect(run.checkpoint.result).toBe('passed');
    // Restored in Finance's rehearsal network (the vault's subscription), never the primary's.
    expect(run.checkpoint.network?.subnetId).toMatch(
      new RegExp(`^/subscriptions/${FINANCE}/resourceGroups/rg-fin-rehearsal/.*/subnets/snet-rehearsal$`, 'i'),
    );
    expect(run.checkpoint.vm?.id).toMatch(
      new RegExp(`^/subscriptions/${FINANCE}/resourceGroups/rg-fin-rehearsal/`, 'i'),
    );
    // Nothing left: no VM, disk or NIC in Finance's rehearsal group (its network stays), none in the primary's.
    const finance = bot.azure.sandbox.worlds.find((w) => w.subscriptionId === FINANCE)!;
    const inGroup = (w: typeof finance, rg: string) =>
      [...w.vms, ...w.disks, ...w.networkInterfaces].filter((r) => r.resourceGroup.toLowerCase() === rg);
    expect(inGroup(finance, 'rg-fin-rehearsal')).toEqual([]);
    expect(inGroup(bot.azure.sandbox.world, 'rg-rehearsal')).toEqual([]);
    expect(finance.virtualNetworks.find((v) => v.name === 'vnet-rehearsal-fin-eastasia')).toBeDefined();
  });

  it('vm-res-01 (Contoso Research, no rehearsal network) is refused clearly, before any approval', async () => {
    const approvalsBefore = (await bot.approvals()).length;
    const sent = await bot.say(operator, 'rehearse vm-res-01');
    const text = sent.map((s) => [JSON.stringify(cardOf(s) ?? {}), s.activity.text ?? ''].join('\n')).join('\n');
    expect(text).toMatch(/No rehearsal network is configured in subscription Contoso Research/);
    expect(text).toMatch(/set REHEARSAL_SUBNET/);
    expect(sent.map((s) => cardId(cardOf(s)))).not.toContain('card.rehearsal.plan');
    expect((await bot.approvals()).length).toBe(approvalsBefore);
    const research = bot.azure.sandbox.worlds.find((w) => w.subscriptionId === RESEARCH)!;
    expect(research.vms.filter((v) => /^rh-/.test(v.name))).toEqual([]);
  });

  it("the failed-rehearsal card's buttons: Show rehearsals lists the vault, Rehearse again opens the VM's plan", async () => {
    // The notification card as a subscribed conversation receives it (src/bot/chatNotifications/cards.ts).
    const card = failureCard({
      kind: 'failure',
      conversationId: 'channel-ops',
      reference: {},
      locale: 'en',
      version: 1,
      attempts: 0,
      createdAt: '2026-03-13T10:00:00.000Z',
      vault: 'rsv-fin-eastasia',
      vm: 'vm-fin-01',
      vaultSubscriptionId: FINANCE,
      operation: 'Rehearsal',
      count: 1,
      firstAt: '2026-03-13T10:00:00.000Z',
      lastAt: '2026-03-13T10:00:00.000Z',
      lastJobId: 'rehearsal:some-run',
      recentJobs: ['rehearsal:some-run'],
      error: { title: 'RehearsalAgentNotReady', message: 'The VM agent did not report ready.', recommendations: [] },
    }) as Record<string, any>;
    const sent = await bot.say(operator, 'rehearsals');
    const messageId = bot.idOf(sent.find((s) => cardOf(s))!);
    const list = await press(bot, operator, card, 'rehearsal.list', messageId);
    expect(cardId(list.card)).toBe('card.rehearsal.list');
    const listText = JSON.stringify(list.card);
    expect(listText).toMatch(/vm-fin-01\*\*: passed/);
    // Only the card's vault: the primary's VMs are not listed.
    expect(listText).not.toMatch(/vm-db-01/);
    const again = await press(bot, operator, card, 'rehearsal.start', messageId);
    expect(cardId(again.card)).toBe('card.rehearsal.plan');
    expect(JSON.stringify(again.card)).toMatch(/vnet-rehearsal-fin-eastasia/);
  });

  it('the refusal names the subscription in Traditional Chinese too', () => {
    const zh = t('zh-TW', 'rehearsal.refused.noNetwork', { vm: 'vm-res-01', subscription: 'Contoso Research' });
    expect(zh).toMatch(/訂用帳戶 Contoso Research 中未設定演練網路/);
    expect(zh).toMatch(/REHEARSAL_SUBNET/);
  });
});
