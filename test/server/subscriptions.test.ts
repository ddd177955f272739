import { cardOf, message, startTestBot, textsOf, type TestBot } from '../support/bot';

const PRIMARY = '22222222-2222-4222-8222-222222222222';
const FINANCE = '22222222-2222-4222-8222-222222222223';
const RESTRICTED = '22222222-2222-4222-8222-222222222225';

/**
 * The composition root with several subscriptions (issue 17): AZURE_SUBSCRIPTION_IDS as an operator sets it, one
 * of them the identity cannot read. Start-up logs which it manages and warns once about the other; the help card names
 * them; /healthz stays ok (issue 15: no detail there).
 */
describe('start-up with AZURE_SUBSCRIPTION_IDS', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot({ AZURE_SUBSCRIPTION_IDS: [PRIMARY, FINANCE, RESTRICTED].join(',') });
  });
  afterAll(() => t.close());

  it('logs the managed subscriptions by name, and warns once about the one it cannot read', () => {
    const lines = t.logs.lines();
    const managing = lines.filter((l) => /^managing \d+ subscription/.test(l.msg));
    expect(managing).toHaveLength(1);
    expect(managing[0].msg).toBe('managing 2 subscription(s)');
    expect(managing[0].subscriptions).toEqual([
      { id: PRIMARY, name: 'Sandbox Production', readable: true },
      { id: FINANCE, name: 'Contoso Finance', readable: true },
      { id: RESTRICTED, name: RESTRICTED, readable: false },
    ]);
    const warned = lines.filter((l) => /cannot read/.test(l.msg));
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ level: 40, subscriptions: [RESTRICTED] });
  });

  it('the help card names them, in English and in Traditional Chinese', async () => {
    const o = { serviceUrl: t.connector.url, conversationId: 'subs-help' };
    const en = textsOf(cardOf((await t.send(message('help', o))).find((s) => cardOf(s)))).join('\n');
    expect(en).toMatch(/^Subscriptions I manage: Sandbox Production, Contoso Finance\.$/m);
    expect(en).toContain(`my identity cannot read them (nothing is listed from them): ${RESTRICTED}.`);
    const zh = textsOf(cardOf((await t.send(message('說明', { ...o, locale: 'zh-TW' }))).find((s) => cardOf(s)))).join(
      '\n',
    );
    expect(zh).toMatch(/^我管理的訂用帳戶：Sandbox Production, Contoso Finance。$/m);
    expect(zh).toContain(`無法讀取的訂用帳戶 (不會列出其中任何資源)：${RESTRICTED}。`);
  });

  it('/healthz still answers ok, with no detail', async () => {
    const res = await fetch(`${t.bot.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).not.toMatch(/subscription|Contoso/i);
  });
});
