import https from 'node:https';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { AzureClients } from '../../src/azure/clients';
import { startTestAzure, type TestAzure } from '../support/azure';

const KEY_VAULT_ADMINISTRATOR = '00482a5a-887f-4fb3-b363-3b7fe8e74483';

describe('sandbox Key Vault data plane: who may do what', () => {
  let azure: TestAzure;
  beforeAll(async () => {
    azure = await startTestAzure();
  });
  afterAll(() => azure.close());

  const uri = (vault: string) => azure.sandbox.endpoints.keyVaults[vault];
  const identity = (name: string) => azure.sandbox.world.identities.find((i) => i.name === name)!;
  const vaultToken = (objectId: string, appId: string) =>
    azure.sandbox.tokens.issue({ objectId, appId, audience: 'https://vault.azure.net' }).token;

  it('challenges an anonymous request with the tenant and the vault resource', async () => {
    const res = await request(`${uri('kv-ade-policy')}keys/kek-vm-web-01?api-version=2025-07-01`, azure.sandbox.ca);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain(
      `authorization="https://login.microsoftonline.com/${azure.sandbox.world.tenantId}"`,
    );
    expect(res.headers['www-authenticate']).toContain('resource="https://vault.azure.net"');
  });

  it("denies a caller without the access policy permission with Key Vault's 403, naming no secret", async () => {
    const other = identity('id-other');
    const token = vaultToken(other.objectId, other.clientId);
    const vm = azure.sandbox.world.vms.find((v) => v.name === 'vm-web-01')!;
    const res = await request(`${vm.encryption!.secretUrl}?api-version=2026-04-01`, azure.sandbox.ca, token);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('Forbidden');
    expect(res.body.error.innererror.code).toBe('AccessDenied');
    expect(res.body.error.message).toContain('does not have secrets get permission');
    const value = azure.sandbox.world.keyVaults.find((k) => k.name === 'kv-ade-policy')!.secrets[0].value;
    expect(JSON.stringify(res.body)).not.toContain(value);
  });

  it('refuses a token for another audience and an unknown api-version', async () => {
    const bot = identity('id-backup-bot');
    const armToken = azure.sandbox.tokens.issue({
      objectId: bot.objectId,
      appId: bot.clientId,
      audience: 'https://management.azure.com',
    }).token;
    expect(
      (await request(`${uri('kv-ade-policy')}keys/kek-vm-web-01?api-version=2025-07-01`, azure.sandbox.ca, armToken))
        .status,
    ).toBe(401);
    const res = await request(
      `${uri('kv-ade-policy')}keys/kek-vm-web-01?api-version=2015-06-01`,
      azure.sandbox.ca,
      vaultToken(bot.objectId, bot.clientId),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('InvalidApiVersionParameter');
  });

  it('checks data actions by role on the RBAC vault', async () => {
    const keys = azure.clients.keys(uri('kv-ade-rbac'));
    // The bot's custom restore role (on rg-keys) reads keys and secret metadata, but not secret values.
    expect((await keys.getKey('kek-vm-rbac-01')).name).toBe('kek-vm-rbac-01');
    const vm = azure.sandbox.world.vms.find((v) => v.name === 'vm-rbac-01')!;
    const secretName = vm.encryption!.secretUrl.split('/secrets/')[1].split('/')[0];
    const denied = await azure.clients
      .secrets(uri('kv-ade-rbac'))
      .getSecret(secretName)
      .catch((e) => e);
    expect(denied).toMatchObject({ statusCode: 403, code: 'Forbidden' });
    expect(denied.details.error.innerError.code).toBe('ForbiddenByRbac');
    expect(denied.message).toContain("Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'");
  });

  it('lets Backup Management Service back up keys on the RBAC vault once it holds Key Vault Administrator there', async () => {
    const bms = azure.sandbox.world.servicePrincipals[0];
    const backupService = clientsAs(azure, bms.objectId, bms.appId).keys(uri('kv-ade-rbac'));
    await expect(backupService.backupKey('kek-vm-rbac-01')).rejects.toMatchObject({ statusCode: 403 });
    const kv = azure.sandbox.world.keyVaults.find((k) => k.name === 'kv-ade-rbac')!;
    const scope = `/subscriptions/${azure.sandbox.world.subscriptionId}/resourceGroups/${kv.resourceGroup}/providers/Microsoft.KeyVault/vaults/${kv.name}`;
    await azure.clients.authorization.roleAssignments.create(scope, '0f2d7c1e-5b7a-4c1e-9a53-2f1c8e0d9b11', {
      roleDefinitionId: `/subscriptions/${azure.sandbox.world.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${KEY_VAULT_ADMINISTRATOR}`,
      principalId: bms.objectId,
      principalType: 'ServicePrincipal',
    });
    expect(await backupService.backupKey('kek-vm-rbac-01')).toBeInstanceOf(Uint8Array);
  });

  it('fails to connect to a vault that no longer exists, as an unresolvable host does', async () => {
    const err = await azure.clients
      .keys(uri('kv-ade-gone'))
      .getKey('kek-vm-lostkv-01')
      .catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err.statusCode).toBeUndefined();
    expect(['ECONNRESET', 'ECONNREFUSED', 'EPIPE']).toContain(err.code);
  });
});

function clientsAs(azure: TestAzure, objectId: string, appId: string): AzureClients {
  const credential: TokenCredential = {
    getToken: async (scopes): Promise<AccessToken> => {
      const audience = (Array.isArray(scopes) ? scopes[0] : scopes).replace(/\/\.default$/, '');
      const { token, expiresOn } = azure.sandbox.tokens.issue({ objectId, appId, audience });
      return { token, expiresOnTimestamp: expiresOn * 1000 };
    },
  };
  return new AzureClients(azure.settings, credential);
}

function request(
  url: string,
  ca: string,
  token?: string,
): Promise<{ status: number; headers: Record<string, any>; body: any }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { ca, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : undefined });
      });
    });
    req.on('error', reject);
    req.end();
  });
}
