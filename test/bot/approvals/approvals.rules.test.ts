import { cardId } from '../../../src/cards/render';
import { textsOf } from '../../support/bot';
import { press, requestRestore } from './flow';
import { actionsOf, approver, operator, startRestoreBot, until, viewer, type RestoreBot } from './restoreBot';

const APPROVER_CHAT = 'personal-user-id-1';

/** Who may decide a restore request, and when: every click is authorised on the server. */
describe('restore approvals', () => {
  let bot: RestoreBot;
  let offsetMs = 0;
  let names = 0;
  const vmName = () => `vm-db-01-r${++names}`;
  const status = async (id: string) => (await bot.approvals()).find((a) => a.id === id)?.status;
  const noticeOf = (card: Record<string, any> | undefined) => textsOf(card).join('\n');

  beforeAll(async () => {
    bot = await startRestoreBot({ ttlMinutes: 60, now: () => new Date(Date.now() + offsetMs), expirySweepMs: 50 });
    await bot.say(approver, 'hello');
  });
  afterAll(() => bot.close());

  it('refuses the requester approving their own request, even when they are an approver', async () => {
    const req = await requestRestore(bot, approver, 'vm-db-01', { vmName: vmName() });
    // The request never reaches the requester's own chat (issue 20); a forged click on it is refused all the same.
    expect(req.approvers).toBeUndefined();
    const answer = await bot.click(
      approver,
      'approval.approve',
      { requestId: req.requestId, planHash: req.planHash },
      req.messageId,
      APPROVER_CHAT,
    );
    expect(cardId(answer.card)).toBe('card.approval.request');
    expect(noticeOf(answer.card)).toMatch(/can't approve or reject your own request/);
    expect(await status(req.requestId)).toBe('pending');
    expect(await bot.run(req.requestId)).toBeUndefined();
    const refused = (await bot.audit('vm-db-01')).find(
      (e) => e.approval?.requestId === req.requestId && e.result === 'refused',
    );
    expect(refused).toMatchObject({ details: { refusal: 'self' }, who: { aadObjectId: approver.aadObjectId } });
  });

  it("refuses a non-approver's click (the buttons are on the card, the server decides)", async () => {
    const req = await requestRestore(bot, operator, 'vm-db-01', { vmName: vmName() });
    const posted = req.approvers!;
    for (const user of [viewer, operator]) {
      const answer = await press(bot, user, posted.card(), 'approval.approve', posted.messageId, {}, APPROVER_CHAT);
      const text = noticeOf(answer.card);
      expect(text).toMatch(user === operator ? /your own request/ : /Only approvers can approve or reject/);
    }
    const reject = await press(
      bot,
      viewer,
      posted.card(),
      'approval.reject',
      posted.messageId,
      { reason: 'no' },
      APPROVER_CHAT,
    );
    expect(noticeOf(reject.card)).toMatch(/Only approvers/);
    expect(await status(req.requestId)).toBe('pending');
  });

  it('rejects with a reason: both cards say so, no restore runs, the audit trail has the reason', async () => {
    const jobs = bot.restoreJobs('vm-db-01').length;
    const req = await requestRestore(bot, operator, 'vm-db-01', { vmName: vmName() });
    const posted = req.approvers!;
    const answer = await press(
      bot,
      approver,
      posted.card(),
      'approval.reject',
      posted.messageId,
      { reason: 'wrong point' },
      APPROVER_CHAT,
    );
    expect(noticeOf(answer.card)).toMatch(/Rejected by Megan Bowen/);
    expect(actionsOf(answer.card)).toEqual([]);
    expect(await status(req.requestId)).toBe('rejected');
    const requesterCard = await until('the requester card to say rejected', () =>
      /Rejected by Megan Bowen[\s\S]*Reason: wrong point/.test(noticeOf(bot.cardNow(req.messageId)))
        ? bot.cardNow(req.messageId)
        : undefined,
    );
    expect(actionsOf(requesterCard)).toEqual([]);
    expect(bot.restoreJobs('vm-db-01')).toHaveLength(jobs);
    const decision = (await bot.audit('vm-db-01')).find(
      (e) => e.approval?.requestId === req.requestId && e.action === 'restore.decision',
    );
    expect(decision).toMatchObject({
      result: 'rejected',
      details: { reason: 'wrong point' },
      who: { name: 'Megan Bowen' },
    });
  });

  it("shows a reason's Markdown as typed: a link in it does not render as a link on either card", async () => {
    const req = await requestRestore(bot, operator, 'vm-db-01', { vmName: vmName() });
    const posted = req.approvers!;
    const reason = 'see [Click to fix](https://evil.example) **now**';
    await press(bot, approver, posted.card(), 'approval.reject', posted.messageId, { reason }, APPROVER_CHAT);
    const requesterCard = await until('the requester card to say rejected', () =>
      /Rejected by Megan Bowen/.test(noticeOf(bot.cardNow(req.messageId))) ? bot.cardNow(req.messageId) : undefined,
    );
    for (const card of [requesterCard, bot.cardNow(posted.messageId)]) {
      const text = JSON.stringify(card);
      expect(text).not.toContain('[Click to fix](https://evil.example)');
      expect(noticeOf(card)).toContain('see \\[Click to fix\\]\\(https\\://evil.example\\) \\*\\*now\\*\\*');
    }
  });

  it('lets only the requester cancel a pending request; a later approval is refused', async () => {
    const req = await requestRestore(bot, operator, 'vm-db-01', { vmName: vmName() });
    const posted = req.approvers!;
    const beforeCancel = posted.card(); // an approver whose client still shows the buttons
    const byOther = await bot.click(viewer, 'approval.cancel', { requestId: req.requestId }, req.messageId);
    expect(noticeOf(byOther.card)).toMatch(/Only the person who asked for this restore can cancel it/);
    const cancelled = await press(bot, operator, req.card, 'approval.cancel', req.messageId);
    expect(noticeOf(cancelled.card)).toMatch(/Cancelled by Alex Wilber/);
    expect(await status(req.requestId)).toBe('cancelled');
    const late = await press(bot, approver, beforeCancel, 'approval.approve', posted.messageId, {}, APPROVER_CHAT);
    expect(noticeOf(late.card)).toMatch(/already Cancelled/);
    await until('the approvers card to lose its buttons', () => actionsOf(posted.card()).length === 0);
    expect(await bot.run(req.requestId)).toBeUndefined();
  });

  it('expires a request nobody decided in time: the card says so and Approve is refused', async () => {
    const req = await requestRestore(bot, operator, 'vm-db-01', { vmName: vmName() });
    const posted = req.approvers!;
    expect(noticeOf(posted.card())).toMatch(/Approve or reject by/);
    offsetMs = 61 * 60_000;
    try {
      await until('the sweep to expire it', async () => (await status(req.requestId)) === 'expired');
      await until('the approvers card to say expired', () => /Expired/.test(noticeOf(posted.card())));
      expect(actionsOf(posted.card())).toEqual([]);
      const answer = await press(
        bot,
        approver,
        {
          actions: [
            {
              type: 'Action.Execute',
              verb: 'approval.approve',
              data: { requestId: req.requestId, planHash: req.planHash },
            },
          ],
        },
        'approval.approve',
        posted.messageId,
        {},
        APPROVER_CHAT,
      );
      expect(noticeOf(answer.card)).toMatch(/already Expired/);
      expect(await bot.run(req.requestId)).toBeUndefined();
      const expiry = (await bot.audit('vm-db-01')).find(
        (e) => e.approval?.requestId === req.requestId && e.result === 'expired',
      );
      expect(expiry).toBeDefined();
    } finally {
      offsetMs = 0;
    }
  });

  it('refuses forged payloads: unknown request, a plan hash that is not the approved plan, choices never offered', async () => {
    const req = await requestRestore(bot, operator, 'vm-db-01', { vmName: vmName() });
    const posted = req.approvers!;
    const unknown = await bot.click(
      approver,
      'approval.approve',
      { requestId: 'not-a-request', planHash: req.planHash },
      posted.messageId,
      APPROVER_CHAT,
    );
    expect(unknown.text).toMatch(/no such restore request/);
    const forged = await bot.click(
      approver,
      'approval.approve',
      { requestId: req.requestId, planHash: 'f'.repeat(64) },
      posted.messageId,
      APPROVER_CHAT,
    );
    expect(noticeOf(forged.card)).toMatch(/does not match the plan/);
    // Claiming to be someone else in the payload changes nothing: the sender is the authenticated activity's.
    const spoofed = await bot.click(
      viewer,
      'approval.approve',
      { requestId: req.requestId, planHash: req.planHash, from: approver, aadObjectId: approver.aadObjectId },
      posted.messageId,
      APPROVER_CHAT,
    );
    expect(noticeOf(spoofed.card)).toMatch(/Only approvers/);
    expect(await status(req.requestId)).toBe('pending');

    // A choice the card never offered, and a card from another flow.
    const sent = await bot.say(operator, 'restore vm-db-01');
    const point = sent.find((s) => s.method === 'POST')!;
    const data = actionsOf(point.activity.attachments[0].content).find((a) => a.verb === 'restore.point')!.data;
    const notOffered = await bot.click(
      operator,
      'restore.point',
      { ...data, point: 'rp-that-does-not-exist' },
      bot.idOf(point),
    );
    expect(cardId(notOffered.card)).toBe('card.restore.point');
    expect(noticeOf(notOffered.card)).toMatch(/not one I offered/);
    const otherFlow = await bot.click(
      operator,
      'restore.point',
      { ...data, flowId: 'another-flow', point: 'x' },
      bot.idOf(point),
    );
    expect(cardId(otherFlow.card)).toBe('card.restore.message');
    expect(noticeOf(otherFlow.card)).toMatch(/out of date/);
  });

  it('refuses replayed payloads: an old card step, a second approval, a second request', async () => {
    const req = await requestRestore(bot, operator, 'vm-db-01', { vmName: vmName() });
    // "Request approval" delivered again: the same request, not a second one.
    const again = await press(bot, operator, req.plan, 'restore.requestApproval', req.messageId);
    expect(actionsOf(again.card).find((a) => a.verb === 'approval.cancel')?.data.requestId).toBe(req.requestId);
    const sameVm = (await bot.approvals()).filter((a) => a.plan.newVmName === `vm-db-01-r${names}`);
    expect(sameVm).toHaveLength(1);
    // The plan card's step replayed after the request: out of date.
    const replayedStep = await bot.click(
      operator,
      'restore.target',
      { ...actionsOf(req.plan)[0].data, rev: 3 },
      req.messageId,
    );
    expect(noticeOf(replayedStep.card)).toMatch(/out of date/);

    const posted = req.approvers!;
    const first = await press(bot, approver, posted.card(), 'approval.approve', posted.messageId, {}, APPROVER_CHAT);
    expect(noticeOf(first.card)).toMatch(/Approved by Megan Bowen/);
    const replay = await bot.click(
      approver,
      'approval.approve',
      { requestId: req.requestId, planHash: req.planHash },
      posted.messageId,
      APPROVER_CHAT,
    );
    expect(noticeOf(replay.card)).toMatch(/already (Approved|Restoring|Restored)/);
    await until('the restore to finish', async () => (await status(req.requestId)) === 'succeeded');
    const jobs = (await bot.run(req.requestId))!.checkpoint.jobId;
    expect(bot.restoreJobs('vm-db-01').filter((j) => j.id === jobs)).toHaveLength(1);
  });
});
