import { growEstate } from '../../src/sandbox/world/estate';
import { startTestAzure, type TestAzure } from '../support/azure';

/**
 * The sandbox's Resource Graph endpoint (POST /providers/Microsoft.ResourceGraph/resources), driven by the real
 * @azure/arm-resourcegraph client: the bot's query shapes answered as Resource Graph answers them, with paging, and
 * every other shape refused with Resource Graph's error body.
 */
describe('sandbox: Resource Graph', () => {
  let azure: TestAzure;
  beforeAll(async () => {
    azure = await startTestAzure();
    growEstate(azure.sandbox, 250);
  });
  afterAll(() => azure.close());

  const run = (query: string, options: Record<string, unknown> = {}) =>
    azure.clients.resourceGraph.resources({
      subscriptions: [azure.settings.subscriptionId],
      query,
      options: { resultFormat: 'objectArray', ...options },
    });

  it('finds VMs by type and name, any case, with the columns asked for', async () => {
    const res = await run(
      "Resources | where type in~ ('Microsoft.Compute/virtualMachines', 'microsoft.classiccompute/virtualmachines') and name in~ ('VM-WEB-01', 'vm-classic-01') | project id, name, type, location, resourceGroup, subscriptionId",
    );
    expect(res).toMatchObject({ totalRecords: 2, count: 2, resultTruncated: 'false' });
    expect(res.skipToken).toBeUndefined();
    expect(res.data).toEqual(
      expect.arrayContaining([
        {
          id: expect.stringMatching(
            /\/resourceGroups\/rg-app\/providers\/Microsoft\.Compute\/virtualMachines\/vm-web-01$/,
          ),
          name: 'vm-web-01',
          type: 'microsoft.compute/virtualmachines',
          location: 'eastasia',
          resourceGroup: 'rg-app',
          subscriptionId: azure.settings.subscriptionId,
        },
        expect.objectContaining({ name: 'vm-classic-01', type: 'microsoft.classiccompute/virtualmachines' }),
      ]),
    );
  });

  it('pages a picker query by $top and $skipToken, ordered by name, filtered by what was typed', async () => {
    const query =
      "Resources | where type =~ 'microsoft.compute/virtualmachines' and name contains 'ESTATE-001' | project id, name | order by name asc";
    const first = await run(query, { top: 40 });
    expect(first).toMatchObject({ totalRecords: 100, count: 40 });
    expect(first.data.map((r: { name: string }) => r.name).slice(0, 2)).toEqual(['vm-estate-00100', 'vm-estate-00101']);
    const names: string[] = first.data.map((r: { name: string }) => r.name);
    let token = first.skipToken;
    while (token) {
      const next = await run(query, { skipToken: token });
      names.push(...next.data.map((r: { name: string }) => r.name));
      token = next.skipToken;
    }
    expect(names).toHaveLength(100);
    expect(new Set(names).size).toBe(100);
    expect([...names].sort()).toEqual(names);
  });

  it('shows key vaults with their access model and leaves out a deleted one', async () => {
    const res = await run(
      "Resources | where type =~ 'microsoft.keyvault/vaults' and name in~ ('kv-ade-rbac', 'kv-ade-gone') | project id, name, rbac = tobool(properties.enableRbacAuthorization)",
    );
    expect(res.data).toEqual([{ id: expect.any(String), name: 'kv-ade-rbac', rbac: true }]);
  });

  it.each([
    ['another table', "ResourceContainers | where type =~ 'x' | project id"],
    ['no type filter', "Resources | where name =~ 'vm-web-01' | project id"],
    ['no id in the projection', "Resources | where type =~ 'microsoft.compute/virtualmachines' | project name"],
    ['an unclosed string', "Resources | where type =~ 'microsoft.compute/virtualmachines | project id"],
    [
      'an operator the bot never sends',
      "Resources | where type =~ 'microsoft.compute/virtualmachines' | project id | limit 3",
    ],
    [
      'a function call',
      "Resources | where type =~ 'microsoft.compute/virtualmachines' and tolower(name) == 'x' | project id",
    ],
  ])('refuses %s with BadRequest / InvalidQuery', async (_what, query) => {
    const err = await run(query).catch((e) => e);
    expect(err.statusCode).toBe(400);
    expect(err.code).toBe('BadRequest');
    expect(err.details?.error?.details?.map((d: { code: string }) => d.code)).toContain('InvalidQuery');
  });

  it('refuses $top beyond 1000 and a skip token it did not issue', async () => {
    const q = "Resources | where type =~ 'microsoft.compute/virtualmachines' | project id";
    for (const options of [{ top: 1001 }, { skipToken: 'bm90LW91cnM=' }]) {
      const err = await run(q, options).catch((e) => e);
      expect(err.statusCode).toBe(400);
    }
  });

  it('shows nothing of a subscription it was not asked about', async () => {
    const res = await azure.clients.resourceGraph.resources({
      subscriptions: ['99999999-9999-4999-8999-999999999999'],
      query: "Resources | where type =~ 'microsoft.compute/virtualmachines' | project id",
    });
    expect(res).toMatchObject({ totalRecords: 0, count: 0, data: [] });
  });
});
