import https from 'node:https';
import { startTestAzure, type TestAzure } from '../support/azure';

describe('sandbox resources: generic resource list, resource groups, classic VMs', () => {
  let azure: TestAzure;
  let sub: string;
  beforeAll(async () => {
    azure = await startTestAzure();
    sub = azure.settings.subscriptionId;
  });
  afterAll(() => azure.close());

  const botToken = async () => (await azure.credential.getToken('https://management.azure.com/.default'))!.token;

  it('serves arm-keyvault vaults.list from the generic list: existing vaults only, paged by $top', async () => {
    const mark = azure.sandbox.log.mark();
    const names: string[] = [];
    for await (const v of azure.clients.keyVault.vaults.list({ top: 2 })) names.push(v.name!);
    expect(names.sort()).toEqual(['kv-ade-kek', 'kv-ade-nogrant', 'kv-ade-policy', 'kv-ade-rbac', 'kv-ade-revoked']);
    const pages = azure.requestsSince(mark).filter((r) => r.routeId === 'resources.list');
    expect(pages.length).toBe(3);
  });

  it('lists classic VMs, VMs, vaults and storage accounts by resource type', async () => {
    const of = async (type: string) => {
      const res = await get(
        azure,
        `/subscriptions/${sub}/resources?$filter=${encodeURIComponent(`resourceType eq '${type}'`)}&api-version=2021-04-01`,
        await botToken(),
      );
      expect(res.status).toBe(200);
      return (res.body.value as { name: string; type: string }[]).map((r) => r.name);
    };
    expect(await of('Microsoft.ClassicCompute/virtualMachines')).toEqual(['vm-classic-01']);
    expect(await of('Microsoft.Compute/virtualMachines')).not.toContain('vm-classic-01');
    expect(await of('Microsoft.RecoveryServices/vaults')).toEqual(['rsv-prod-eastasia', 'rsv-prod-sea']);
    expect(await of('Microsoft.Storage/storageAccounts')).toHaveLength(2);
    const bad = await get(
      azure,
      `/subscriptions/${sub}/resources?$filter=${encodeURIComponent("tagName eq 'x'")}&api-version=2021-04-01`,
      await botToken(),
    );
    expect(bad.status).toBe(400);
  });

  it('answers a classic VM under Microsoft.ClassicCompute, so classic can be told from missing', async () => {
    const path = `/subscriptions/${sub}/resourceGroups/rg-app/providers/Microsoft.ClassicCompute/virtualMachines`;
    const classic = await get(azure, `${path}/vm-classic-01?api-version=2016-04-01`, await botToken());
    expect(classic.status).toBe(200);
    expect(classic.body).toMatchObject({ name: 'vm-classic-01', type: 'Microsoft.ClassicCompute/virtualMachines' });
    const missing = await get(azure, `${path}/vm-web-01?api-version=2016-04-01`, await botToken());
    expect(missing.status).toBe(404);
  });

  it('lists and gets resource groups, showing a caller only the groups it may read', async () => {
    const list = await get(azure, `/subscriptions/${sub}/resourcegroups?api-version=2021-04-01`, await botToken());
    expect((list.body.value as { name: string }[]).map((g) => g.name)).toEqual(
      expect.arrayContaining(['rg-restore', 'rg-restore-locked', 'rg-staging']),
    );
    const rg = await get(
      azure,
      `/subscriptions/${sub}/resourcegroups/rg-restore?api-version=2021-04-01`,
      await botToken(),
    );
    expect(rg.body).toMatchObject({
      name: 'rg-restore',
      location: 'eastasia',
      properties: { provisioningState: 'Succeeded' },
    });
    const missing = await get(
      azure,
      `/subscriptions/${sub}/resourcegroups/rg-nope?api-version=2021-04-01`,
      await botToken(),
    );
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'ResourceGroupNotFound' } } });

    // Backup Management Service holds no role in the subscription: it sees no groups and no resources.
    const bms = azure.sandbox.world.servicePrincipals[0];
    const stranger = azure.sandbox.tokens.issue({
      objectId: bms.objectId,
      appId: bms.appId,
      audience: 'https://management.azure.com',
    }).token;
    expect(
      (await get(azure, `/subscriptions/${sub}/resourcegroups?api-version=2021-04-01`, stranger)).body.value,
    ).toEqual([]);
    expect((await get(azure, `/subscriptions/${sub}/resources?api-version=2015-11-01`, stranger)).body.value).toEqual(
      [],
    );
    expect(
      (await get(azure, `/subscriptions/${sub}/resourcegroups/rg-app?api-version=2021-04-01`, stranger)).body.error
        .code,
    ).toBe('AuthorizationFailed');
  });
});

function get(azure: TestAzure, path: string, token: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${azure.sandbox.endpoints.arm}${path}`,
      { ca: azure.sandbox.ca, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString() || '{}') }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}
