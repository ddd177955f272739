import https from 'node:https';
import { assignmentsFor } from '../../src/sandbox/authorization/rbac';
import { roleDefinitionOf } from '../../src/sandbox/providers/authorization/access';
import { startTestAzure, type TestAzure } from '../support/azure';
import { deployInfra } from './deployInfra';

const SUB = '/subscriptions/22222222-2222-4222-8222-222222222222';
const rg = (name: string) => `${SUB}/resourceGroups/${name}`;

/** What the bot's identity holds, as "role @ scope" lines. */
function holdings(azure: TestAzure): string[] {
  const w = azure.sandbox.world;
  const bot = w.identities.find((i) => i.approved)!;
  return w.roleAssignments
    .filter((a) => a.principalId === bot.objectId)
    .map((a) => `${roleDefinitionOf(w, a)?.roleName} @ ${a.scope}${a.condition ? ' (condition)' : ''}`)
    .sort();
}

/** The bot's own key vault, which infra/main.json creates (its default name: kv-bot-<uniqueString>). */
const signingVault = (azure: TestAzure) =>
  azure.sandbox.world.keyVaults.find((k) => k.resourceGroup === 'rg-identity' && k.name.startsWith('kv-bot-'))!.name;

describe('infra/main.json deployed into a sandbox where the bot holds nothing', () => {
  let azure: TestAzure;
  let deployment: Awaited<ReturnType<typeof deployInfra>>;
  beforeAll(async () => {
    azure = await startTestAzure({ botAccess: 'none' });
    expect(holdings(azure)).toEqual([]);
    deployment = await deployInfra(azure);
  });
  afterAll(() => azure.close());

  it('succeeds, and its outputs are the settings the bot runs with', () => {
    expect('error' in deployment ? deployment.error : undefined).toBeUndefined();
    const d = deployment as any;
    expect(d.properties.provisioningState).toBe('Succeeded');
    const bot = azure.sandbox.world.identities.find((i) => i.approved)!;
    expect(d.properties.outputs).toMatchObject({
      BOT_ID: { value: bot.clientId },
      AZURE_MANAGED_IDENTITY_CLIENT_ID: { value: bot.clientId },
      AZURE_APPROVED_IDENTITY_OBJECT_ID: { value: bot.objectId },
      BOT_DOMAIN: { value: 'app-backup-bot-sandbox.azurewebsites.net' },
      BLOB_ACCOUNT_URL: { value: 'https://stbackupbotsandbox.blob.core.windows.net' },
      KEY_VAULT_BACKUP_ROLE_ID: { value: '00482a5a-887f-4fb3-b363-3b7fe8e74483' },
    });
    // The webhook token is a secure parameter: ARM never echoes it.
    expect(JSON.stringify(d.properties.parameters)).not.toContain('sandbox-alert-token');
  });

  it("grants exactly the README's least-privilege table, nothing broader", () => {
    const container = `${rg('rg-identity')}/providers/Microsoft.Storage/storageAccounts/stbackupbotsandbox/blobServices/default/containers/ade-backup-bot`;
    expect(holdings(azure)).toEqual(
      [
        `Reader @ ${SUB}`,
        `Backup Contributor @ ${rg('rg-backup')}`,
        `Virtual Machine Contributor @ ${rg('rg-app')}`,
        `Network Contributor @ ${rg('rg-app')}`,
        `Virtual Machine Contributor @ ${rg('rg-restore')}`,
        `Network Contributor @ ${rg('rg-restore')}`,
        `Key Vault Contributor @ ${rg('rg-keys')}`,
        `Key Vault Restore Operator (ADE backup bot) @ ${rg('rg-keys')}`,
        `Role Based Access Control Administrator @ ${rg('rg-keys')}/providers/Microsoft.KeyVault/vaults/kv-ade-rbac (condition)`,
        `Storage Account Contributor @ ${rg('rg-staging')}`,
        `Storage Blob Data Contributor @ ${rg('rg-staging')}`,
        `Storage Blob Data Contributor @ ${container}`,
        `Key Vault Secrets User @ ${rg('rg-identity')}/providers/Microsoft.KeyVault/vaults/${signingVault(azure)}`,
      ].sort(),
    );
    const w = azure.sandbox.world;
    const bot = w.identities.find((i) => i.approved)!;
    const roles = w.roleAssignments.filter((a) => a.principalId === bot.objectId).map((a) => roleDefinitionOf(w, a)!);
    expect(roles.map((r) => r.roleName)).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^(Owner|Contributor|User Access Administrator)$/)]),
    );
    expect(roles.flatMap((r) => r.actions)).not.toContain('*');
    // At subscription scope: Reader, and only Reader.
    expect(assignmentsFor(w, bot.objectId, SUB).map((a) => roleDefinitionOf(w, a)!.roleName)).toEqual(['Reader']);
  });

  it('lets the identity assign only the Backup role on the RBAC key vault (the ABAC condition)', async () => {
    const kv = `${rg('rg-keys')}/providers/Microsoft.KeyVault/vaults/kv-ade-rbac`;
    const assign = (role: string) =>
      azure.clients.authorization.roleAssignments.create(kv, '0f0f0f0f-0000-4000-8000-00000000b0b0', {
        roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
        principalId: '66666666-6666-4666-8666-666666666601',
        principalType: 'ServicePrincipal',
      });
    await expect(assign('8e3af657-a8ff-443c-a75c-2fe8c4bcb635')).rejects.toMatchObject({
      statusCode: 403,
      message: expect.stringContaining('ABAC condition not fulfilled'),
    });
    const created = await assign('00482a5a-887f-4fb3-b363-3b7fe8e74483');
    expect(created.scope).toBe(kv);
    await azure.clients.authorization.roleAssignments.delete(kv, '0f0f0f0f-0000-4000-8000-00000000b0b0');
  });

  it('creates the host, the Azure Bot (Teams channel only), Blob without shared keys and the alert routing', () => {
    const w = azure.sandbox.world;
    const of = (type: string) => w.armResources.filter((r) => r.type.toLowerCase() === type.toLowerCase());
    const bot = w.identities.find((i) => i.approved)!;
    const identityId = `${rg('rg-identity')}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-backup-bot`;

    const [site] = of('Microsoft.Web/sites');
    expect(site.properties.siteConfig).toMatchObject({
      linuxFxVersion: 'NODE|24-lts',
      appCommandLine: 'node dist/index.js',
      healthCheckPath: '/healthz',
    });
    const [config] = of('Microsoft.Web/sites/config');
    expect(config.name).toBe('app-backup-bot-sandbox/appsettings');
    const settings = config.properties;
    expect(settings).toMatchObject({
      AZURE_MODE: 'live', // the parameters ask for sandbox: the template's own settings win
      BOT_APP_TYPE: 'UserAssignedMSI',
      BOT_APP_ID: bot.clientId,
      AZURE_APPROVED_IDENTITY_OBJECT_ID: bot.objectId,
      STORE: 'blob',
      BLOB_ACCOUNT_URL: 'https://stbackupbotsandbox.blob.core.windows.net',
      RPO_HOURS: '12', // from the appSettings parameter
      APPLICATIONINSIGHTS_CONNECTION_STRING: of('Microsoft.Insights/components')[0].properties.ConnectionString,
      ApplicationInsightsAgent_EXTENSION_VERSION: '~3',
    });
    expect(of('Microsoft.Insights/components')[0].properties.WorkspaceResourceId).toBe(
      of('Microsoft.OperationalInsights/workspaces')[0].id,
    );
    expect(Object.keys(site.identity!.userAssignedIdentities as object)).toEqual([identityId]);
    expect(of('Microsoft.App/containerApps')).toEqual([]); // hostKind appService

    const [azureBot] = of('Microsoft.BotService/botServices');
    expect(azureBot.properties).toMatchObject({
      msaAppType: 'UserAssignedMSI',
      msaAppId: bot.clientId,
      msaAppMSIResourceId: identityId,
      endpoint: 'https://app-backup-bot-sandbox.azurewebsites.net/api/messages',
    });
    expect(of('Microsoft.BotService/botServices/channels').map((c) => c.properties.channelName)).toEqual([
      'MsTeamsChannel',
    ]);

    const [account] = of('Microsoft.Storage/storageAccounts');
    expect(account.properties).toMatchObject({ allowSharedKeyAccess: false, allowBlobPublicAccess: false });
    expect(w.blobs.stbackupbotsandbox).toHaveProperty('ade-backup-bot');

    const [group] = of('Microsoft.Insights/actionGroups');
    expect(group.properties.webhookReceivers).toEqual([
      expect.objectContaining({
        serviceUri:
          'https://app-backup-bot-sandbox.azurewebsites.net/api/alerts?token=sandbox-alert-token-not-a-secret',
        useCommonAlertSchema: true,
      }),
    ]);
    const [rule] = of('Microsoft.AlertsManagement/actionRules');
    expect(rule.properties).toMatchObject({
      scopes: [SUB],
      conditions: [{ field: 'MonitorService', operator: 'Equals', values: ['Azure Backup'] }],
      actions: [{ actionType: 'AddActionGroups', actionGroupIds: [group.id] }],
    });
  });

  it('serves the stored resources back through ARM, to a caller allowed to read them', async () => {
    const get = (token: string) =>
      new Promise<{ status: number; body: any }>((resolve, reject) => {
        const path = `${rg('rg-identity')}/providers/Microsoft.BotService/botServices/bot-backup-sandbox/channels/MsTeamsChannel?api-version=2022-09-15`;
        https
          .get(
            `${azure.sandbox.endpoints.arm}${path}`,
            { ca: azure.sandbox.ca, headers: { authorization: `Bearer ${token}` } },
            (res) => {
              let text = '';
              res.on('data', (c) => (text += c));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
            },
          )
          .on('error', reject);
      });
    const tokenFor = (name: string) => {
      const i = azure.sandbox.world.identities.find((x) => x.name === name)!;
      return azure.sandbox.tokens.issue({
        objectId: i.objectId,
        appId: i.clientId,
        audience: 'https://management.azure.com',
      }).token;
    };
    const channel = await get(tokenFor('id-backup-bot')); // Reader on the subscription
    expect(channel).toMatchObject({
      status: 200,
      body: { name: 'MsTeamsChannel', properties: { channelName: 'MsTeamsChannel' } },
    });
    azure.sandbox.world.identities.push({
      name: 'id-nobody',
      resourceGroup: 'rg-identity',
      clientId: '0a0a0a0a-0000-4000-8000-000000000001',
      objectId: '0a0a0a0a-0000-4000-8000-000000000002',
      approved: false,
    });
    expect((await get(tokenFor('id-nobody'))).status).toBe(403);
  });

  it('is idempotent: deploying again changes no grant', async () => {
    const before = holdings(azure);
    const again = await deployInfra(azure);
    expect((again as any).properties?.provisioningState).toBe('Succeeded');
    expect(holdings(azure)).toEqual(before);
  });
});
