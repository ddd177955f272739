import { createAzure, explain, SubscriptionNotManagedError, type Azure } from '../../src/azure';
import { startTestAzure, type TestAzure } from '../support/azure';

const PRIMARY = '22222222-2222-4222-8222-222222222222';
const FINANCE = '22222222-2222-4222-8222-222222222223';
const RESEARCH = '22222222-2222-4222-8222-222222222224';
const RESTRICTED = '22222222-2222-4222-8222-222222222225';
const OUTSIDE = '99999999-9999-4999-8999-999999999999';

/**
 * The Azure layer across several subscriptions (issue 17), real SDK clients against the sandbox: one set of clients per
 * managed subscription chosen by a resource's id, lists spanning every readable managed subscription, one Resource
 * Graph query for names whatever the number of subscriptions, and a subscription the identity cannot read named as
 * such and never listed.
 */
describe('Azure layer: several subscriptions', () => {
  let azure: TestAzure;
  let az: Azure;
  beforeAll(async () => {
    azure = await startTestAzure();
    az = createAzure({ ...azure.settings, subscriptionIds: [PRIMARY, FINANCE, RESEARCH, RESTRICTED] });
  });
  afterAll(() => azure.close());

  const arm = (mark: number) => azure.requestsSince(mark).filter((r) => !r.path.startsWith('/v1.0/'));

  it('names the managed subscriptions, and the configured one its identity cannot read', async () => {
    expect(await az.subscriptions.managed()).toEqual([
      { id: PRIMARY, name: 'Sandbox Production', readable: true },
      { id: FINANCE, name: 'Contoso Finance', readable: true },
      { id: RESEARCH, name: 'Contoso Research', readable: true },
      { id: RESTRICTED, name: RESTRICTED, readable: false },
    ]);
  });

  it('every subscription the identity can read when none is configured (GET /subscriptions)', async () => {
    const discovered = createAzure({ ...azure.settings, subscriptionId: '', subscriptionIds: [] });
    expect((await discovered.subscriptions.managed()).map((s) => s.name)).toEqual([
      'Sandbox Production',
      'Contoso Finance',
      'Contoso Research',
    ]);
    expect((await discovered.vaults.list()).map((v) => v.name).sort()).toEqual([
      'rsv-fin-eastasia',
      'rsv-prod-eastasia',
      'rsv-prod-sea',
      'rsv-res-eastasia',
    ]);
  });

  it('lists vaults and key vaults of every readable managed subscription, with the subscription named', async () => {
    const vaults = await az.vaults.list();
    expect(vaults.map((v) => [v.name, v.subscriptionName]).sort()).toEqual([
      ['rsv-fin-eastasia', 'Contoso Finance'],
      ['rsv-prod-eastasia', 'Sandbox Production'],
      ['rsv-prod-sea', 'Sandbox Production'],
      ['rsv-res-eastasia', 'Contoso Research'],
    ]);
    const keyVaults = (await az.keyVaults.list()).map((k) => k.name);
    expect(keyVaults).toEqual(expect.arrayContaining(['kv-ade-policy', 'kv-fin-ade', 'kv-res-ade']));
    expect(keyVaults).not.toContain('kv-sec-ade');
  });

  it('finds VMs in three subscriptions with ONE Resource Graph query; the unreadable one answers nothing', async () => {
    const mark = azure.sandbox.log.mark();
    const found = await az.vms.resolve(['vm-web-01', 'vm-fin-01', 'vm-res-01', 'vm-sec-01']);
    expect(found.map((f) => (f.kind === 'found' ? f.vm.id.split('/')[2] : f.kind))).toEqual([
      PRIMARY,
      FINANCE,
      RESEARCH,
      'missing',
    ]);
    expect(arm(mark).map((r) => r.routeId)).toEqual(['resourceGraph.resources']);
  });

  it("reads a VM in another subscription with that subscription's clients (by name, and by id)", async () => {
    const byName = await az.vms.get('vm-fin-01');
    expect(byName).toMatchObject({
      id: `/subscriptions/${FINANCE}/resourceGroups/rg-fin-app/providers/Microsoft.Compute/virtualMachines/vm-fin-01`,
      encryption: { kind: 'bek+kek' },
      protection: { vault: 'rsv-fin-eastasia', vaultSubscriptionId: FINANCE },
    });
    const mark = azure.sandbox.log.mark();
    await az.vms.get(byName.id);
    // By id: no look-up; every request went to the finance subscription.
    expect(arm(mark).filter((r) => !r.path.toLowerCase().includes(`/subscriptions/${FINANCE}/`))).toEqual([]);
  });

  it('refuses a resource in an unreadable or unmanaged subscription before sending anything', async () => {
    const mark = azure.sandbox.log.mark();
    const sec = `/subscriptions/${RESTRICTED}/resourceGroups/rg-sec-app/providers/Microsoft.Compute/virtualMachines/vm-sec-01`;
    await expect(az.vms.get(sec)).rejects.toMatchObject({ code: 'SubscriptionNotManaged', reason: 'unreadable' });
    const outside = `/subscriptions/${OUTSIDE}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-x`;
    await expect(az.vms.get(outside)).rejects.toBeInstanceOf(SubscriptionNotManagedError);
    await expect(
      az.jobs.list(`/subscriptions/${OUTSIDE}/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v`),
    ).rejects.toMatchObject({
      code: 'SubscriptionNotManaged',
      reason: 'unmanaged',
    });
    expect(arm(mark)).toEqual([]);
    // What the dialogs say: one sentence, in both languages, naming the subscription.
    const refused = await az.vms.get(outside).catch((err: unknown) => err);
    expect(explain(refused, 'en')).toMatchObject({
      title: 'Subscription not managed',
      cause: `It is in subscription ${OUTSIDE}, which this bot does not manage or cannot read. Nothing was changed.`,
    });
    expect(explain(refused, 'zh-TW').cause).toContain(`訂用帳戶 ${OUTSIDE}`);
  });

  it("restore targets are listed in the vault's subscription, and a target elsewhere is refused", async () => {
    const groups = await az.targets.listResourceGroups({ subscriptionId: FINANCE });
    expect(groups.map((g) => g.name)).toEqual(expect.arrayContaining(['rg-fin-restore']));
    expect(groups.map((g) => g.name)).not.toContain('rg-restore');
    const staging = await az.targets.listStagingAccounts('eastasia', { subscriptionId: FINANCE });
    expect(staging.map((s) => s.name)).toEqual(['stagingfin01']);
    const vm = await az.vms.get('vm-fin-01');
    const [point] = await az.recoveryPoints.list({ ...vm.protection! });
    await expect(
      az.restore.beginRestoreDisks({
        item: { ...vm.protection! },
        recoveryPointName: point.name,
        sourceVmId: vm.id,
        stagingAccountId: staging[0].id,
        targetResourceGroupId: `/subscriptions/${PRIMARY}/resourceGroups/rg-restore`,
        region: 'eastasia',
      }),
    ).rejects.toMatchObject({ code: 'InvalidInput', field: 'targetResourceGroupId' });
  });

  it('the help card source: one listing for a single subscription too, naming it', async () => {
    const single = createAzure(azure.settings);
    expect(await single.subscriptions.describe()).toEqual([
      { id: PRIMARY, name: 'Sandbox Production', readable: true },
    ]);
    // A single managed subscription routes without asking Azure: a resource elsewhere is refused.
    await expect(
      single.vms.get(
        `/subscriptions/${FINANCE}/resourceGroups/rg-fin-app/providers/Microsoft.Compute/virtualMachines/vm-fin-01`,
      ),
    ).rejects.toBeInstanceOf(SubscriptionNotManagedError);
  });

  it('a subscription the identity is given a role in later is managed once the listing is read again', async () => {
    const restricted = azure.sandbox.worlds.find((w) => w.subscriptionId === RESTRICTED)!;
    const discovered = createAzure({
      ...azure.settings,
      subscriptionId: '',
      subscriptionIds: [],
      subscriptionsRefreshMs: 50,
    });
    expect((await discovered.subscriptions.managed()).map((s) => s.id)).not.toContain(RESTRICTED);
    const grant = {
      name: 'cccccccc-0000-4000-8000-000000000017',
      scope: `/subscriptions/${RESTRICTED}`,
      roleDefinitionId: `/subscriptions/${RESTRICTED}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`,
      principalId: azure.settings.approvedIdentity.objectId,
      principalType: 'ServicePrincipal' as const,
      createdOn: new Date().toISOString(),
    };
    restricted.roleAssignments.push(grant);
    try {
      await new Promise((r) => setTimeout(r, 80));
      // The first call past the age still answers from the last listing and reads it again behind the answer.
      expect((await discovered.subscriptions.managed()).map((s) => s.id)).not.toContain(RESTRICTED);
      const until = Date.now() + 5_000;
      while (!(await discovered.subscriptions.managed()).some((s) => s.id === RESTRICTED) && Date.now() < until)
        await new Promise((r) => setTimeout(r, 20));
      expect((await discovered.subscriptions.managed()).find((s) => s.id === RESTRICTED)).toMatchObject({
        name: 'Contoso Restricted',
        readable: true,
      });
      const [found] = await discovered.vms.resolve(['vm-sec-01']);
      expect(found.kind === 'found' && found.vm.id.split('/')[2]).toBe(RESTRICTED);
    } finally {
      restricted.roleAssignments.splice(restricted.roleAssignments.indexOf(grant), 1);
    }
  });
});
