import { cardId } from '../../src/cards/render';
import { cardOf, message, startTestBot, textsOf, type TestBot } from '../support/bot';

/**
 * Issue 20, point 6, through the real composition (startBot: the protect flows and the restore request together):
 * with a Check card and then a restore card open, a typo or a sentence acts on the restore card, the latest one —
 * not the older Check card — and `cancel` names both.
 */
describe('typed text while cards are open acts on the latest one', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot();
  });
  afterAll(() => bot.close());

  const say = async (text: string, conversationId: string) =>
    (await bot.send(message(text, { serviceUrl: bot.connector.url, conversationId }))).map(cardOf).filter(Boolean);

  it('a sentence after check then restore re-posts the restore card', async () => {
    expect(cardId((await say('check', 'latest-1'))[0])).toBe('card.check.vm');
    expect(cardId((await say('restore', 'latest-1'))[0])).toBe('card.restore.vm');
    const [again] = await say('hmm, which one is the database?', 'latest-1');
    expect(cardId(again)).toBe('card.restore.vm');
    expect(textsOf(again).join('\n')).toMatch(/I am waiting for your answer on this card/);
  });

  it('restore then check: the check card is the latest', async () => {
    await say('restore', 'latest-2');
    await say('check', 'latest-2');
    const [again] = await say('restor vm-db-01', 'latest-2');
    expect(cardId(again)).toBe('card.check.vm');
    expect(textsOf(again).join('\n')).toMatch(/Did you mean \*\*restore\*\*\?/);
  });

  it('cancel names every flow it ended', async () => {
    await say('check', 'latest-3');
    await say('restore', 'latest-3');
    const sent = await bot.send(message('cancel', { serviceUrl: bot.connector.url, conversationId: 'latest-3' }));
    expect(sent.map((s) => s.activity.text).join('\n')).toBe(
      'Cancelled the restore request and check. Nothing was changed.',
    );
  });
});
