import { FakeConnector, message, startTestBot, type TestBot } from '../support/bot';

/**
 * The adapter keeps one Bot Connector client per service URL across turns (turn cost, issue 17): replies still go to
 * the service URL of the turn that caused them, whichever URL the previous turn came from.
 */
describe('Bot Connector clients reused across turns', () => {
  let bot: TestBot;
  let other: FakeConnector;
  beforeAll(async () => {
    bot = await startTestBot();
    other = await new FakeConnector().start();
  });
  afterAll(async () => {
    await other.close();
    await bot.close();
  });

  it('answers each turn on its own service URL, turns alternating between two', async () => {
    const urls = [bot.connector.url, other.url, bot.connector.url, other.url];
    for (const [i, serviceUrl] of urls.entries()) {
      const status = (await bot.post(message('help', { serviceUrl, conversationId: `cache-${i}` }))).status;
      expect(status).toBeLessThan(300);
    }
    const to = (c: FakeConnector) =>
      [...new Set(c.sent.map((s) => s.conversationId))].filter((id) => id.startsWith('cache-'));
    expect(to(bot.connector).sort()).toEqual(['cache-0', 'cache-2']);
    expect(to(other).sort()).toEqual(['cache-1', 'cache-3']);
  });
});
