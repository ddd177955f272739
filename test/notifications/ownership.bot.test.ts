import https from 'node:https';
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
const { operator, approver, viewer } = SANDBOX_USERS;

// The buttons through the real composition (startBot) and the sandbox: who may click, what each person is told,
// what the audit trail keeps.
describe("I'm on it and Snooze, clicked in chat", () => {
  let t: TestBot;
  let data: { vault: string; vm: string };
  beforeAll(async () => {
    t = await startTestBot();
    await t.send(message(`subscribe ${VAULT}`, { serviceUrl: t.connector.url, conversationId: 'ops-chat' }));
    await adminFail(t, 'vm-nogrant-01');
    await t.bot.notifications.tick();
    const posted = await until(() => t.connector.to('ops-chat').find((s) => cardIdOf(s) === 'card.notify.failure'));
    const take = findAction(cardOf(posted), 'notify.take');
    data = take.data;
  });
  afterAll(() => t.close());

  const click = async (verb: string, body: object, user = operator, locale?: string) => {
    const res = await t.post(
      cardAction(verb, body, { serviceUrl: t.connector.url, conversationId: 'ops-chat', user, locale }),
    );
    expect(res.status).toBe(200);
    return JSON.parse(res.text);
  };

  it('refuses a viewer clearly and changes nothing', async () => {
    const answer = await click('notify.take', data, viewer);
    expect(JSON.stringify(answer)).toMatch(/only operators/);
    const [entry] = await t.bot.store.audit.recent({ limit: 1 });
    expect(entry).toMatchObject({ action: 'notify.take', result: 'refused' });
  });

  it('the first operator takes it (the card says who), the next one is told who has it', async () => {
    const taken = await click('notify.take', data, operator);
    expect(taken.value.type).toBe('AdaptiveCard');
    expect(factsOf(taken.value)).toContainEqual({
      title: 'Taken by',
      value: expect.stringMatching(new RegExp(`^${operator.name}, .* UTC$`)),
    });
    expect(textsOf(taken.value).join('\n')).toMatch(/Backup failed: vm-nogrant-01/);
    const [entry] = await t.bot.store.audit.recent({ target: 'vm-nogrant-01', limit: 1 });
    expect(entry).toMatchObject({
      action: 'notify.take',
      result: 'succeeded',
      who: { aadObjectId: operator.aadObjectId },
    });
    const other = await click('notify.take', data, approver);
    expect(JSON.stringify(other)).toContain(`${operator.name} already took vm-nogrant-01`);
    const zh = await click('notify.take', data, approver, 'zh-TW');
    expect(JSON.stringify(zh)).toContain(`${operator.name} 已接手 vm-nogrant-01`);
  });

  it('snoozes for 1, 4 or 24 hours only', async () => {
    const bad = await click('notify.snooze', { ...data, hours: '2' }, approver);
    expect(JSON.stringify(bad)).toContain('Snooze for 1, 4 or 24 hours.');
    const ok = await click('notify.snooze', { ...data, hours: '4' }, approver);
    expect(factsOf(ok.value)).toContainEqual({
      title: 'Snoozed until',
      value: expect.stringMatching(new RegExp(`UTC \\(by ${approver.name}\\)$`)),
    });
    const [entry] = await t.bot.store.audit.recent({ target: 'vm-nogrant-01', limit: 1 });
    expect(entry).toMatchObject({ action: 'notify.snooze', details: { hours: 4 } });
  });
});

function factsOf(card: any): { title: string; value: string }[] {
  const out: { title: string; value: string }[] = [];
  const walk = (n: any) => {
    if (!n || typeof n !== 'object') return;
    if (n.type === 'FactSet') out.push(...n.facts);
    Object.values(n).forEach(walk);
  };
  walk(card);
  return out;
}

function findAction(card: any, verb: string): any {
  let found: any;
  const walk = (n: any) => {
    if (found || !n || typeof n !== 'object') return;
    if (n.verb === verb) found = n;
    Object.values(n).forEach(walk);
  };
  walk(card);
  return found;
}

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
    req.end(JSON.stringify({ vm }));
  });
}
