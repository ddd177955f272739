import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { startBot, type RunningBot } from '../../src/index';
import { sandboxAzureSettings } from '../../src/sandbox/settings';
import { startTestAzure, type TestAzure } from '../support/azure';
import { captureLogs, message } from '../support/bot';

// The real composition root in live mode (an app id: Bot Framework tokens required) against the sandbox as Azure.
describe('live mode: Microsoft Teams only', () => {
  let azure: TestAzure;
  let bot: RunningBot;
  const logs = captureLogs();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ade-live-'));
  beforeAll(async () => {
    azure = await startTestAzure();
    const s = sandboxAzureSettings(azure.sandbox);
    const caFile = path.join(dir, 'ca.pem');
    writeFileSync(caFile, azure.sandbox.ca);
    const config = loadConfig({
      AZURE_MODE: 'live',
      SQLITE_PATH: path.join(dir, 'bot.sqlite'),
      BOT_APP_ID: '0b0b0b0b-0000-4000-8000-000000000009',
      BOT_APP_PASSWORD: 'not-used',
      BOT_TENANT_ID: s.tenantId,
      AZURE_SUBSCRIPTION_ID: s.subscriptionId,
      AZURE_TENANT_ID: s.tenantId,
      AZURE_MANAGED_IDENTITY_CLIENT_ID: s.managedIdentityClientId,
      AZURE_APPROVED_IDENTITY_OBJECT_ID: s.approvedIdentity.objectId,
      AZURE_ARM_ENDPOINT: azure.sandbox.endpoints.arm,
      AZURE_GRAPH_ENDPOINT: azure.sandbox.endpoints.graph,
      AZURE_CA_FILE: caFile,
      APPROVERS_CONVERSATION_ID: 'approvers',
      RECORD_SIGNING_KEY_SECRET_URI: 'https://kv-bot.vault.azure.net/secrets/record-signing-key',
      WATCH_INTERVAL_SECONDS: String(24 * 3600),
    });
    // The sandbox's loopback key vaults cannot pass live mode's Key Vault challenge check: the key is handed over.
    bot = await startBot({ ...config, port: 0 }, { logger: logs.logger, signingKey: randomBytes(32) });
  });
  afterAll(async () => {
    await bot?.close();
    await azure.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (activity: object) =>
    fetch(`${bot.url.replace('//localhost:', '//127.0.0.1:')}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });

  it('refuses Web Chat and Direct Line with 403 before anything else, and audits it', async () => {
    const before = await bot.store.storage.list('');
    for (const channelId of ['webchat', 'directline', 'emulator']) {
      const res = await post({ ...message('restore vm-db-01', { serviceUrl: 'https://example.invalid' }), channelId });
      expect({ channelId, status: res.status }).toEqual({ channelId, status: 403 });
    }
    const refused = logs.lines().filter((l) => l.msg === 'channel refused');
    expect(refused.map((l) => l.channelId)).toEqual(['webchat', 'directline', 'emulator']);
    const audit = await bot.store.audit.recent({ limit: 10 });
    expect(
      audit
        .filter((e) => e.action === 'channel.refused')
        .map((e) => e.details?.channelId)
        .sort(),
    ).toEqual(['directline', 'emulator', 'webchat']);
    // No turn ran: no conversation state, no flow, nothing but those audit entries was written.
    const after = await bot.store.storage.list('');
    const added = after.filter((a) => !before.some((b) => b.key === a.key)).map((a) => a.key);
    // (The watcher's lease is its own timer's business.)
    expect(added.filter((k) => !k.startsWith('audit/') && !k.startsWith('notify.lease/'))).toEqual([]);
  });

  it('still asks Teams activities for their Bot Framework token (401 without one)', async () => {
    const res = await post(message('help', { serviceUrl: 'https://example.invalid' }));
    expect(res.status).toBe(401);
  });
});
