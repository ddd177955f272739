import https from 'node:https';
import { loadConfig } from '../src/config';
import { cardAction, cardOf, message, startTestBot, type TestBot } from './support/bot';
import { captureTelemetry } from './support/telemetry';

// Spans and metrics in the test exporter, from the real bot against the sandbox: a turn, Azure requests with ARM's
// throttling headers, a run step (the followed backup job) and a notification card.
describe('OpenTelemetry', () => {
  const telemetry = captureTelemetry();
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(() => t.close());

  it('traces turns, Azure calls (with x-ms-ratelimit-remaining-*), run steps and notifications, and counts them', async () => {
    const o = { serviceUrl: t.connector.url, conversationId: 'otel-ops' };
    await t.send(message('check vm-web-01', o));
    await t.send(message('subscribe rsv-prod-eastasia', o));
    await sandboxAdmin(t, '/_sandbox/backups/fail', { vm: 'vm-nogrant-01' });
    await t.bot.notifications.tick();
    await until(() =>
      t.connector.to('otel-ops').some((s) => JSON.stringify(cardOf(s) ?? {}).includes('card.notify.failure')),
    );
    // A run: backup now follows its job as a durable run (retention date, then Confirm).
    // The retention card by its id: a notification card (the RPO watch's) may be delivered during the same turn.
    let card = cardOf(
      (await t.send(message('backup now vm-db-01', o))).find((x) =>
        JSON.stringify(cardOf(x) ?? {}).includes('card.backupNow.retention'),
      ),
    );
    for (const verb of ['backupNow.retention', 'backupNow.confirm']) {
      const action = find(card, (n) => n.verb === verb);
      const input = find(card, (n) => n.id === 'retainUntil');
      const res = await t.post(
        cardAction(
          verb,
          { ...action.data, ...(input ? { retainUntil: input.value } : {}) },
          { ...o, replyToId: 'sent-1' },
        ),
      );
      card = JSON.parse(res.text).value;
    }
    const spans = telemetry.spans();
    const named = (name: string) => spans.filter((s) => s.name === name);

    const turn = named('teams.turn').find((s) => s.attributes['teams.intent'] === 'check');
    expect(turn?.attributes).toMatchObject({ 'teams.activity.type': 'message', 'teams.outcome': 'ok' });
    const reads = spans.filter((s) => s.name === 'azure GET');
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.some((s) => typeof s.attributes['azure.ratelimit.remaining.subscription-reads'] === 'number')).toBe(
      true,
    );
    expect(reads[0].attributes['http.response.status_code']).toBe(200);
    // The first read may be the start-up listing of the managed subscriptions (GET /subscriptions, issue 17).
    expect(String(reads[0].attributes['url.path'])).toMatch(/^\/subscriptions(\/|$)/);
    // No query strings (SAS tokens live there) in any span.
    expect(spans.every((s) => !String(s.attributes['url.path'] ?? '').includes('?'))).toBe(true);
    await until(() => named('notification.post').length > 0);
    expect(named('notification.post').map((s) => s.attributes['notification.kind'])).toContain('failure');
    await until(() => named('run.step').length > 0);
    expect(named('run.step')[0].attributes).toMatchObject({ 'run.kind': 'follow-backup-job' });

    const m = await telemetry.metrics();
    expect(m.get('teams.turns')?.length).toBeGreaterThan(0);
    expect(m.get('azure.requests')?.some((p) => p.attributes.status === 'ok')).toBe(true);
    expect(m.get('notifications.sent')?.length).toBeGreaterThan(0);
    expect(m.has('run.steps')).toBe(true);
  });

  it('is configured by APPLICATIONINSIGHTS_CONNECTION_STRING, whose value is never echoed', () => {
    expect(loadConfig({}).telemetry.connectionString).toBeUndefined();
    const cs =
      'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://eastasia-0.in.applicationinsights.azure.com/';
    expect(loadConfig({ APPLICATIONINSIGHTS_CONNECTION_STRING: cs }).telemetry.connectionString).toBe(cs);
    expect(() => loadConfig({ APPLICATIONINSIGHTS_CONNECTION_STRING: 'not-a-connection-string-abc' })).toThrow(
      /^Configuration error: APPLICATIONINSIGHTS_CONNECTION_STRING must be an Application Insights connection string/,
    );
    try {
      loadConfig({ APPLICATIONINSIGHTS_CONNECTION_STRING: 'not-a-connection-string-abc' });
    } catch (err) {
      expect((err as Error).message).not.toContain('not-a-connection-string-abc');
    }
  });
});

function find(node: any, test: (n: any) => boolean): any {
  if (!node || typeof node !== 'object') return undefined;
  if (test(node)) return node;
  for (const v of Object.values(node)) {
    const hit = find(v, test);
    if (hit) return hit;
  }
  return undefined;
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function sandboxAdmin(t: TestBot, pathname: string, body: object): Promise<unknown> {
  const sandbox = t.bot.sandbox!;
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
    req.end(JSON.stringify(body));
  });
}
