import { loadConfig, SANDBOX_TENANT_ID } from '../../src/config';
import { readSeed } from '../../src/sandbox/world/load';
import { tenantAllowed } from '../../src/bot/tenantGuard';
import { cardAction, cardIdOf, message, startTestBot, TENANT_ID, type TestBot } from '../support/bot';

const OTHER = '99999999-9999-4999-8999-999999999999';

/** An activity as it arrives from a user of another tenant (both places Teams puts the tenant). */
const fromTenant = (activity: Record<string, any>, tenantId: string | undefined) => ({
  ...activity,
  conversation: { ...activity.conversation, tenantId },
  channelData: { tenant: { id: tenantId } },
});

describe('tenant allow-list (configuration)', () => {
  it('lets the sandbox world\u2019s tenant (the Playground\u2019s) in by default in sandbox mode', () => {
    expect(readSeed().tenantId).toBe(SANDBOX_TENANT_ID);
    expect(loadConfig({}).access.allowedTenantIds).toEqual([SANDBOX_TENANT_ID]);
  });

  it('lets only the configured tenants in, compared case-insensitively, and no activity without a tenant', () => {
    expect(tenantAllowed([TENANT_ID], TENANT_ID.toUpperCase())).toBe(true);
    expect(tenantAllowed([TENANT_ID], OTHER)).toBe(false);
    expect(tenantAllowed([TENANT_ID], undefined)).toBe(false);
    expect(loadConfig({ ALLOWED_TENANT_IDS: OTHER }).access.allowedTenantIds).toEqual([OTHER]);
  });
});

describe('activities from other tenants (real startBot)', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(() => t.close());

  it('answers a message from another tenant with the refusal, runs nothing, and logs it', async () => {
    const sent = await t.send(fromTenant(message('restore vm-app-01', { serviceUrl: t.connector.url }), OTHER));
    expect(sent).toHaveLength(1);
    expect(sent[0].activity.text).toMatch(/only its own organization's tenant/);
    expect(cardIdOf(sent[0])).toBeUndefined();
    const lines = t.logs.lines();
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'tenant refused', tenantId: OTHER }));
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'turn', intent: 'tenant', outcome: 'refused' }));
    expect(await t.bot.store.records('restore-flows').list()).toEqual([]);
  });

  it('refuses an activity that names no tenant', async () => {
    const sent = await t.send(fromTenant(message('help', { serviceUrl: t.connector.url }), undefined));
    expect(sent.map((s) => s.activity.text)).toEqual([expect.stringMatching(/only its own organization's tenant/)]);
  });

  it('answers a card click from another tenant on the card itself, and a help from the own tenant still works', async () => {
    const click = fromTenant(cardAction('language.set', { language: 'zh-TW' }, { serviceUrl: t.connector.url }), OTHER);
    const res = await t.post(click);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({
      type: 'application/vnd.microsoft.activity.message',
      value: expect.stringMatching(/tenant/),
    });
    const own = await t.send(message('help', { serviceUrl: t.connector.url }));
    expect(cardIdOf(own[0])).toBe('card.help');
  });

  it('answers any other invoke from another tenant with 403, and ignores a conversation update', async () => {
    const invoke = {
      ...fromTenant(message('x', { serviceUrl: t.connector.url }), OTHER),
      type: 'invoke',
      name: 'task/fetch',
    };
    expect((await t.post(invoke)).status).toBe(403);
    const before = t.connector.sent.length;
    const update = {
      ...fromTenant(message('x', { serviceUrl: t.connector.url }), OTHER),
      type: 'conversationUpdate',
      membersAdded: [{ id: 'user-id-0' }],
    };
    expect((await t.post(update)).status).toBeLessThan(300);
    expect(t.connector.sent.length).toBe(before);
  });
});
