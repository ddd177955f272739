import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ConfigError, loadConfig, managedSubscriptions } from '../src/config';
import { SANDBOX_USERS } from '../src/sandboxUsers';

const LIVE = {
  AZURE_MODE: 'live',
  // UserAssignedMSI: the bot's app id is the managed identity's client id (one approved identity).
  BOT_APP_ID: '33333333-3333-4333-8333-333333333301',
  BOT_APP_TYPE: 'UserAssignedMSI',
  BOT_TENANT_ID: '11111111-1111-4111-8111-111111111111',
  AZURE_SUBSCRIPTION_ID: '22222222-2222-4222-8222-222222222222',
  AZURE_TENANT_ID: '11111111-1111-4111-8111-111111111111',
  AZURE_MANAGED_IDENTITY_CLIENT_ID: '33333333-3333-4333-8333-333333333301',
  AZURE_APPROVED_IDENTITY_OBJECT_ID: '44444444-4444-4444-8444-444444444401',
  APPROVERS_CONVERSATION_ID: '19:approvers@thread.tacv2',
  RECORD_SIGNING_KEY_SECRET_URI: 'https://kv-bot.vault.azure.net/secrets/record-signing-key',
};

describe('configuration', () => {
  it('with nothing configured runs in sandbox mode with the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      mode: 'sandbox',
      port: 3978,
      logLevel: 'info',
      bot: { appId: undefined, appType: 'SingleTenant' },
      store: { kind: 'sqlite', sqlitePath: '.data/bot.sqlite' },
      azure: {
        armEndpoint: 'https://management.azure.com',
        graphEndpoint: 'https://graph.microsoft.com',
        keyVaultBackupRoleId: '00482a5a-887f-4fb3-b363-3b7fe8e74483',
        allowBekOnly: false,
      },
      approvals: { ttlMinutes: 240 },
      notifications: { watchIntervalSeconds: 300, rpoHours: 26 },
      signing: { keyFile: path.join('.data', 'record-signing.key') },
      retention: { runsDays: 30, approvalsDays: 90, ledgerDays: 30, auditDays: 365 },
      rateLimit: { refused: 10 },
    });
  });

  it("lets the Playground's operator and approver in by default in sandbox mode, nobody in live mode", () => {
    expect(loadConfig({}).access).toMatchObject({
      operatorIds: [SANDBOX_USERS.operator.aadObjectId, SANDBOX_USERS.approver.aadObjectId],
      approverIds: [SANDBOX_USERS.approver.aadObjectId],
    });
    expect(loadConfig(LIVE).access).toMatchObject({ operatorIds: [], approverIds: [] });
  });

  it('the managed subscriptions: a list, one (the older setting), or every readable one (issue 17)', () => {
    const a = '22222222-2222-4222-8222-222222222223';
    const b = '22222222-2222-4222-8222-222222222224';
    const listed = loadConfig({ ...LIVE, AZURE_SUBSCRIPTION_IDS: ` ${a}, ${b.toUpperCase()},${a} ` }).azure;
    expect(listed).toMatchObject({ subscriptionIds: [a, b], subscriptionId: a });
    expect(loadConfig(LIVE).azure.subscriptionIds).toEqual([LIVE.AZURE_SUBSCRIPTION_ID]);
    const { AZURE_SUBSCRIPTION_ID: _one, ...noSubscription } = LIVE;
    // Live mode starts without any: it manages every subscription its identity can read.
    expect(loadConfig(noSubscription).azure.subscriptionIds).toBeUndefined();
    expect(() => loadConfig({ ...LIVE, AZURE_SUBSCRIPTION_IDS: `${a},prod` })).toThrow(
      'Configuration error: AZURE_SUBSCRIPTION_IDS must be a comma-separated list of subscription ids (GUIDs)',
    );
    // The listing is read again hourly by default; 0 keeps the first one for the process.
    expect(managedSubscriptions(loadConfig(noSubscription).azure).subscriptionsRefreshMs).toBe(3_600_000);
    const once = loadConfig({ ...noSubscription, AZURE_SUBSCRIPTIONS_REFRESH_MINUTES: '0' }).azure;
    expect(managedSubscriptions(once).subscriptionsRefreshMs).toBe(0);
    expect(() => loadConfig({ ...LIVE, AZURE_SUBSCRIPTIONS_REFRESH_MINUTES: 'hourly' })).toThrow(
      /AZURE_SUBSCRIPTIONS_REFRESH_MINUTES/,
    );
  });

  it('REHEARSAL_SUBNET: one isolated subnet per subscription, full ids or the primary short form (issue 19)', () => {
    const fin = '22222222-2222-4222-8222-222222222223';
    const finId = `/subscriptions/${fin}/resourceGroups/rg-fin-rehearsal/providers/Microsoft.Network/virtualNetworks/vnet-r/subnets/snet-r`;
    // Sandbox mode: the primary's and Contoso Finance's rehearsal networks by default, both by full id (`npm start`
    // discovers its subscriptions, where the short form would name none).
    expect(loadConfig({}).rehearsal.networks).toEqual([
      {
        subscriptionId: '22222222-2222-4222-8222-222222222222',
        resourceGroup: 'rg-rehearsal',
        vnet: 'vnet-rehearsal-eastasia',
        subnet: 'snet-rehearsal',
      },
      {
        subscriptionId: fin,
        resourceGroup: 'rg-fin-rehearsal',
        vnet: 'vnet-rehearsal-fin-eastasia',
        subnet: 'snet-rehearsal',
      },
    ]);
    // Live mode: none unless set (rehearsals not configured).
    expect(loadConfig(LIVE).rehearsal.networks).toEqual([]);
    expect(loadConfig({ ...LIVE, REHEARSAL_SUBNET: ` rg-r/vnet-r/snet-r , ${finId}` }).rehearsal.networks).toEqual([
      { resourceGroup: 'rg-r', vnet: 'vnet-r', subnet: 'snet-r' },
      { subscriptionId: fin, resourceGroup: 'rg-fin-rehearsal', vnet: 'vnet-r', subnet: 'snet-r' },
    ]);
    expect(() => loadConfig({ ...LIVE, REHEARSAL_SUBNET: 'rg-r/vnet-r' })).toThrow(
      /Configuration error: REHEARSAL_SUBNET each entry must be a subnet resource id .* \(got 'rg-r\/vnet-r'\)/,
    );
    expect(() => loadConfig({ ...LIVE, REHEARSAL_SUBNET: `${finId},${finId.replace('snet-r', 'snet-s')}` })).toThrow(
      `Configuration error: REHEARSAL_SUBNET names two subnets in subscription ${fin}: give one per subscription`,
    );
    expect(() => loadConfig({ ...LIVE, REHEARSAL_SUBNET: 'a/b/c,d/e/f' })).toThrow(
      'Configuration error: REHEARSAL_SUBNET names two subnets in subscription (the primary one): give one per subscription',
    );
  });

  it('reads lists, switches and numbers', () => {
    const config = loadConfig({
      ...LIVE,
      OPERATOR_IDS: ' 55555555-5555-4555-8555-555555555501 , 55555555-5555-4555-8555-555555555502',
      ALLOW_BEK_ONLY: 'TRUE',
      RPO_HOURS: '48',
      AZURE_MODE: 'Live',
      AZURE_ARM_ENDPOINT: 'https://management.chinacloudapi.cn/',
    });
    expect(config.access.operatorIds).toEqual([
      '55555555-5555-4555-8555-555555555501',
      '55555555-5555-4555-8555-555555555502',
    ]);
    expect(config).toMatchObject({
      mode: 'live',
      azure: { allowBekOnly: true, armEndpoint: 'https://management.chinacloudapi.cn' },
      notifications: { rpoHours: 48 },
    });
  });

  it.each<[string, Record<string, string>, string]>([
    [
      'a port that is not a number',
      { PORT: 'abc' },
      "Configuration error: PORT must be a number between 1 and 65535 (got 'abc')",
    ],
    [
      'a port out of range',
      { PORT: '70000' },
      "Configuration error: PORT must be a number between 1 and 65535 (got '70000')",
    ],
    [
      'an unknown mode',
      { AZURE_MODE: 'prod' },
      "Configuration error: AZURE_MODE must be one of sandbox, live (got 'prod')",
    ],
    ['an unknown store', { STORE: 'redis' }, "Configuration error: STORE must be one of sqlite, blob (got 'redis')"],
    [
      'a bad switch',
      { ALLOW_BEK_ONLY: 'maybe' },
      "Configuration error: ALLOW_BEK_ONLY must be true or false (got 'maybe')",
    ],
    [
      'a bad object id',
      { OPERATOR_IDS: 'alex@contoso.com' },
      "Configuration error: OPERATOR_IDS must be a comma-separated list of Entra object ids (got 'alex@contoso.com')",
    ],
    [
      'a bad URL',
      { AZURE_ARM_ENDPOINT: 'management' },
      "Configuration error: AZURE_ARM_ENDPOINT must be an http(s) URL (got 'management')",
    ],
    [
      'live mode without an app id',
      { ...LIVE, BOT_APP_ID: '' },
      'Configuration error: BOT_APP_ID is required in live mode',
    ],
    [
      'live mode without the managed identity',
      { ...LIVE, AZURE_MANAGED_IDENTITY_CLIENT_ID: '' },
      'Configuration error: AZURE_MANAGED_IDENTITY_CLIENT_ID is required in live mode',
    ],
    [
      'live mode without the approvers conversation',
      { ...LIVE, APPROVERS_CONVERSATION_ID: '' },
      'Configuration error: APPROVERS_CONVERSATION_ID is required in live mode',
    ],
    [
      'live mode without the record signing key',
      { ...LIVE, RECORD_SIGNING_KEY_SECRET_URI: '' },
      'Configuration error: RECORD_SIGNING_KEY_SECRET_URI is required in live mode',
    ],
    [
      'a signing key reference that is not a Key Vault secret URL',
      { ...LIVE, RECORD_SIGNING_KEY_SECRET_URI: 'http://kv-bot.vault.azure.net/secrets/k' },
      'Configuration error: RECORD_SIGNING_KEY_SECRET_URI must be a Key Vault secret URL',
    ],
    [
      'live mode with a plain-http ARM endpoint (tokens in clear)',
      { ...LIVE, AZURE_ARM_ENDPOINT: 'http://management.example' },
      "Configuration error: AZURE_ARM_ENDPOINT must be an https URL in live mode (got 'http://management.example')",
    ],
    [
      'live mode with a plain-http Graph endpoint',
      { ...LIVE, AZURE_GRAPH_ENDPOINT: 'http://graph.example' },
      "Configuration error: AZURE_GRAPH_ENDPOINT must be an https URL in live mode (got 'http://graph.example')",
    ],
    [
      'a single-tenant bot without its tenant',
      { BOT_APP_ID: LIVE.BOT_APP_ID, BOT_APP_PASSWORD: 'x' },
      'Configuration error: BOT_TENANT_ID is required when BOT_APP_TYPE is SingleTenant',
    ],
    [
      'a managed-identity bot whose app id is another identity than the approved one',
      { ...LIVE, BOT_APP_ID: '9c2a6f0e-3f55-4a57-9d0b-6c1c4d8e2a10' },
      "Configuration error: BOT_APP_ID must be the managed identity's client id AZURE_MANAGED_IDENTITY_CLIENT_ID",
    ],
    [
      'a managed-identity bot with a password',
      { ...LIVE, BOT_APP_PASSWORD: 'hunter2' },
      'Configuration error: BOT_APP_PASSWORD must not be set when BOT_APP_TYPE is UserAssignedMSI',
    ],
  ])('stops on %s with one readable line naming the setting', (_case, env, line) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message.startsWith(line)).toBe(true);
    expect(message).not.toContain('\n');
    expect(message).not.toContain('hunter2');
  });

  it('npm start prints only that line and exits 1 on a wrong setting', () => {
    const root = path.resolve(__dirname, '..');
    const run = spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'scripts/start.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH, PORT: 'abc' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe("Configuration error: PORT must be a number between 1 and 65535 (got 'abc')");
    expect(run.stdout.trim()).toBe('');
  }, 60_000);
});
