import { cardId } from '../../../src/cards/render';
import { botAdded, cardOf, installed, message, textsOf } from '../../support/bot';
import { startTestAzure, type TestAzure } from '../../support/azure';
import { approverCard, requestRestore } from './flow';
import { approver, operator, startRestoreBot, until, type RestoreBot } from './restoreBot';

const isApproval = (s: { activity: Record<string, any> }) => cardId(cardOf(s)) === 'card.approval.request';

/**
 * Issue 20, blocker 1: a request reaches an approver who has never typed. Without APPROVERS_CONVERSATION_ID the bot
 * remembers an approver's personal chat from the moment it meets them (install, conversationUpdate, welcome), never a
 * group chat or the requester's own chat, and the requester's card says whom the request waits for.
 */
describe('approval reaches an approver who has not typed', () => {
  let bot: RestoreBot | undefined;
  let azure: TestAzure;
  beforeAll(async () => {
    azure = await startTestAzure();
  });
  afterAll(() => azure.close());
  afterEach(async () => {
    await bot?.close();
    bot = undefined;
  });

  it('delivers a waiting request when the approver opens the chat, and tells the requester whom it waits for', async () => {
    bot = await startRestoreBot({ azure });
    const req = await requestRestore(bot, operator, 'vm-db-01', { vmName: 'vm-db-01-welcome' });
    expect(req.approvers).toBeUndefined();
    expect(textsOf(req.card).join('\n')).toMatch(/has not reached an approver/);

    // The approver's Playground (or Teams) opens the personal chat: a conversationUpdate with the bot added. Nobody types.
    await bot.send(botAdded, approver);
    const posted = await until('the approval card in the approver chat', () =>
      bot!.connector.to('personal-user-id-1').find(isApproval),
    );
    const inApproverChat = bot.connector.to('personal-user-id-1').map((s) => cardId(cardOf(s)));
    // Welcome first, then the request.
    expect(inApproverChat).toContain('card.welcome');
    expect(inApproverChat.indexOf('card.welcome')).toBeLessThan(inApproverChat.indexOf('card.approval.request'));
    expect(cardOf(posted)!.actions.map((a: any) => a.verb)).toEqual(['approval.approve', 'approval.reject']);

    // The requester's card is edited in place: it no longer says the request is stuck.
    const requesterNow = await until('the requester card edited', () => {
      const texts = textsOf(bot!.cardNow(req.messageId)).join('\n');
      return /Waiting for Megan Bowen/.test(texts) ? texts : undefined;
    });
    expect(requesterNow).not.toMatch(/has not reached an approver/);
    expect((await bot.approvals())[0].deliveredTo).toEqual({ kind: 'person', name: 'Megan Bowen' });
  });

  it('posts at request time to an approver met earlier by installation, and says so on the answer', async () => {
    bot = await startRestoreBot({ azure });
    await bot.send(installed, approver);
    const req = await requestRestore(bot, operator, 'vm-db-01', { vmName: 'vm-db-01-installed' });
    expect(req.approvers).toBeDefined();
    const texts = textsOf(req.card).join('\n');
    expect(texts).toMatch(/Waiting for Megan Bowen: the request is in their chat with me\./);
    expect(texts).not.toMatch(/has not reached an approver/);
  });

  it('never posts into a group chat where an approver talked', async () => {
    bot = await startRestoreBot({ azure });
    await bot.send((o) => message('help', o), approver, {
      conversationId: 'group-chat-on-call',
      conversationType: 'groupChat',
    });
    const req = await requestRestore(bot, operator, 'vm-db-01', { vmName: 'vm-db-01-group' });
    expect(req.approvers).toBeUndefined();
    expect(textsOf(req.card).join('\n')).toMatch(/has not reached an approver/);
    expect(bot.connector.to('group-chat-on-call').some(isApproval)).toBe(false);
    // A message in the group chat again does not deliver it either.
    await bot.send((o) => message('hi', o), approver, {
      conversationId: 'group-chat-on-call',
      conversationType: 'groupChat',
    });
    expect(bot.connector.sent.some(isApproval)).toBe(false);
  });

  it("never posts a request into the requester's own chat, even when the requester is an approver", async () => {
    bot = await startRestoreBot({ azure });
    // Megan is an approver and an operator: her chat is known, and she asks for a restore herself.
    await bot.send(botAdded, approver);
    const req = await requestRestore(bot, approver, 'vm-db-01', { vmName: 'vm-db-01-own' });
    expect(approverCard(bot)).toBeUndefined();
    expect(textsOf(req.card).join('\n')).toMatch(/has not reached an approver/);
    expect((await bot.approvals())[0].cards.approvers).toBeUndefined();
  });
});
