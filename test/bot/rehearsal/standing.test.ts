import { cardOf, textsOf } from '../../support/bot';
import { startTestAzure, type TestAzure } from '../../support/azure';
import type { RehearsalCheckpoint } from '../../../src/runs/rehearsalRun';
import type { StandingRehearsal } from '../../../src/bot/rehearsal/standing';
import type { SandboxUser } from '../../../src/sandboxUsers';
import { approver, operator, startRestoreBot, until, viewer, type RestoreBot } from '../approvals/restoreBot';

const DAY = 86_400_000;

/**
 * Standing rehearsals on the sandbox's controllable clock: asked for by one person, approved by another (the
 * two-person rule of restores), then monthly, at most N at once, revocable, expiring.
 */
describe('standing rehearsals', () => {
  let azure: TestAzure;
  let bot: RestoreBot;
  const now = () => azure.sandbox.engine.now();
  const month = () => new Date(now()).toISOString().slice(0, 7);
  beforeAll(async () => {
    azure = await startTestAzure();
    // Two approvers (Megan, and Lee as the second one), so that one can approve what the other asked for.
    bot = await startRestoreBot({
      azure,
      env: { APPROVER_IDS: `${approver.aadObjectId},${secondApprover.aadObjectId}` },
      rehearsal: { now, maxConcurrent: 1, days: 90, checkTimeoutMs: 2000 },
    });
    await bot.say(approver, 'help');
  });
  afterAll(async () => {
    await bot.close();
    await azure.close();
  });

  const secondApprover = viewer;
  let pendingId = '';
  const feature = () => bot.rehearsal!;
  const chat = (u: SandboxUser) => `personal-${u.id}`;
  /** The last card posted (not edited) to a person's chat, with its message id. */
  const lastCardIn = (u: SandboxUser) => {
    const posted = bot.connector.to(chat(u)).filter((x) => x.method !== 'PUT' && cardOf(x));
    const sent = posted[posted.length - 1];
    return { id: bot.idOf(sent), card: cardOf(sent)! };
  };
  const cardText = (card: Record<string, any> | undefined) => textsOf(card).join('\n');
  /** `rehearse monthly <scope>` typed by `who`; returns the request's id (from the approvers' card) and that card. */
  const requestStanding = async (who: SandboxUser, scope: string, decider: SandboxUser) => {
    // The decider talked to the bot last: their personal chat is where the approvers' card goes.
    await bot.say(decider, 'help');
    const reply = await say(who, `rehearse monthly ${scope}`);
    expect(reply).toMatch(new RegExp(`Standing rehearsal of .*${scope} requested: an approver other than you`));
    const posted = lastCardIn(decider);
    expect(cardText(posted.card)).toMatch(new RegExp(`Standing rehearsal request: ${scope}`));
    const approve = JSON.stringify(posted.card).match(/"requestId":"([^"]+)"/);
    return { requestId: approve![1], messageId: posted.id, card: posted.card };
  };
  const decide = (who: SandboxUser, verb: 'approve' | 'reject', requestId: string, messageId: string) =>
    bot.click(
      who,
      verb === 'approve' ? 'rehearsal.standingApprove' : 'rehearsal.standingReject',
      { requestId },
      messageId,
      chat(who),
    );
  const runOf = (standingId: string, vm: string) =>
    bot.runs.get<RehearsalCheckpoint>(`rehearsal:standing-${standingId}-${vm}-${month()}`);
  const ended = (standingId: string, vm: string) =>
    until(
      `the standing rehearsal of ${vm} to end`,
      async () => {
        const r = await runOf(standingId, vm);
        return r && r.status !== 'running' ? r : undefined;
      },
      30_000,
    );
  const runningRehearsals = async () =>
    (await bot.store.signed<{ kind: string; status: string }>('runs').list()).filter(
      (r) => r.value.kind === 'rehearsal' && r.value.status === 'running',
    ).length;
  const say = async (user: typeof operator, text: string) =>
    (await bot.say(user, text)).map((s) => s.activity.text ?? textsOf(cardOf(s)).join('\n')).join('\n');

  it('asking is not approving: the requester cannot approve their own request, and nothing starts', async () => {
    // Megan (an approver) asks: the request goes to another approver's chat, stating what will happen.
    const { requestId, card } = await requestStanding(approver, 'vm-db-01', secondApprover);
    pendingId = requestId;
    // The facts (a FactSet) as well as the text blocks.
    const text = `${cardText(card)}\n${JSON.stringify(card)}`;
    expect(text).toMatch(/the VM vm-db-01/);
    expect(text).toMatch(/Once a month for each VM it covers, at most 1 rehearsal at once/);
    expect(text).toMatch(/isolated network vnet-rehearsal/);
    expect(text).toMatch(/Clean-up/);
    expect(text).toMatch(/90 days from the approval/);
    expect(await feature().standing.active()).toEqual([]);
    // Her own Approve (the data of the approvers' card, from her chat): refused with the restore's answer.
    const mine = lastCardIn(approver);
    expect(cardText(mine.card)).toMatch(/Waiting for approval/);
    const refused = await decide(approver, 'approve', requestId, mine.id);
    expect(cardText(refused.card)).toMatch(/You can't approve or reject your own request/);
    expect(await feature().standing.active()).toEqual([]);
    expect((await feature().tick()).started).toEqual([]);
    expect((await feature().requests.get(requestId))?.status).toBe('pending');
    const audit = await bot.audit('vm-db-01');
    expect(audit.some((e) => e.action === 'rehearsal.standing' && e.result === 'requested')).toBe(true);
    expect(
      audit.some((e) => e.action === 'rehearsal.standing' && e.result === 'refused' && e.details?.refusal === 'self'),
    ).toBe(true);
  });

  it('approved by a second approver, it runs monthly without a new approval, once a month, on the sandbox clock', async () => {
    const request = (await feature().requests.get(pendingId))!;
    const approversCard = lastCardIn(secondApprover);
    const answer = await decide(secondApprover, 'approve', request.id, approversCard.id);
    expect(cardText(answer.card)).toMatch(
      /Standing rehearsal approved for vm-db-01: monthly, without a new approval each time/,
    );
    const [standing] = await feature().standing.active();
    expect(standing.scope).toEqual({ kind: 'vm', name: 'vm-db-01' });
    // Both people recorded: who asked, who approved.
    expect(standing.requestedBy?.aadObjectId).toBe(approver.aadObjectId);
    expect(standing.approvedBy.aadObjectId).toBe(secondApprover.aadObjectId);
    // The requester's card followed the decision.
    const mine = bot.connector.to(chat(approver)).filter((x) => x.method === 'PUT');
    expect(cardText(cardOf(mine[mine.length - 1]))).toMatch(/Approved: the standing rehearsal is active/);
    const first = await ended(standing.id, 'vm-db-01');
    expect(first.checkpoint).toMatchObject({ result: 'passed', standingId: standing.id });
    // The result went to the conversation it was approved in.
    await until('the result card', () =>
      bot.connector
        .to(`personal-${approver.id}`)
        .find((s) => /Rehearsal passed: vm-db-01/.test(textsOf(cardOf(s)).join('\n'))),
    );
    // Again this month: nothing new.
    expect((await feature().tick()).started).toEqual([]);
    // A month later on the sandbox clock: this month's rehearsal starts by itself.
    azure.sandbox.engine.advance(31 * DAY);
    const { started } = await feature().tick();
    expect(started).toEqual([`rehearsal:standing-${standing.id}-vm-db-01-${month()}`]);
    expect((await ended(standing.id, 'vm-db-01')).checkpoint.result).toBe('passed');
    // Shown by `rehearsals`, with who approved it and when it expires; audited.
    const list = await say(operator, 'rehearsals');
    expect(list).toMatch(/🔁 vm-db-01: monthly, approved by Lee Gu \(requested by Megan Bowen\), expires /);
    const audit = await bot.audit('vm-db-01');
    const approved = audit.find((e) => e.action === 'rehearsal.standing' && e.result === 'approved');
    expect(approved?.who.name).toBe('Lee Gu');
    expect(approved?.details?.requestedBy).toBe('Megan Bowen');
    expect(audit.filter((e) => e.action === 'rehearsal.run' && e.result === 'started')).toHaveLength(2);
  });

  it('a rejected request leaves no standing rehearsal', async () => {
    const { requestId, messageId } = await requestStanding(operator, 'rsv-prod-eastasia', secondApprover);
    const answer = await decide(secondApprover, 'reject', requestId, messageId);
    expect(cardText(answer.card)).toMatch(/Rejected/);
    expect((await feature().standing.active()).map((s) => s.scope.kind)).toEqual(['vm']);
    // Deciding again changes nothing.
    await decide(approver, 'approve', requestId, messageId);
    expect((await feature().standing.active()).map((s) => s.scope.kind)).toEqual(['vm']);
    const mine = bot.connector.to(chat(operator)).filter((x) => x.method === 'PUT');
    expect(cardText(cardOf(mine[mine.length - 1]))).toMatch(/Rejected by Lee Gu/);
    const audit = await bot.audit('rsv-prod-eastasia');
    expect(audit.some((e) => e.action === 'rehearsal.standing' && e.result === 'rejected')).toBe(true);
  });

  it('a vault-wide one respects the maximum at once, and a revoked one starts nothing more', async () => {
    // Alex (an operator) asks; Lee approves.
    const { requestId, messageId } = await requestStanding(operator, 'rsv-prod-eastasia', secondApprover);
    await decide(secondApprover, 'approve', requestId, messageId);
    const vaultWide = (await feature().standing.active()).find((s) => s.scope.kind === 'vault')!;
    expect(vaultWide).toBeDefined();
    await until('a rehearsal of the vault to start', async () => ((await runningRehearsals()) > 0 ? true : undefined));
    // One at a time (REHEARSAL_MAX_CONCURRENT=1): a tick while one runs starts none.
    expect((await feature().tick()).started).toEqual([]);
    expect(await runningRehearsals()).toBe(1);
    // Revoked from the `rehearsals` card's button.
    const list = (await bot.say(approver, 'rehearsals')).find((s) => cardOf(s))!;
    await bot.click(
      approver,
      'rehearsal.revoke',
      { standingId: vaultWide.id },
      bot.idOf(list),
      `personal-${approver.id}`,
    );
    expect((await feature().standing.active()).map((s) => s.scope.kind)).toEqual(['vm']);
    await until(
      'the running rehearsal to end',
      async () => ((await runningRehearsals()) === 0 ? true : undefined),
      30_000,
    );
    expect((await feature().tick()).started).toEqual([]);
    const audit = await bot.audit('rsv-prod-eastasia');
    expect(audit.some((e) => e.action === 'rehearsal.standing' && e.details?.revoked === 'true')).toBe(true);
  });

  it('expires after REHEARSAL_STANDING_DAYS: no rehearsal starts, the expiry is audited', async () => {
    // A request nobody decided expires too (as a restore request), and both its cards say so.
    const { requestId, messageId } = await requestStanding(operator, 'vm-agentdown-01', secondApprover);
    azure.sandbox.engine.advance(91 * DAY);
    expect((await feature().tick()).started).toEqual([]);
    expect((await feature().requests.get(requestId))?.status).toBe('expired');
    expect(cardText(bot.cardNow(messageId))).toMatch(/Expired/);
    expect(cardText((await decide(secondApprover, 'approve', requestId, messageId)).card)).toMatch(
      /This request is already Expired: nothing more was done/,
    );
    expect((await feature().standing.active()).some((s) => s.scope.name === 'vm-agentdown-01')).toBe(false);
    expect(
      (await bot.audit('vm-agentdown-01')).some((e) => e.action === 'rehearsal.standing' && e.result === 'expired'),
    ).toBe(true);
    expect(await feature().standing.active()).toEqual([]);
    const audit = await bot.audit('vm-db-01');
    expect(audit.some((e) => e.action === 'rehearsal.standing' && e.result === 'expired')).toBe(true);
    expect(await say(operator, 'rehearsals')).toMatch(/No standing rehearsal/);
  });

  it('a standing approval without a second person (an older record) authorises nothing', async () => {
    const at = new Date(now()).toISOString();
    const selfApproved: StandingRehearsal = {
      id: 'old-self-approved',
      scope: { kind: 'vm', name: 'vm-db-01' },
      approvedBy: { aadObjectId: approver.aadObjectId, name: approver.name },
      locale: 'en',
      createdAt: at,
      expiresAt: new Date(now() + 30 * DAY).toISOString(),
    };
    await bot.store.signed<StandingRehearsal>('rehearsal-standing').create(selfApproved.id, selfApproved);
    expect(await feature().standing.active()).toEqual([]);
    expect((await feature().tick()).started).toEqual([]);
  });
});
