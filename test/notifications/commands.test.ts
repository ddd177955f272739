import https from 'node:https';
import type { Subscription } from '../../src/notifications';
import {
  cardAction,
  cardIdOf,
  cardOf,
  message,
  SANDBOX_USERS,
  startTestBot,
  textsOf,
  type TestBot,
} from '../support/bot';

const VAULT = 'rsv-prod-eastasia';

// The chat side, through the real composition (startBot) and the sandbox: subscribe, unsubscribe, subscriptions,
// the card verbs, and the Done-means path (a sandbox backup made to fail lands in the subscribed conversation).
describe('notification commands', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(() => t.close());

  const o = (extra: Partial<Parameters<typeof message>[1]> = {}) => ({ serviceUrl: t.connector.url, ...extra });
  const subs = async () => (await t.bot.store.records<Subscription>('notify.subs').list()).map((r) => r.value);
  const textOf = (sent: { activity: Record<string, any> }[]) => sent.map((s) => s.activity.text ?? '').join('\n');

  it('refuses a non-operator, stores nothing and audits the attempt', async () => {
    const sent = await t.send(
      message(`subscribe ${VAULT}`, o({ user: SANDBOX_USERS.viewer, conversationId: 'viewer-chat' })),
    );
    expect(textOf(sent)).toMatch(/only operators/);
    expect(await subs()).toEqual([]);
    const [entry] = await t.bot.store.audit.recent({ target: VAULT });
    expect(entry).toEqual(expect.objectContaining({ action: 'notify.subscribe', result: 'refused' }));
    const unsub = await t.send(
      message(`unsubscribe ${VAULT}`, o({ user: SANDBOX_USERS.viewer, conversationId: 'viewer-chat' })),
    );
    expect(textOf(unsub)).toMatch(/only operators/);
  });

  it('subscribes an operator conversation with its reference, lists it and audits it', async () => {
    const sent = await t.send(message(`subscribe ${VAULT}`, o({ conversationId: 'ops-chat' })));
    expect(textOf(sent)).toMatch(/failed backups of vault \*\*rsv-prod-eastasia\*\* will be posted here/i);
    const [sub] = await subs();
    expect(sub).toEqual(
      expect.objectContaining({
        vault: VAULT,
        vaultResourceGroup: 'rg-backup',
        conversationId: 'ops-chat',
        locale: 'en',
      }),
    );
    expect(sub.reference).toEqual(
      expect.objectContaining({
        serviceUrl: t.connector.url,
        conversation: expect.objectContaining({ id: 'ops-chat' }),
      }),
    );
    expect(sub.reference).not.toHaveProperty('activityId');
    const [entry] = await t.bot.store.audit.recent({ target: VAULT });
    expect(entry).toEqual(expect.objectContaining({ action: 'notify.subscribe', result: 'succeeded' }));

    const again = await t.send(message(`subscribe ${VAULT.toUpperCase()}`, o({ conversationId: 'ops-chat' })));
    expect(textOf(again)).toMatch(/already posted here/);
    const list = await t.send(message('subscriptions', o({ conversationId: 'ops-chat' })));
    expect(cardIdOf(list[0])).toBe('card.notify.subscriptions');
    expect(textsOf(cardOf(list[0]))).toContain(VAULT);
  });

  it('names the vaults when the vault is unknown, and offers them when none is given', async () => {
    const unknown = await t.send(message('subscribe rsv-nope', o({ conversationId: 'ops-chat-2' })));
    expect(textOf(unknown)).toMatch(/no Recovery Services vault named \*\*rsv-nope\*\*.*rsv-prod-eastasia/);
    const choice = await t.send(message('subscribe', o({ conversationId: 'ops-chat-2' })));
    expect(cardIdOf(choice[0])).toBe('card.notify.vaults');
    const res = await t.post(
      cardAction('notify.subscribe', { vault: 'rsv-prod-sea' }, o({ conversationId: 'ops-chat-2' })),
    );
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text).value.body[0].id).toBe('card.notify.subscriptions');
    expect((await subs()).map((s) => `${s.conversationId}:${s.vault}`).sort()).toEqual([
      'ops-chat-2:rsv-prod-sea',
      'ops-chat:rsv-prod-eastasia',
    ]);
    const gone = await t.send(message('unsubscribe', o({ conversationId: 'ops-chat-2' })));
    expect(textOf(gone)).toMatch(/no longer posted here/);
    expect((await subs()).map((s) => s.conversationId)).toEqual(['ops-chat']);
  });

  it('puts a failed sandbox backup in the subscribed conversation, with the fix and Show job working', async () => {
    const before = t.connector.to('ops-chat').length;
    const failed = await adminFail(t, 'vm-nogrant-01');
    await t.bot.notifications.tick();
    const card = await until(() =>
      t.connector
        .to('ops-chat')
        .slice(before)
        .find((s) => cardIdOf(s) === 'card.notify.failure'),
    );
    const actions = cardOf(card)!.actions as { verb: string; data: any }[];
    expect(actions.map((a) => a.verb)).toEqual(['grantAccess.start', 'backupNow.start', 'notify.showJob']);
    // A real job error names no key vault: the grant flow reads it from the VM.
    expect(actions[0].data).toEqual({ keyVault: '', vm: 'vm-nogrant-01' });

    // A user with no role who forges the click gets the refusal: the bot does not read the job as its identity.
    const forged = t.connector.sent.length;
    const stranger = o({ user: SANDBOX_USERS.viewer, conversationId: 'viewer-chat' });
    const refusedRes = await t.post(cardAction('notify.showJob', actions[2].data, stranger));
    expect(refusedRes.status).toBe(200);
    expect(refusedRes.text).toMatch(/only operators/);
    expect(t.connector.sent.slice(forged).some((s) => cardIdOf(s) === 'card.notify.job')).toBe(false);
    const [refusal] = await t.bot.store.audit.recent({ target: VAULT });
    expect(refusal).toEqual(expect.objectContaining({ action: 'notify.showJob', result: 'refused' }));

    const shown = t.connector.sent.length;
    const res = await t.post(cardAction('notify.showJob', actions[2].data, o({ conversationId: 'ops-chat' })));
    expect(res.status).toBe(200);
    const job = t.connector.sent.slice(shown).find((s) => cardIdOf(s) === 'card.notify.job');
    expect(textsOf(cardOf(job)).join('\n')).toMatch(/UserErrorKeyVaultPermissionsNotConfigured/);
    expect(JSON.stringify(cardOf(job))).toContain(failed);
  });

  it('asks which vault to unsubscribe when two subscriptions each have one of that name, and takes its id', async () => {
    const primary = '22222222-2222-4222-8222-222222222222';
    const finance = '22222222-2222-4222-8222-222222222223';
    const [sub] = (await subs()).filter((s) => s.conversationId === 'ops-chat');
    for (const vaultSubscriptionId of [primary, finance]) {
      await t.bot.notifications.subscriptions.add({ ...sub, conversationId: 'twin-chat', vaultSubscriptionId });
    }
    const asked = await t.send(message(`unsubscribe ${VAULT}`, o({ conversationId: 'twin-chat' })));
    const financeId = `/subscriptions/${finance}/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/${VAULT}`;
    expect(textOf(asked)).toMatch(/Which vault\?/);
    expect(textOf(asked)).toContain(financeId);
    expect((await subs()).filter((s) => s.conversationId === 'twin-chat')).toHaveLength(2);

    const done = await t.send(message(`unsubscribe ${financeId}`, o({ conversationId: 'twin-chat' })));
    expect(textOf(done)).toMatch(/no longer/i);
    expect((await subs()).filter((s) => s.conversationId === 'twin-chat').map((s) => s.vaultSubscriptionId)).toEqual([
      primary,
    ]);
  });
});

async function until<T>(check: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function adminFail(t: TestBot, vm: string): Promise<string> {
  const sandbox = t.bot.sandbox!;
  const payload = JSON.stringify({ vm });
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${sandbox.endpoints.arm}/_sandbox/backups/fail`,
      { method: 'POST', ca: sandbox.ca, headers: { 'content-type': 'application/json' } },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(JSON.parse(body).jobId));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
