import type { ApprovalRecord } from '../../../src/bot/approvals/types';
import { cardId } from '../../../src/cards/render';
import { cardOf, textsOf } from '../../support/bot';
import { requestRestore } from './flow';
import { startTestAzure, type TestAzure } from '../../support/azure';
import { approver, operator, startRestoreBot, until, type RestoreBot } from './restoreBot';

/** Where approval cards go: the configured approvers' conversation, else where an approver last talked to the bot. */
describe('approval card delivery', () => {
  let bot: RestoreBot | undefined;
  // One sandbox for the file: the managed-identity client caches tokens per process, and a second sandbox would not
  // accept the first one's.
  let azure: TestAzure;
  beforeAll(async () => {
    azure = await startTestAzure();
  });
  afterAll(() => azure.close());
  afterEach(async () => {
    await bot?.close();
    bot = undefined;
  });

  it('holds a request while no approver is known, and posts it when an approver talks to the bot', async () => {
    bot = await startRestoreBot({ azure });
    const req = await requestRestore(bot, operator, 'vm-db-01', { vmName: 'vm-db-01-held' });
    expect(req.approvers).toBeUndefined();
    expect(textsOf(req.card).join('\n')).toMatch(/No approvers' conversation is known yet/);
    await bot.say(approver, 'hi');
    const posted = await until('the approval card in the approver chat', () =>
      bot!.connector.to('personal-user-id-1').find((s) => cardId(cardOf(s)) === 'card.approval.request'),
    );
    const buttons = cardOf(posted)!.actions.map((x: any) => x.verb);
    expect(buttons).toEqual(['approval.approve', 'approval.reject']);
    expect(cardOf(posted)!.refresh).toMatchObject({ action: { verb: 'approval.refresh' }, userIds: ['user-id-1'] });
  });

  it("reaches an approver when the replica that claimed the approvers' copy died before posting it", async () => {
    bot = await startRestoreBot({ azure });
    const req = await requestRestore(bot, operator, 'vm-db-01', { vmName: 'vm-db-01-orphan' });
    const records = bot.store.signed<ApprovalRecord>('restore-approvals');
    // A replica claimed the slot (compare-and-set), then died before the post: a claim with no message id.
    const claimed = (minutesAgo: number) =>
      records.update(req.requestId, (cur) =>
        cur
          ? {
              ...cur,
              cards: {
                ...cur.cards,
                approvers: {
                  reference: { conversation: { id: 'personal-user-id-1' } as any },
                  claimedAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
                },
              },
            }
          : undefined,
      );
    const approvalCards = () =>
      bot!.connector.to('personal-user-id-1').filter((s) => cardId(cardOf(s)) === 'card.approval.request');

    // A claim a minute old may still be posting: meeting an approver does not post a second copy.
    await claimed(1);
    await bot.say(approver, 'hi');
    expect(approvalCards()).toHaveLength(0);

    // Ten minutes on, the claim has lapsed: the next meeting posts it, once, and the request keeps its message id.
    await claimed(10);
    await bot.say(approver, 'hello again');
    await until('the approval card in the approver chat', () => approvalCards().length === 1);
    const stored = (await records.get(req.requestId))!.value;
    expect(stored.cards.approvers?.activityId).toBeDefined();
    await bot.say(approver, 'and again');
    expect(approvalCards()).toHaveLength(1);
  });

  it('posts to APPROVERS_CONVERSATION_ID when configured', async () => {
    bot = await startRestoreBot({ azure, approversConversationId: '19:approvers@thread.tacv2' });
    await bot.say(approver, 'hi');
    await requestRestore(bot, operator, 'vm-db-01', { vmName: 'vm-db-01-channel' });
    const posted = bot.connector.to('19:approvers@thread.tacv2');
    expect(posted.map((s) => cardId(cardOf(s)))).toEqual(['card.approval.request']);
    expect(bot.connector.to('personal-user-id-1').some((s) => cardId(cardOf(s)) === 'card.approval.request')).toBe(
      false,
    );
  });

  it('answers the refresh invoke with the viewer-specific card, sending the invoke response itself', async () => {
    bot = await startRestoreBot({ azure });
    await bot.say(approver, 'hi');
    const req = await requestRestore(bot, operator, 'vm-db-01', { vmName: 'vm-db-01-refresh' });
    const putsBefore = bot.connector.sent.filter((s) => s.method === 'PUT').length;
    const asApprover = await bot.click(
      approver,
      'approval.refresh',
      { requestId: req.requestId },
      req.approvers!.messageId,
      'personal-user-id-1',
    );
    expect(asApprover.card!.actions.map((x: any) => x.verb)).toEqual(['approval.approve', 'approval.reject']);
    expect(asApprover.card!.refresh).toBeDefined();
    const asRequester = await bot.click(
      operator,
      'approval.refresh',
      { requestId: req.requestId },
      req.approvers!.messageId,
      'personal-user-id-1',
    );
    expect(asRequester.card!.actions.map((x: any) => x.verb)).toEqual(['approval.cancel']);
    // No edit of the shared message: a refresh answers only the one who refreshed (teams-patterns.md quirk).
    expect(bot.connector.sent.filter((s) => s.method === 'PUT').length).toBe(putsBefore);
  });
});
