import { RateLimiter } from '../../src/bot/rateLimit';
import { loadConfig } from '../../src/config';
import { cardAction, cardIdOf, message, SANDBOX_USERS, startTestBot, type TestBot } from '../support/bot';

describe('RateLimiter (token bucket per user)', () => {
  it('allows `requests` per window, then says how long until the next, refilling over the window', () => {
    let now = 0;
    const limiter = new RateLimiter({ requests: 2, windowMinutes: 10 }, () => now);
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterMs: 5 * 60_000 });
    expect(limiter.take('b')).toEqual({ allowed: true });
    now = 5 * 60_000;
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a').allowed).toBe(false);
    now = 60 * 60_000;
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a').allowed).toBe(false);
  });

  it('defaults to 5 requests per 10 minutes (and 10 refusals recorded per user and window)', () => {
    expect(loadConfig({}).rateLimit).toEqual({ requests: 5, windowMinutes: 10, refused: 10 });
  });
});

describe('rate limit on commands that start requests (real startBot)', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot({ RATE_LIMIT_REQUESTS: '2', RATE_LIMIT_WINDOW_MINUTES: '10' });
  });
  afterAll(() => t.close());

  const say = (text: string, user = SANDBOX_USERS.operator) =>
    t.send(message(text, { serviceUrl: t.connector.url, user, conversationId: `rl-${user.id}` }));

  it('lets an operator start 2 restores, then answers the 3rd with the limit and when to retry', async () => {
    expect(cardIdOf((await say('restore'))[0])).toMatch(/^card\.restore\./);
    expect(cardIdOf((await say('restore vm-app-01'))[0])).toMatch(/^card\.restore\./);
    const third = await say('restore vm-app-01');
    expect(third).toHaveLength(1);
    expect(third[0].activity.text).toMatch(/2 requests .* last 10 minutes.*try again in 5 minute/);
    expect(t.logs.lines()).toContainEqual(
      expect.objectContaining({ msg: 'turn', intent: 'restore', outcome: 'refused' }),
    );
  });

  it('counts grants against the same bucket (typed and from a card button), per user', async () => {
    expect((await say('grant access'))[0].activity.text).toMatch(/try again/);
    const click = await t.post(
      cardAction('grantAccess.start', {}, { serviceUrl: t.connector.url, conversationId: 'rl-user-id-0' }),
    );
    expect(JSON.parse(click.text).value).toMatch(/try again/);
    // Another user has a bucket of their own; commands that start nothing are not limited.
    expect(cardIdOf((await say('restore', SANDBOX_USERS.approver))[0])).toMatch(/^card\.restore\./);
    expect(cardIdOf((await say('help'))[0])).toBe('card.help');
  });
});
