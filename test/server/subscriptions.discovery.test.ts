import { startTestBot, type TestBot } from '../support/bot';

/**
 * Issue 17: with neither AZURE_SUBSCRIPTION_IDS nor AZURE_SUBSCRIPTION_ID the bot manages every subscription its
 * identity can read (GET /subscriptions). Its own file: one sandbox per process (managed-identity tokens are cached).
 */
describe('start-up with no subscription setting', () => {
  let t: TestBot;
  beforeAll(async () => {
    // Neither AZURE_SUBSCRIPTION_IDS nor AZURE_SUBSCRIPTION_ID: every subscription the identity can read.
    t = await startTestBot({ AZURE_SUBSCRIPTION_IDS: '' });
  });
  afterAll(() => t.close());

  it('manages every subscription its identity can read, and never Contoso Restricted', () => {
    const managing = t.logs.lines().find((l) => /^managing \d+ subscription/.test(l.msg));
    expect(managing?.msg).toBe('managing 3 subscription(s)');
    expect(managing?.subscriptions.map((s: { name: string }) => s.name)).toEqual([
      'Sandbox Production',
      'Contoso Finance',
      'Contoso Research',
    ]);
    expect(t.logs.lines().filter((l) => /cannot read/.test(l.msg))).toEqual([]);
  });
});
