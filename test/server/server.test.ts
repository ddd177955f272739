import { cardIdOf, message, startTestBot, type TestBot } from '../support/bot';

// The real composition (startBot: store, sandbox Azure, Application, express) on an ephemeral port, with a local
// stand-in for the Bot Connector at the activities' serviceUrl.
describe('HTTP server, anonymous (sandbox mode)', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(() => t.close());

  it('answers a Teams message "help" with the help card, sent to the Bot Connector as a reply', async () => {
    const activity = message('help', { serviceUrl: t.connector.url });
    const sent = await t.send(activity);
    expect(sent).toHaveLength(1);
    expect(sent[0].method).toBe('POST');
    expect(sent[0].replyToId).toBe(activity.id);
    expect(cardIdOf(sent[0])).toBe('card.help');
  });

  it.each([
    ['malformed JSON', '{"type": "message", '],
    ['a JSON array', '[1, 2, 3]'],
    ['an object that is not an activity', '{"hello": "world"}'],
    ['an empty body', ''],
  ])('answers %s with 400 and keeps serving', async (_case, body) => {
    const res = await t.post(body);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toMatchObject({ error: 'BadRequest' });
    const sent = await t.send(message('help', { serviceUrl: t.connector.url }));
    expect(cardIdOf(sent[0])).toBe('card.help');
  });

  it('answers /healthz with ok or degraded only, and logs mode, version, store and the Azure identity', async () => {
    const res = await fetch(`${t.bot.url}/healthz`);
    expect(res.status).toBe(200);
    // Unauthenticated: no object ids, no identity error text.
    expect(await res.json()).toEqual({ status: 'ok' });
    const logged = t.logs.lines().find((l) => l.msg === 'health');
    expect(logged?.health).toMatchObject({
      status: 'ok',
      mode: 'sandbox',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      store: { state: 'ok' },
      azure: { identity: { state: 'approved' } },
    });
  });

  it('logs one line per turn with activity, conversation, user, intent, outcome and duration, but no text', async () => {
    const activity = message('language en my-secret-word', { serviceUrl: t.connector.url });
    await t.send(activity);
    const turns = t.logs.lines().filter((l) => l.msg === 'turn' && l.activityId === activity.id);
    expect(turns).toHaveLength(1);
    expect(turns[0]).toMatchObject({
      type: 'message',
      conversationId: activity.conversation.id,
      user: activity.from.aadObjectId,
      intent: 'language',
      outcome: 'ok',
      durationMs: expect.any(Number),
    });
    expect(t.logs.raw()).not.toContain('my-secret-word');
  });
});

describe('HTTP server with a Bot Framework app id', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot({
      BOT_APP_ID: '9c2a6f0e-3f55-4a57-9d0b-6c1c4d8e2a10',
      BOT_APP_PASSWORD: 'not-a-real-password',
      BOT_APP_TYPE: 'SingleTenant',
      BOT_TENANT_ID: '11111111-1111-4111-8111-111111111111',
    });
  });
  afterAll(() => t.close());

  // botbuilder reports the refused request with console.error; keep test output readable.
  beforeEach(() => jest.spyOn(console, 'error').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it.each<[string, Record<string, string>]>([
    ['no Authorization header', {}],
    ['a bearer token the Bot Framework did not issue', { authorization: `Bearer ${forgedToken()}` }],
  ])('answers 401 to a request with %s, and no handler runs', async (_case, headers) => {
    const activity = message('help', { serviceUrl: t.connector.url });
    const res = await t.post(activity, headers);
    expect(res.status).toBe(401);
    expect(t.connector.sent).toHaveLength(0);
    expect(t.logs.lines().filter((l) => l.msg === 'turn')).toHaveLength(0);
    expect(t.logs.raw()).not.toContain('not-a-real-password');
    if (headers.authorization) expect(t.logs.raw()).not.toContain(headers.authorization.slice(7));
  });

  it('still serves /healthz', async () => {
    expect((await fetch(`${t.bot.url}/healthz`)).status).toBe(200);
  });
});

/**
 * A well-formed JWT for the bot's app id from an issuer that is not the Bot Framework. (A token naming the Bot
 * Framework issuer makes botbuilder fetch its OpenID metadata first, which this offline test cannot reach.)
 */
function forgedToken(): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const claims = { iss: 'https://issuer.example', aud: '9c2a6f0e-3f55-4a57-9d0b-6c1c4d8e2a10', exp: 4102444800 };
  return `${part({ alg: 'RS256', typ: 'JWT', kid: 'k1' })}.${part(claims)}.c2lnbmF0dXJl`;
}
