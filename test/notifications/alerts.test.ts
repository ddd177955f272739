import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../src/log';
import { ACTION_GROUPS_APP_ID, SECURE_WEBHOOK_ROLE, type NotificationService } from '../../src/notifications';
import type { Listening } from '../../src/server';
import { alertServer, backupAlert, post } from './support/alerts';
import { ConnectorStandIn } from './support/connector';
import {
  cardName,
  startHarness,
  startSandboxAzure,
  TOKEN,
  VAULT,
  waitFor,
  type Harness,
  type SandboxAzure,
} from './support/harness';

// POST /api/alerts through the bot's own HTTP server, into the same stream the watcher feeds.
describe('alert intake', () => {
  let sandbox: SandboxAzure;
  let h: Harness;
  let service: NotificationService;
  let server: Listening;
  let url: string;
  beforeAll(async () => {
    sandbox = await startSandboxAzure();
  });
  afterAll(() => sandbox.close());
  beforeEach(async () => {
    h = await startHarness(sandbox);
    service = h.replica();
    await h.subscribe(service, 'channel-ops');
    server = await alertServer(service, createLogger({ level: 'silent' }));
    url = `${server.url}/api/alerts?token=${TOKEN}`;
  });
  afterEach(async () => {
    await server.close();
    await h.close();
  });

  async function failedJob(): Promise<string> {
    const failed = await h.admin('/_sandbox/backups/fail', { vm: 'vm-nogrant-01' });
    return failed.body.jobId as string;
  }

  it('posts an alerted failure once, whether the alert or the watcher sees the job first', async () => {
    const first = await failedJob();
    expect(await post(url, backupAlert({ jobId: first }))).toEqual({ status: 202, body: { status: 'accepted' } });
    await waitFor('the alert card', () => h.connector.to('channel-ops').length === 1);
    await service.tick(); // the watcher sees the same job
    expect(await post(url, backupAlert({ jobId: first }))).toEqual({ status: 202, body: { status: 'duplicate' } });

    const second = await failedJob();
    await service.tick(); // this time the watcher is first
    expect(await post(url, backupAlert({ jobId: second }))).toEqual({ status: 202, body: { status: 'duplicate' } });
    await waitFor('the living card updated once', () => h.connector.to('channel-ops')[0].updates.length === 1);
    await waitFor('nothing left to deliver', async () => (await service.outbox.pending()).length === 0);
    await service.outbox.sweep();
    expect(h.connector.to('channel-ops')).toHaveLength(1);
    const card = ConnectorStandIn.card(h.connector.to('channel-ops')[0]);
    expect(cardName(card)).toBe('card.notify.failure');
    expect(JSON.stringify(card)).toContain('failed 2 times');
  });

  it('answers 4xx to anything but an authenticated Azure Backup job alert, and posts nothing', async () => {
    const alert = backupAlert({ jobId: await failedJob() });
    const base = `${server.url}/api/alerts`;
    const json = { 'content-type': 'application/json' };
    const cases: [string, Promise<{ status: number; body: any }>, number][] = [
      ['no token', post(base, alert), 401],
      ['wrong token', post(`${base}?token=${TOKEN}x`, alert), 401],
      ['token twice', post(`${base}?token=${TOKEN}&token=${TOKEN}`, alert), 401],
      ['not JSON', post(url, 'schemaId=azureMonitorCommonAlertSchema', { 'content-type': 'text/plain' }), 415],
      ['malformed JSON', post(url, '{"schemaId": "azureMonitorCommonAlertSchema", ', json), 400],
      ['another schema', post(url, { ...alert, schemaId: 'AzureMonitorMetricAlert' }), 400],
      ['no essentials', post(url, { schemaId: 'azureMonitorCommonAlertSchema', data: {} }), 400],
      ['oversized', post(url, { ...alert, padding: 'x'.repeat(300 * 1024) }), 413],
      ['another service', post(url, withEssentials(alert, { monitoringService: 'Platform' })), 422],
      ['a security alert', post(url, withContext(alert, { category: 'Security' })), 422],
      ['no job id', post(url, withContext(alert, { extendedInfo: { occurrenceCount: 1 } })), 422],
      // A malformed percent-escape is the sender's mistake: 400, not a 503 + Retry-After Azure Monitor would retry.
      ['bad percent-escape', post(url, backupAlert({ jobId: 'j1', vault: 'rsv%E0%A4%A' })), 400],
    ];
    for (const [what, response, status] of cases) {
      const res = await response;
      expect({ what, status: res.status, error: typeof res.body?.error }).toEqual({ what, status, error: 'string' });
    }
    // An oversized body sent without a length (chunked) is cut off at the limit too.
    const chunked = await fetch(url, {
      method: 'POST',
      headers: json,
      body: new Blob([JSON.stringify({ ...alert, padding: 'y'.repeat(400 * 1024) })]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);

    await service.outbox.sweep();
    expect(h.connector.posts).toEqual([]);
    expect(h.logs()).not.toContain(TOKEN);
  });

  it('ignores a resolved alert', async () => {
    const alert = withEssentials(backupAlert({ jobId: await failedJob() }), { monitorCondition: 'Resolved' });
    expect((await post(url, alert)).body).toEqual(expect.objectContaining({ status: 'ignored' }));
    expect(h.connector.posts).toEqual([]);
  });
});

describe('secure webhook (Microsoft Entra token)', () => {
  const tenantId = '11111111-1111-4111-8111-111111111111';
  const audience = 'api://ade-backup-bot-alerts';
  let keys: { privateKey: KeyObject; jwk: Record<string, unknown> };
  let jwks: http.Server;
  let jwksUri: string;
  beforeAll(async () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    keys = { privateKey: pair.privateKey, jwk: { ...pair.publicKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig' } };
    jwks = http.createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [keys.jwk] })),
    );
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', () => resolve()));
    jwksUri = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/keys`;
  });
  afterAll(() => new Promise<void>((resolve) => jwks.close(() => resolve())));

  const token = (claims: Record<string, unknown>, kid = 'k1') => {
    const now = Math.floor(Date.now() / 1000);
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const body = {
      iss: `https://sts.windows.net/${tenantId}/`,
      aud: audience,
      appid: ACTION_GROUPS_APP_ID,
      roles: [SECURE_WEBHOOK_ROLE],
      iat: now,
      nbf: now,
      exp: now + 3600,
      ...claims,
    };
    const signed = `${enc({ alg: 'RS256', typ: 'JWT', kid })}.${enc(body)}`;
    return `${signed}.${sign('RSA-SHA256', Buffer.from(signed), keys.privateKey).toString('base64url')}`;
  };

  it('accepts a valid token and refuses a wrong audience, caller, role, expiry or signature', async () => {
    const { EntraWebhookVerifier } = await import('../../src/notifications');
    const verifier = new EntraWebhookVerifier({ tenantId, audience, jwksUri });
    const ok = (t: string) => verifier.verify(`Bearer ${t}`);
    expect(await ok(token({}))).toBe(true);
    expect(await ok(token({ iss: `https://login.microsoftonline.com/${tenantId}/v2.0` }))).toBe(true);
    expect(await ok(token({ aud: 'api://someone-else' }))).toBe(false);
    expect(await ok(token({ appid: '00000000-0000-0000-0000-000000000001' }))).toBe(false);
    expect(await ok(token({ roles: [] }))).toBe(false);
    expect(await ok(token({ exp: Math.floor(Date.now() / 1000) - 3600 }))).toBe(false);
    expect(await ok(token({ iss: 'https://sts.windows.net/22222222-2222-4222-8222-222222222222/' }))).toBe(false);
    expect(await ok(token({}, 'unknown-kid'))).toBe(false);
    const [head, body] = token({}).split('.');
    expect(await ok(`${head}.${body}.${Buffer.from('forged').toString('base64url')}`)).toBe(false);
    expect(await verifier.verify(undefined)).toBe(false);
  });

  it('takes an alert carrying a valid token in place of the URL token', async () => {
    const sandbox = await startSandboxAzure();
    const h = await startHarness(sandbox);
    try {
      const service = h.replica({ alerts: { entra: { tenantId, audience, jwksUri } } });
      await h.subscribe(service, 'channel-ops');
      const server = await alertServer(service, createLogger({ level: 'silent' }));
      const failed = await h.admin('/_sandbox/backups/fail', { vm: 'vm-nogrant-01' });
      const alert = backupAlert({ jobId: failed.body.jobId });
      const url = `${server.url}/api/alerts`;
      const json = { 'content-type': 'application/json' };
      expect((await post(url, alert, { ...json, authorization: `Bearer ${token({ roles: [] })}` })).status).toBe(401);
      expect((await post(`${url}?token=${TOKEN}`, alert)).status).toBe(401); // no URL token configured
      expect(await post(url, alert, { ...json, authorization: `Bearer ${token({})}` })).toEqual({
        status: 202,
        body: { status: 'accepted' },
      });
      await waitFor('the card', () => h.connector.to('channel-ops').length === 1);
      await server.close();
    } finally {
      await h.close();
      await sandbox.close();
    }
  });
});

function withEssentials(alert: Record<string, any>, change: object): Record<string, any> {
  return { ...alert, data: { ...alert.data, essentials: { ...alert.data.essentials, ...change } } };
}
function withContext(alert: Record<string, any>, change: object): Record<string, any> {
  return { ...alert, data: { ...alert.data, alertContext: { ...alert.data.alertContext, ...change } } };
}

void VAULT;
