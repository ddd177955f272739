import { explain } from '../../../src/azure';
import { cardId } from '../../../src/cards/render';
import type { JobEvent } from '../../../src/notifications/types';
import type { RehearsalCheckpoint } from '../../../src/runs/rehearsalRun';
import { cardOf, textsOf } from '../../support/bot';
import { armResourcesIn, stagedBlobs } from '../../support/rehearsal';
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

/** A rehearsal end to end through the bot: request, the restore's approval, the run, the result card, clean-up. */
describe('restore rehearsal, requested and approved in chat', () => {
  let bot: RestoreBot;
  const notified: JobEvent[] = [];
  beforeAll(async () => {
    bot = await startRestoreBot({
      rehearsal: { checkTimeoutMs: 400, notify: async (events) => void notified.push(...events) },
    });
    await bot.say(approver, 'help'); // the approvers' conversation becomes known
  });
  afterAll(() => bot.close());

  const leftInRehearsalGroup = async () =>
    (await armResourcesIn(bot.azure, 'rg-rehearsal')).filter((id) => !/\/virtualNetworks\//i.test(id));

  /** `rehearse <vm>`, request approval on the plan card, approve as the approver; waits for the run's end. */
  async function rehearse(vm: string) {
    const sent = await bot.say(operator, `rehearse ${vm}`);
    const first = sent.find((s) => s.method === 'POST' && cardOf(s))!;
    const messageId = bot.idOf(first);
    const plan = cardOf(first);
    expect(cardId(plan)).toBe('card.rehearsal.plan');
    const planText = JSON.stringify(plan); // facts included
    expect(planText).toMatch(/isolated network vnet-rehearsal-eastasia \/ snet-rehearsal/);
    expect(planText).toMatch(/deleted at the end, whatever the result/);
    const points = choicesOf(plan, 'point');
    expect(points.length).toBeGreaterThan(0);
    const requested = await press(bot, operator, plan, 'rehearsal.request', messageId, { point: points[0].value });
    expect(cardId(requested.card)).toBe('card.approval.request');
    expect(textsOf(requested.card).join('\n')).toMatch(/Restore rehearsal request: /);
    const requestId: string = actionsOf(requested.card).find((a) => a.verb === 'approval.cancel')!.data.requestId;
    const posted = approverCard(bot)!;
    const approverText = JSON.stringify(posted.card());
    expect(approverText).toMatch(/Restore rehearsal request/);
    expect(approverText).toMatch(/isolated network/);
    expect(approverText).toMatch(/Clean-up/);
    await press(bot, approver, posted.card(), 'approval.approve', posted.messageId, {}, 'personal-user-id-1');
    const run = await until(
      'the rehearsal to end',
      async () => {
        const r = await bot.runs.get<RehearsalCheckpoint>(`rehearsal:${requestId}`);
        return r && r.status !== 'running' ? r : undefined;
      },
      30_000,
    );
    const resultCard = await until('the result card', () =>
      bot.connector
        .to(`personal-${operator.id}`)
        .map((s) => cardOf(s))
        .find((c) => cardId(c) === 'card.rehearsal.result' && textsOf(c).join('\n').includes(vm)),
    );
    return { requestId, run, result: textsOf(resultCard).join('\n'), messageId };
  }

  it('vm-db-01 passes, with measured times, and leaves no resource behind', async () => {
    const { run, result, requestId, messageId } = await rehearse('vm-db-01');
    expect(run.status).toBe('succeeded');
    expect(run.checkpoint.result).toBe('passed');
    expect(result).toMatch(/Rehearsal passed: vm-db-01 can come back in/);
    expect(result).toMatch(/Restore job .* · VM creation .* · checks .* · total \(RTO\) /);
    expect(await leftInRehearsalGroup()).toEqual([]);
    expect(await stagedBlobs(bot.azure, run.checkpoint.outputs!)).toEqual([]);
    // The request followed its run; the requester's card says it passed.
    const record = (await bot.approvals()).find((a) => a.id === requestId)!;
    expect(record.status).toBe('succeeded');
    const card = await until('the requester card to show the result', () => {
      const text = textsOf(bot.cardNow(messageId)).join('\n');
      return /Rehearsal passed/.test(text) ? text : undefined;
    });
    expect(card).toMatch(/total \(RTO\)/);
    // The audit trail says it was a rehearsal.
    const story = (await bot.audit('vm-db-01')).filter((e) => e.approval?.requestId === requestId);
    expect(story.some((e) => e.action === 'restore.request' && e.details?.purpose === 'rehearsal')).toBe(true);
    // A pass is no failure: only a success, which marks the VM's failed-rehearsal card (if any) recovered.
    expect(notified).toEqual([
      expect.objectContaining({ vm: 'vm-db-01', operation: 'Rehearsal', outcome: 'succeeded' }),
    ]);

    const list = await bot.say(operator, 'rehearsals rsv-prod-eastasia');
    const listText = textsOf(cardOf(list.find((s) => cardOf(s))!)).join('\n');
    expect(listText).toMatch(/✅ \*\*vm-db-01\*\*: passed .* total \(RTO\)/);
    expect(listText).toMatch(/vm-agentdown-01\*\*: never rehearsed/);
  });

  it('vm-agentdown-01 fails at the checks, is notified with the fix, and is cleaned up', async () => {
    const { run, result } = await rehearse('vm-agentdown-01');
    expect(run.status).toBe('failed');
    expect(run.checkpoint.failure).toMatchObject({ step: 'checks', code: 'RehearsalAgentNotReady' });
    expect(result).toMatch(/Rehearsal failed at Checks: vm-agentdown-01/);
    expect(result).toMatch(/VM agent not ready after restore/);
    expect(result).toMatch(/windows-azure-guest-agent/);
    expect(await leftInRehearsalGroup()).toEqual([]);
    expect(await stagedBlobs(bot.azure, run.checkpoint.outputs!)).toEqual([]);
    // A failure notification, as a failed backup is: the catalogue entry and its fix.
    const event = await until('the failure notification', () => notified.find((e) => e.vm === 'vm-agentdown-01'));
    expect(event).toMatchObject({ vault: 'rsv-prod-eastasia', operation: 'Rehearsal', outcome: 'failed' });
    const explained = explain(event.error, 'en', { vm: event.vm });
    expect(explained.code).toBe('RehearsalAgentNotReady');
    expect(explained.fix).toEqual({ kind: 'backupNow' });
    const list = await bot.say(operator, 'rehearsals');
    const listText = textsOf(cardOf(list.find((s) => cardOf(s))!)).join('\n');
    expect(listText).toMatch(/❌ \*\*vm-agentdown-01\*\*: failed .* at Checks/);
  });

  it('an approver may approve a rehearsal as a standing monthly one for its VM', async () => {
    const sent = await bot.say(operator, 'rehearse vm-softkey-01');
    const first = sent.find((s) => s.method === 'POST' && cardOf(s))!;
    const plan = cardOf(first);
    const point = choicesOf(plan, 'point')[0].value;
    const requested = await press(bot, operator, plan, 'rehearsal.request', bot.idOf(first), { point });
    const requestId: string = actionsOf(requested.card).find((a) => a.verb === 'approval.cancel')!.data.requestId;
    // The requester's copy has no such button; the approvers' has it.
    expect(actionsOf(requested.card).some((a) => a.verb === 'rehearsal.approveMonthly')).toBe(false);
    const posted = approverCard(bot)!;
    const answer = await press(
      bot,
      approver,
      posted.card(),
      'rehearsal.approveMonthly',
      posted.messageId,
      {},
      'personal-user-id-1',
    );
    expect(textsOf(answer.card).join('\n')).toMatch(/Standing rehearsal approved for vm-softkey-01: monthly/);
    const standing = await bot.rehearsal!.standing.active();
    expect(standing.map((x) => x.scope)).toContainEqual({ kind: 'vm', name: 'vm-softkey-01' });
    const audit = await bot.audit('vm-softkey-01');
    expect(audit.some((e) => e.action === 'rehearsal.standing' && e.result === 'approved')).toBe(true);
    // And this request is approved: its rehearsal runs.
    const run = await until(
      'the rehearsal to end',
      async () => {
        const r = await bot.runs.get<RehearsalCheckpoint>(`rehearsal:${requestId}`);
        return r && r.status !== 'running' ? r : undefined;
      },
      30_000,
    );
    expect(run.checkpoint.plan.vm.name).toBe('vm-softkey-01');
    expect(await leftInRehearsalGroup()).toEqual([]);
  });

  it("posture's Rehearse button opens the plan; only its requester may request it, once", async () => {
    const sent = await bot.say(operator, 'help');
    const anyMessage = bot.idOf(sent[0]);
    const opened = await bot.click(operator, 'rehearsal.start', { vm: 'vm-legacy-01' }, anyMessage);
    expect(cardId(opened.card)).toBe('card.rehearsal.plan');
    const draftId: string = actionsOf(opened.card).find((a) => a.verb === 'rehearsal.request')!.data.draftId;
    const point = choicesOf(opened.card, 'point')[0].value;
    // Someone else's click on this card (the approver, who is also an operator) is refused; nothing is requested.
    const before = (await bot.approvals()).length;
    const stolen = await bot.click(approver, 'rehearsal.request', { draftId, point }, anyMessage);
    expect(textsOf(stolen.card).join('\n')).toMatch(/This card is out of date/);
    // A point that was not offered is refused too.
    const forged = await bot.click(operator, 'rehearsal.request', { draftId, point: 'rp-forged' }, anyMessage);
    expect(textsOf(forged.card).join('\n')).toMatch(/This card is out of date/);
    expect((await bot.approvals()).length).toBe(before);
    // Cancel: the draft is gone, a later click on it is stale.
    const cancelled = await bot.click(operator, 'rehearsal.cancel', { draftId }, anyMessage);
    expect(textsOf(cancelled.card).join('\n')).toMatch(/Rehearsal request cancelled/);
    const late = await bot.click(operator, 'rehearsal.request', { draftId, point }, anyMessage);
    expect(textsOf(late.card).join('\n')).toMatch(/This card is out of date/);
    expect((await bot.approvals()).length).toBe(before);
  });

  it('a viewer may not rehearse; an unknown VM gets a clear answer and nothing is created', async () => {
    const { viewer } = await import('../approvals/restoreBot');
    const refused = await bot.say(viewer, 'rehearse vm-db-01');
    expect(refused.map((s) => s.activity.text ?? '').join('\n')).toMatch(/not allowed|operator/i);
    const mark = bot.azure.sandbox.log.mark();
    const unknown = await bot.say(operator, 'rehearse vm-nosuch-01');
    expect(textsOf(cardOf(unknown.find((s) => cardOf(s))!)).join('\n')).toMatch(/There is no VM named vm-nosuch-01/);
    expect(bot.azure.requestsSince(mark).filter((r) => ['PUT', 'PATCH', 'DELETE'].includes(r.method))).toEqual([]);
  });
});
