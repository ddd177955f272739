import { cardId } from '../../../src/cards/render';
import { cardOf, textsOf } from '../../support/bot';
import { approverCard, press, walkToPlan } from './flow';
import {
  actionsOf,
  approver,
  choicesOf,
  operator,
  startRestoreBot,
  until,
  viewer,
  type RestoreBot,
} from './restoreBot';

/**
 * Issue 20 on the restore request: only VMs with something to restore are offered (point 7), a mistyped VM name gets
 * "did you mean" (point 6), cancel names the request (point 6), the requester's reason reaches the approver and the
 * audit trail, which reads as sentences and pages (point 8), and a finished restore no longer says "What will
 * happen" (point 10).
 */
describe('restore request: the first hour (issue 20)', () => {
  let bot: RestoreBot;
  beforeAll(async () => {
    bot = await startRestoreBot();
    await bot.say(approver, 'help'); // the approvers' conversation becomes known
    // vm-app-02 protected minutes ago: its first backup has not run, so it has no recovery point.
    const world = bot.azure.sandbox.world;
    const db = world.protectedItems.find((p) => p.vmName === 'vm-db-01')!;
    world.protectedItems.push({
      ...db,
      vmName: 'vm-app-02',
      vmId: db.vmId.replace('vm-db-01', 'vm-app-02'),
      protectionState: 'IRPending',
      lastBackupStatus: undefined,
      lastBackupTime: undefined,
      lastRecoveryPointTime: undefined,
    });
  });
  afterAll(() => bot.close());

  const firstCard = (sent: Awaited<ReturnType<RestoreBot['say']>>) => cardOf(sent.find((s) => cardOf(s)));

  it('point 7: the VM list offers only VMs with a recovery point, and says why the others are missing', async () => {
    const card = firstCard(await bot.say(operator, 'restore', 'list'));
    expect(cardId(card)).toBe('card.restore.vm');
    const titles = choicesOf(card, 'vm').map((c) => c.title);
    expect(titles.some((t) => t.startsWith('vm-db-01'))).toBe(true);
    expect(titles.some((t) => t.startsWith('vm-app-02'))).toBe(false);
    expect(textsOf(card).join('\n')).toMatch(/Not listed: .*vm-app-02.*without a recovery point yet/);
  });

  it('point 6: restore vm-db01 (one character away) asks "did you mean vm-db-01?"', async () => {
    const card = firstCard(await bot.say(operator, 'restore vm-db01', 'typo'));
    expect(cardId(card)).toBe('card.restore.vm');
    expect(textsOf(card).join('\n')).toMatch(/I can't find a VM named vm-db01\..*Did you mean \*\*vm-db-01\*\*\?/);
  });

  it('point 6: cancel names the restore request it cancelled', async () => {
    await bot.say(operator, 'restore', 'cancel');
    const [answer] = await bot.say(operator, 'cancel', 'cancel');
    expect(answer.activity.text).toBe('Cancelled the restore request. Nothing was changed.');
    const [again] = await bot.say(operator, 'cancel', 'cancel');
    expect(again.activity.text).toMatch(/nothing to cancel/);
  });

  it('point 6: a sentence mid-request gets the restore card again', async () => {
    await bot.say(operator, 'restore', 'reask');
    const card = firstCard(await bot.say(operator, 'which one should I take?', 'reask'));
    expect(cardId(card)).toBe('card.restore.vm');
    expect(textsOf(card).join('\n')).toMatch(/I am waiting for your answer on this card/);
  });

  it('point 10: a target left empty says "Choose a target resource group", not the bare label', async () => {
    const sent = await bot.say(operator, 'restore vm-db-01', 'required');
    const first = sent.find((s) => cardOf(s))!;
    const messageId = bot.idOf(first);
    const point = await press(
      bot,
      operator,
      cardOf(first),
      'restore.point',
      messageId,
      { point: choicesOf(cardOf(first), 'point')[0].value },
      'required',
    );
    expect(cardId(point.card)).toBe('card.restore.target');
    // The client-side message, for clients that check required inputs.
    expect(JSON.stringify(point.card)).toContain('"errorMessage":"Choose a target resource group"');
    const target = await press(
      bot,
      operator,
      point.card,
      'restore.target',
      messageId,
      {
        staging: choicesOf(point.card, 'staging')[0].value,
        resourceGroup: '',
        subnet: choicesOf(point.card, 'subnet')[0].value,
        vmName: 'vm-db-01-x',
      },
      'required',
    );
    expect(textsOf(target.card).join('\n')).toMatch(/Choose a target resource group/);
  });

  it('point 8 and 10: the reason reaches the approver and the audit; the finished card says what was done', async () => {
    const { card: plan, messageId } = await walkToPlan(bot, operator, 'vm-db-01', { vmName: 'vm-db-01-why' });
    expect(cardId(plan)).toBe('card.restore.plan');
    expect(JSON.stringify(plan)).toContain('"id":"reason"');
    const requested = await press(bot, operator, plan, 'restore.requestApproval', messageId, {
      reason: 'Data corrupted after the 02:00 deployment',
    });
    expect(textsOf(requested.card).join('\n')).toMatch(/Reason for the restore: Data corrupted after the 02:00/);
    const requestId: string = actionsOf(requested.card).find((a) => a.verb === 'approval.cancel')!.data.requestId;
    const posted = approverCard(bot)!;
    expect(textsOf(posted.card()).join('\n')).toMatch(/Reason for the restore: Data corrupted after the 02:00/);
    await press(
      bot,
      approver,
      posted.card(),
      'approval.approve',
      posted.messageId,
      { reason: 'incident 42' },
      'personal-user-id-1',
    );
    await until('the restore to end', async () => {
      const record = (await bot.approvals()).find((a) => a.id === requestId);
      return record && ['succeeded', 'failed'].includes(record.status) ? record : undefined;
    });
    const done = await until('the card to show the end', () => {
      const texts = textsOf(bot.cardNow(messageId)).join('\n');
      return /is ready in rg-restore/.test(texts) ? texts : undefined;
    });
    expect(done).not.toMatch(/What will happen/);
    expect(done).toMatch(/What was done/);

    const entries = await bot.audit('vm-db-01');
    const request = entries.find((e) => e.action === 'restore.request' && e.approval?.requestId === requestId)!;
    expect(request.details?.reason).toBe('Data corrupted after the 02:00 deployment');

    const audit = firstCard(await bot.say(approver, 'audit vm-db-01', 'audit-card'));
    const text = textsOf(audit).join('\n');
    expect(text).toMatch(/^VM vm-db-01$/m);
    expect(text).not.toMatch(/^vm vm-db-01$/m);
    expect(text).toMatch(/Reason: Data corrupted after the 02:00 deployment/);
    expect(text).toMatch(/Reason: incident 42/);
    expect(text).toMatch(/New VM: vm-db-01-why/);
  });

  it('point 8: audit pages beyond 10 entries with a More button', async () => {
    for (let i = 0; i < 23; i++) {
      await bot.store.audit.append({
        who: { name: 'Alex Wilber' },
        action: 'keyVault.grant',
        target: { kind: 'keyVault', name: 'kv-paging-01' },
        details: { n: i },
        result: 'succeeded',
      });
    }
    const sent = await bot.say(approver, 'audit kv-paging-01', 'paging');
    const first = sent.find((s) => cardOf(s))!;
    const card = cardOf(first);
    expect(textsOf(card).filter((t) => t === 'Key vault kv-paging-01')).toHaveLength(10);
    const second = await press(bot, approver, card, 'audit.more', bot.idOf(first), {}, 'paging');
    expect(textsOf(second.card).join('\n')).toMatch(/Entries 11 to 20, newest first/);
    const third = await press(bot, approver, second.card, 'audit.more', bot.idOf(first), {}, 'paging');
    expect(textsOf(third.card).join('\n')).toMatch(/Entries 21 to 23/);
    expect(actionsOf(third.card).map((a) => a.verb)).not.toContain('audit.more');
  });

  it('point 8: a viewer cannot page the audit trail', async () => {
    const res = await bot.click(viewer, 'audit.more', { target: 'kv-paging-01', page: 1 }, 'sent-1');
    expect(res.card).toBeUndefined();
    expect(res.text).toMatch(/only|not allowed|may not/i);
  });
});
