import https from 'node:https';
import { startTestAzure, type TestAzure } from '../support/azure';

const BMS_OBJECT_ID = '66666666-6666-4666-8666-666666666601';

describe('sandbox Key Vault management', () => {
  let azure: TestAzure;
  beforeAll(async () => {
    azure = await startTestAzure();
  });
  afterAll(() => azure.close());

  it('tells an access-policy vault from an RBAC vault and names its data-plane URI', async () => {
    const policy = await azure.clients.keyVault.vaults.get('rg-keys', 'kv-ade-policy');
    expect(policy.properties.enableRbacAuthorization).toBe(false);
    expect(policy.properties.vaultUri).toBe(azure.sandbox.endpoints.keyVaults['kv-ade-policy']);
    expect(policy.properties.enabledForDiskEncryption).toBe(true);
    expect(policy.properties.accessPolicies?.map((p) => p.objectId)).toContain(BMS_OBJECT_ID);
    const rbac = await azure.clients.keyVault.vaults.get('rg-keys', 'kv-ade-rbac');
    expect(rbac.properties.enableRbacAuthorization).toBe(true);
  });

  it('lists the existing vaults only, and answers 404 for the vault that is gone', async () => {
    const names: string[] = [];
    for await (const v of azure.clients.keyVault.vaults.listBySubscription()) names.push(v.name!);
    expect(names.sort()).toEqual(['kv-ade-kek', 'kv-ade-nogrant', 'kv-ade-policy', 'kv-ade-rbac', 'kv-ade-revoked']);
    const inGroup: string[] = [];
    for await (const v of azure.clients.keyVault.vaults.listByResourceGroup('rg-keys', { top: 2 }))
      inGroup.push(v.name!);
    expect(inGroup).toHaveLength(5);
    await expect(azure.clients.keyVault.vaults.get('rg-keys', 'kv-ade-gone')).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceNotFound',
    });
  });

  it('adds the Backup Management Service policy once, however often it is added, and removes it', async () => {
    const grant = {
      properties: {
        accessPolicies: [
          {
            tenantId: azure.sandbox.world.tenantId,
            objectId: BMS_OBJECT_ID,
            permissions: { keys: ['get', 'list', 'backup'], secrets: ['get', 'list', 'backup'] },
          },
        ],
      },
    };
    const answer = await azure.clients.keyVault.vaults.updateAccessPolicy('rg-keys', 'kv-ade-nogrant', 'add', grant);
    expect(answer.type).toBe('Microsoft.KeyVault/vaults/accessPolicies');
    await azure.clients.keyVault.vaults.updateAccessPolicy('rg-keys', 'kv-ade-nogrant', 'add', {
      properties: {
        accessPolicies: [{ ...grant.properties.accessPolicies[0], permissions: { keys: ['Get', 'backup'] } }],
      },
    });
    let vault = await azure.clients.keyVault.vaults.get('rg-keys', 'kv-ade-nogrant');
    const entries = vault.properties.accessPolicies!.filter((p) => p.objectId === BMS_OBJECT_ID);
    expect(entries).toHaveLength(1);
    expect(entries[0].permissions.keys).toEqual(['get', 'list', 'backup']);

    await azure.clients.keyVault.vaults.updateAccessPolicy('rg-keys', 'kv-ade-nogrant', 'remove', {
      properties: { accessPolicies: [{ ...grant.properties.accessPolicies[0], permissions: { keys: ['backup'] } }] },
    });
    vault = await azure.clients.keyVault.vaults.get('rg-keys', 'kv-ade-nogrant');
    expect(vault.properties.accessPolicies!.find((p) => p.objectId === BMS_OBJECT_ID)?.permissions.keys).toEqual([
      'get',
      'list',
    ]);

    await azure.clients.keyVault.vaults.updateAccessPolicy('rg-keys', 'kv-ade-nogrant', 'remove', grant);
    vault = await azure.clients.keyVault.vaults.get('rg-keys', 'kv-ade-nogrant');
    expect(vault.properties.accessPolicies!.some((p) => p.objectId === BMS_OBJECT_ID)).toBe(false);
  });

  it('refuses an unknown permission name with 400', async () => {
    await expect(
      azure.clients.keyVault.vaults.updateAccessPolicy('rg-keys', 'kv-ade-nogrant', 'add', {
        properties: {
          accessPolicies: [
            { tenantId: azure.sandbox.world.tenantId, objectId: BMS_OBJECT_ID, permissions: { keys: ['steal'] } },
          ],
        },
      }),
    ).rejects.toMatchObject({ statusCode: 400 });
  });

  it('refuses an access policy update from an identity without accessPolicies/write', async () => {
    const other = azure.sandbox.world.identities.find((i) => i.name === 'id-other')!;
    const token = azure.sandbox.tokens.issue({
      objectId: other.objectId,
      appId: other.clientId,
      audience: 'https://management.azure.com',
    }).token;
    const res = await request(
      azure,
      `${vaultPath(azure, 'kv-ade-nogrant')}/accessPolicies/add?api-version=2026-02-01`,
      token,
      'PUT',
      {
        properties: {
          accessPolicies: [
            { tenantId: azure.sandbox.world.tenantId, objectId: other.objectId, permissions: { secrets: ['get'] } },
          ],
        },
      },
    );
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('AuthorizationFailed');
    expect(res.body.error.message).toContain('Microsoft.KeyVault/vaults/accessPolicies/write');
  });

  it('accepts the published api-versions and refuses others', async () => {
    const token = (await azure.credential.getToken('https://management.azure.com/.default'))!.token;
    expect((await request(azure, `${vaultPath(azure, 'kv-ade-policy')}?api-version=2019-09-01`, token)).status).toBe(
      200,
    );
    const res = await request(azure, `${vaultPath(azure, 'kv-ade-policy')}?api-version=2018-02-14`, token);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('InvalidApiVersionParameter');
  });
});

const vaultPath = (azure: TestAzure, name: string) =>
  `/subscriptions/${azure.sandbox.world.subscriptionId}/resourceGroups/rg-keys/providers/Microsoft.KeyVault/vaults/${name}`;

function request(
  azure: TestAzure,
  path: string,
  token: string,
  method = 'GET',
  body?: unknown,
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request(
      `${azure.sandbox.endpoints.arm}${path}`,
      {
        method,
        ca: azure.sandbox.ca,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
