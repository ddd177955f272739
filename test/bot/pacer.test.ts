import { TeamsAdapter } from '@microsoft/teams-ai';
import { Messenger } from '../../src/bot/messenger';
import { Pacer, TEAMS_CONVERSATION_LIMITS } from '../../src/bot/pacer';
import { FakeConnector, captureLogs } from '../support/bot';

/** A clock the test moves; every send goes out as soon as the pacer allows. */
function paced(limits = TEAMS_CONVERSATION_LIMITS) {
  let now = 0;
  const pacer = new Pacer(limits, 0, () => now);
  const sendTimes: number[] = [];
  const send = (key = 'chat') => {
    now += pacer.wait(key);
    pacer.record(key);
    sendTimes.push(now);
  };
  return { pacer, sendTimes, send, at: (t: number) => (now = t) };
}

/** The most sends in any window of `ms` ending at a send. */
const busiest = (times: number[], ms: number) =>
  Math.max(...times.map((t) => times.filter((u) => u > t - ms && u <= t).length));

describe('pacing sends to one conversation within Teams limits', () => {
  it('lets 7 sends go at once, then holds the 8th until the first leaves the 1-second window', () => {
    const p = paced();
    for (let i = 0; i < 7; i++) p.send();
    expect(p.sendTimes).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(p.pacer.wait('chat')).toBe(1000);
    expect(p.pacer.wait('another chat')).toBe(0);
  });

  it.each([
    [1_000, 7],
    [2_000, 8],
    [30_000, 60],
    [3_600_000, 1_800],
  ])('a burst of 2,000 sends never has more than the limit in any %i ms', (windowMs, max) => {
    const p = paced();
    for (let i = 0; i < 2_000; i++) p.send();
    expect(busiest(p.sendTimes, windowMs)).toBeLessThanOrEqual(max);
    // And not slower than the limits make it: the 1,801st send waits for the hour.
    expect(p.sendTimes[1_799]).toBeLessThan(3_600_000);
    expect(p.sendTimes[1_800]).toBeGreaterThanOrEqual(3_600_000);
  });

  it('a quiet conversation sends at once again', () => {
    const p = paced();
    for (let i = 0; i < 8; i++) p.send();
    p.at(60_000);
    expect(p.pacer.wait('chat')).toBe(0);
  });
});

describe('the Messenger paces a burst of cards into one conversation', () => {
  const connector = new FakeConnector();
  beforeAll(() => connector.start());
  afterAll(() => connector.close());

  it('posts 12 cards with at most 7 in any second and at most 8 in any 2 seconds, in order', async () => {
    const arrivals: number[] = [];
    const messenger = new Messenger(new TeamsAdapter({}), '', captureLogs().logger, { pacer: new Pacer() });
    const reference = {
      serviceUrl: connector.url,
      channelId: 'msteams',
      conversation: { id: 'burst-chat', isGroup: true, conversationType: 'channel', name: '' },
      bot: { id: '28:bot', name: 'bot' },
    };
    const cards = Array.from({ length: 12 }, (_, i) => ({
      type: 'AdaptiveCard' as const,
      version: '1.5',
      body: [{ type: 'TextBlock', text: `failure ${i}` }],
    }));
    const before = connector.sent.length;
    await Promise.all(
      cards.map((card) => messenger.sendCard(reference, card).then(() => arrivals.push(performance.now()))),
    );
    const texts = connector.sent.slice(before).map((s) => s.activity.attachments[0].content.body[0].text);
    expect(texts).toEqual(cards.map((_, i) => `failure ${i}`));
    expect(busiest(arrivals, 1_000)).toBeLessThanOrEqual(7);
    expect(busiest(arrivals, 2_000)).toBeLessThanOrEqual(8);
  }, 20_000);
});
