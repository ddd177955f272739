import { AzureClients } from '../../src/azure/clients';
import { ApprovedCredential } from '../../src/azure/identity';
import { identityEnvironment, sandboxAzureSettings } from '../../src/sandbox/settings';
import { startTestAzure, type TestAzure } from '../support/azure';

const PRIMARY = '22222222-2222-4222-8222-222222222222';
const FINANCE = '22222222-2222-4222-8222-222222222223';
const RESEARCH = '22222222-2222-4222-8222-222222222224';
const RESTRICTED = '22222222-2222-4222-8222-222222222225';

/**
 * The sandbox's further subscriptions (issue 17): each is a world of its own, reached by the subscription in the
 * request's path; GET /subscriptions lists those the caller holds a role in; Resource Graph answers rows of the
 * requested subscriptions the caller may read, nothing of one it holds no role in.
 */
describe('sandbox: several subscriptions', () => {
  let azure: TestAzure;
  beforeAll(async () => {
    azure = await startTestAzure();
  });
  afterAll(() => azure.close());

  const list = (clients: AzureClients) =>
    clients.armRequest<{ value: { subscriptionId: string; displayName: string; state: string }[]; count: unknown }>(
      'GET',
      '/subscriptions?api-version=2022-12-01',
    );

  it('GET /subscriptions: the bot sees the three it holds roles in, never Contoso Restricted', async () => {
    const body = await list(azure.clients);
    expect(body.value.map((s) => [s.subscriptionId, s.displayName, s.state])).toEqual([
      [PRIMARY, 'Sandbox Production', 'Enabled'],
      [FINANCE, 'Contoso Finance', 'Enabled'],
      [RESEARCH, 'Contoso Research', 'Enabled'],
    ]);
    expect(body.count).toEqual({ type: 'Total', value: 3 });
  });

  it('GET /subscriptions: another identity sees the ones it holds roles in (the primary and Restricted)', async () => {
    const settings = sandboxAzureSettings(azure.sandbox, 'id-other');
    Object.assign(process.env, identityEnvironment(azure.sandbox));
    const other = new AzureClients(
      settings,
      new ApprovedCredential({
        ...settings,
        approvedIdentity: { objectId: '44444444-4444-4444-8444-444444444402', tenantId: settings.tenantId },
      }),
    );
    const body = await list(other);
    expect(body.value.map((s) => s.displayName)).toEqual(['Sandbox Production', 'Contoso Restricted']);
  });

  it("a subscription's requests are answered from its own world, with its own role assignments", async () => {
    const finance = azure.clients.subscriptions.clientsFor(FINANCE);
    const vm = await finance.compute.virtualMachines.get('rg-fin-app', 'vm-fin-01');
    expect(vm.id).toBe(
      `/subscriptions/${FINANCE}/resourceGroups/rg-fin-app/providers/Microsoft.Compute/virtualMachines/vm-fin-01`,
    );
    // The primary's resource group names mean nothing there.
    await expect(finance.compute.virtualMachines.get('rg-app', 'vm-web-01')).rejects.toMatchObject({ statusCode: 404 });
    // The bot holds no role in Contoso Restricted: refused as ARM refuses.
    const restricted = azure.clients.subscriptions.clientsFor(RESTRICTED);
    await expect(restricted.compute.virtualMachines.get('rg-sec-app', 'vm-sec-01')).rejects.toMatchObject({
      statusCode: 403,
      code: 'AuthorizationFailed',
    });
    const vaults = [];
    for await (const v of azure.clients.subscriptions
      .clientsFor(RESEARCH)
      .recoveryServices.vaults.listBySubscriptionId())
      vaults.push(v.name);
    expect(vaults).toEqual(['rsv-res-eastasia']);
  });

  it('Resource Graph: one query across the subscriptions asked for, rows of readable ones only', async () => {
    const res = await azure.clients.resourceGraph.resources({
      subscriptions: [PRIMARY, FINANCE, RESEARCH, RESTRICTED],
      query:
        "Resources | where type =~ 'microsoft.compute/virtualmachines' and name in~ ('vm-web-01', 'vm-fin-01', 'vm-res-01', 'vm-sec-01') | project id, name, type, location, resourceGroup, subscriptionId",
      options: { resultFormat: 'objectArray' },
    });
    const rows = (res.data as { name: string; subscriptionId: string }[]).map((r) => [r.name, r.subscriptionId]);
    expect(rows.sort()).toEqual([
      ['vm-fin-01', FINANCE],
      ['vm-res-01', RESEARCH],
      ['vm-web-01', PRIMARY],
    ]);
    // Only the subscriptions in the request: the finance one alone answers its own VM only.
    const one = await azure.clients.resourceGraph.resources({
      subscriptions: [FINANCE],
      query:
        "Resources | where type =~ 'microsoft.compute/virtualmachines' and name in~ ('vm-web-01', 'vm-fin-01') | project id, name",
      options: { resultFormat: 'objectArray' },
    });
    expect((one.data as { name: string }[]).map((r) => r.name)).toEqual(['vm-fin-01']);
  });
});
