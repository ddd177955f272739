import { cardId } from '../../../src/cards/render';
import { cardOf, textsOf, type SentActivity } from '../../support/bot';
import { startTestAzure, type TestAzure } from '../../support/azure';
import type { RehearsalCheckpoint } from '../../../src/runs/rehearsalRun';
import type { StandingRequest } from '../../../src/bot/rehearsal/standingRequests';
import type { SandboxUser } from '../../../src/sandboxUsers';
import { approver, operator, startRestoreBot, until, viewer, type RestoreBot } from '../approvals/restoreBot';

const isStandingCard = (s: SentActivity) => s.method !== 'PUT' && cardId(cardOf(s)) === 'card.rehearsal.standing';
const chat = (u: SandboxUser) => `personal-${u.id}`;
const text = (card: Record<string, any> | undefined) => textsOf(card).join('\n');

/**
 * A standing rehearsal request made while no approver other than the requester is reachable waits, as a restore
 * request does (issue 20, blocker 1): it is posted to the first other approver the bot meets, once (two replicas on
 * one store), never to the requester; the requester's card then says whom it waits for.
 */
describe('a standing rehearsal request reaches an approver met later', () => {
  let azure: TestAzure;
  let a: RestoreBot;
  let b: RestoreBot;
  const secondApprover = viewer;
  beforeAll(async () => {
    azure = await startTestAzure();
    const env = { APPROVER_IDS: `${approver.aadObjectId},${secondApprover.aadObjectId}` };
    const rehearsal = { now: () => azure.sandbox.engine.now(), maxConcurrent: 1, checkTimeoutMs: 2000 };
    // Two replicas on one store: each meets Lee at once, the request goes out once.
    a = await startRestoreBot({ azure, env, rehearsal });
    b = await startRestoreBot({ azure, env, rehearsal, sqlitePath: a.sqlitePath });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
    await azure.close();
  });

  it('is posted when the second approver first talks to the bot, and their approval makes the standing rehearsal', async () => {
    // Megan (an approver herself) asks while no other approver is known: her own chat never gets the approvers' card.
    const sent = await a.say(approver, 'rehearse monthly vm-db-01');
    const mine = sent.find(isStandingCard)!;
    expect(text(cardOf(mine))).toMatch(/has not reached an approver/);
    expect(a.connector.to(chat(approver)).filter(isStandingCard)).toHaveLength(1);
    expect(await a.rehearsal!.requests.deliverPending()).toBe(0);
    const [pending] = await requests();
    expect(pending.status).toBe('pending');
    expect(pending.cards.approvers).toBeUndefined();

    // Alex (an operator, not an approver) cannot decide it: the standing request's own answer, nothing changes.
    const alex = await a.say(operator, 'help');
    const refused = await a.click(
      operator,
      'rehearsal.standingApprove',
      { requestId: pending.id },
      a.idOf(alex[alex.length - 1]),
      chat(operator),
    );
    expect(text(refused.card)).toMatch(
      new RegExp(
        `Only approvers can approve or reject a standing rehearsal\\. Your Entra object id is ${operator.aadObjectId}`,
      ),
    );
    expect(text(refused.card)).not.toMatch(/approve or reject a restore/);
    expect(await a.rehearsal!.standing.active()).toEqual([]);
    expect(a.connector.to(chat(operator)).some(isStandingCard)).toBe(false);

    // Lee says anything to the bot for the first time, on both replicas at once.
    await Promise.all([a.say(secondApprover, 'hi'), b.say(secondApprover, 'hello')]);
    const posted = await until('the request card in Lee’s chat', () =>
      [...a.connector.to(chat(secondApprover)), ...b.connector.to(chat(secondApprover))].find(isStandingCard),
    );
    const card = cardOf(posted)!;
    expect(text(card)).toMatch(/Standing rehearsal request: vm-db-01/);
    expect(JSON.stringify(card)).toMatch(/"verb":"rehearsal.standingApprove"/);
    // Once: not again on either replica, whoever talks next or whatever restarts.
    await a.say(secondApprover, 'help');
    await b.say(approver, 'help');
    expect(await a.rehearsal!.requests.deliverPending()).toBe(0);
    expect(await b.rehearsal!.requests.deliverPending()).toBe(0);
    const lees = [...a.connector.to(chat(secondApprover)), ...b.connector.to(chat(secondApprover))];
    expect(lees.filter(isStandingCard)).toHaveLength(1);
    expect(a.connector.to(chat(approver)).filter(isStandingCard)).toHaveLength(1);

    // Megan's card now says whom it waits for.
    await until('the requester card edited', () =>
      /Waiting for Lee Gu/.test(text(a.cardNow(a.idOf(mine)))) ? true : undefined,
    );
    expect(text(a.cardNow(a.idOf(mine)))).not.toMatch(/has not reached an approver/);
    expect((await a.rehearsal!.requests.get(pending.id))?.deliveredTo).toEqual({ kind: 'person', name: 'Lee Gu' });

    // Lee approves from his chat: the standing rehearsal exists, with both people.
    const where = a.connector.sent.includes(posted) ? a : b;
    const answer = await where.click(
      secondApprover,
      'rehearsal.standingApprove',
      { requestId: pending.id },
      where.idOf(posted),
      chat(secondApprover),
    );
    expect(text(answer.card)).toMatch(/Standing rehearsal approved for vm-db-01/);
    const [standing] = await a.rehearsal!.standing.active();
    expect(standing).toMatchObject({
      scope: { kind: 'vm', name: 'vm-db-01' },
      requestedBy: { aadObjectId: approver.aadObjectId },
      approvedBy: { aadObjectId: secondApprover.aadObjectId },
    });
    // Its first rehearsal (started by the approval) ends before the bots stop.
    const month = new Date(azure.sandbox.engine.now()).toISOString().slice(0, 7);
    await until(
      'the first standing rehearsal to end',
      async () => {
        const run = await a.runs.get<RehearsalCheckpoint>(`rehearsal:standing-${standing.id}-vm-db-01-${month}`);
        return run && run.status !== 'running' ? run : undefined;
      },
      30_000,
    );
  });

  async function requests() {
    return (await a.store.signed<StandingRequest>('rehearsal-standing-requests').list()).map((r) => r.value);
  }
});
