import https from 'node:https';
import { cardId } from '../../src/cards/render';
import { actionsOf, choicesOf } from '../bot/approvals/restoreBot';
import { backupAlert } from '../notifications/support/alerts';
import { cardAction, cardOf, message, SANDBOX_USERS, startTestBot, type TestBot } from '../support/bot';
import { captureTelemetry } from '../support/telemetry';

const ALERT_TOKEN = 'alert-webhook-token-3f9c2a7d1e5b4c80';
const BOT_PASSWORD = 'bot-app-password-7a1d9e3c5b2f4e60';
const JWT = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;

/**
 * Runs representative flows against the real bot (debug logging captured, every card and reply captured by the
 * Bot Connector stand-in, every HTTP answer kept), then looks for the secrets a run handles anywhere in that output.
 */
describe('secret hygiene: no key material, token, connection string or password in logs, cards, replies or spans', () => {
  // OpenTelemetry spans (the test exporter) are output too: every attribute of every span is searched.
  const telemetry = captureTelemetry();
  let t: TestBot;
  const answers: string[] = [];
  beforeAll(async () => {
    t = await startTestBot({ ALERT_WEBHOOK_TOKEN: ALERT_TOKEN, BOT_APP_PASSWORD: BOT_PASSWORD });
  });
  afterAll(() => t.close());

  const conv = { serviceUrl: '', conversationId: 'hygiene-ops' };
  const say = async (text: string, user = SANDBOX_USERS.operator) => {
    const sent = await t.send(message(text, { ...conv, serviceUrl: t.connector.url, user }));
    return sent;
  };
  const click = async (verb: string, data: object, replyToId: string) => {
    const res = await t.post(cardAction(verb, data, { ...conv, serviceUrl: t.connector.url, replyToId }));
    answers.push(res.text);
    return JSON.parse(res.text || '{}') as { type?: string; value?: any };
  };

  it('runs help, enable backup, grant access, backup now, subscribe, a failed-backup alert and a restore request', async () => {
    for (const text of [
      'help',
      'enable backup vm-app-01',
      'grant access kv-app',
      'backup now vm-app-01',
      'jobs',
      'audit',
    ]) {
      expect((await say(text)).length).toBeGreaterThan(0);
    }
    await say('subscribe rsv-prod-eastasia');

    // A failed backup, reported by the action group's webhook with the token in the URL; its card reaches the chat.
    const failed = await sandboxAdmin(t, '/_sandbox/backups/fail', { vm: 'vm-nogrant-01' });
    const before = t.connector.sent.length;
    const alert = await fetch(`${t.bot.url}/api/alerts?token=${ALERT_TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(backupAlert({ jobId: failed.jobId, vm: 'vm-nogrant-01' })),
    });
    answers.push(await alert.text());
    expect(alert.status).toBe(202);
    answers.push(await (await fetch(`${t.bot.url}/api/alerts?token=wrong-${ALERT_TOKEN}`, { method: 'POST' })).text());
    await waitFor(() => t.connector.sent.slice(before).some((s) => cardOf(s)));

    // A restore request, through point and target to the approvers.
    const first = (await say('restore vm-db-01')).find((s) => cardId(cardOf(s))?.startsWith('card.restore.'));
    let card = cardOf(first);
    const messageId = 'sent-restore';
    expect(cardId(card)).toBe('card.restore.point');
    const step = async (verb: string, inputs: object) => {
      const action = actionsOf(card).find((a) => a.verb === verb)!;
      const answer = await click(verb, { ...action.data, ...inputs }, messageId);
      card = answer.value;
    };
    await step('restore.point', { point: choicesOf(card, 'point')[0].value });
    const pick = (input: string, text: string) =>
      choicesOf(card, input).find((c) => c.title.includes(text))?.value ?? '';
    await step('restore.target', {
      staging: choicesOf(card, 'staging')[0]?.value,
      resourceGroup: pick('resourceGroup', 'rg-restore '),
      subnet: pick('subnet', 'snet-restore'),
      vmName: 'vm-db-01-restored',
    });
    expect(cardId(card)).toBe('card.restore.plan');
    await step('restore.requestApproval', {});
    expect(actionsOf(card).map((a) => a.verb)).toContain('approval.cancel');
  });

  it('finds none of the run\u2019s secrets in any log line, card, reply, HTTP answer or span', async () => {
    const sandbox = t.bot.sandbox!;
    const w = sandbox.world;
    const secrets: [string, string][] = [
      ['alert webhook token', ALERT_TOKEN],
      ['bot password', BOT_PASSWORD],
      ['IDENTITY_HEADER', sandbox.endpoints.identityHeader],
    ];
    for (const kv of w.keyVaults) {
      for (const o of [...kv.keys, ...kv.secrets]) secrets.push([`${kv.name}/${o.name} value`, o.value]);
    }
    for (const rp of w.recoveryPoints) {
      for (const field of ['keyBackup', 'secretValue', 'secretBackup'] as const) {
        if (rp[field]) secrets.push([`recovery point ${field}`, rp[field]!]);
      }
    }
    expect(secrets.filter(([name]) => name.endsWith(' value')).length).toBeGreaterThan(4);
    expect(secrets.some(([name]) => name.startsWith('recovery point'))).toBe(true);
    const spans = telemetry
      .spans()
      .map((s) => JSON.stringify({ name: s.name, attributes: s.attributes, events: s.events }));
    expect(spans.length).toBeGreaterThan(20); // turns and Azure calls were traced
    const output = [t.logs.raw(), JSON.stringify(t.connector.sent), ...answers, ...spans].join('\n');
    expect(output).toContain('card.restore.plan'); // the output under test is the real one
    const found = secrets.filter(([, value]) => value.length >= 8 && output.includes(value)).map(([name]) => name);
    expect(found).toEqual([]);
    expect(output).not.toMatch(/AccountKey=/i);
    const jwts = output.match(JWT) ?? [];
    expect(jwts.filter((token) => sandbox.tokens.verify(token))).toEqual([]);
    expect(jwts).toEqual([]);
  });
});

async function waitFor(done: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!done()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A sandbox admin route (loopback, no token): here, make a VM's next backup fail. */
function sandboxAdmin(t: TestBot, pathname: string, body: object): Promise<any> {
  const sandbox = t.bot.sandbox!;
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${sandbox.endpoints.arm}${pathname}`,
      { method: 'POST', ca: sandbox.ca, headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => resolve(JSON.parse(text || '{}')));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
