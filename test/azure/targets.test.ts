import { TargetOperations } from '../../src/azure/targets';
import { startTestAzure, type TestAzure } from '../support/azure';

describe('restore targets', () => {
  let azure: TestAzure;
  let targets: TargetOperations;
  const sub = () => azure.settings.subscriptionId;
  beforeAll(async () => {
    azure = await startTestAzure();
    targets = new TargetOperations(azure.clients);
  });
  afterAll(() => azure.close());

  it('offers only the general-purpose, non-zonal, non-premium staging accounts of the vault region', async () => {
    const accounts = await targets.listStagingAccounts('eastasia');
    expect(accounts.map((a) => a.name)).toEqual(['stagingeastasia01']);
    expect(accounts[0]).toMatchObject({ resourceGroup: 'rg-staging', location: 'eastasia' });
    expect(accounts[0].blobEndpoint).toMatch(/^https:\/\//);
    expect((await targets.listStagingAccounts('Southeast Asia')).map((a) => a.name)).toEqual(['stagingsea01']);
  });

  it('lists the subnets of the region with one call', async () => {
    const mark = azure.sandbox.log.mark();
    const subnets = await targets.listSubnets('eastasia');
    expect(subnets.map((s) => `${s.vnet}/${s.subnet}`)).toEqual([
      'vnet-app-eastasia/snet-app',
      'vnet-app-eastasia/snet-restore',
      'vnet-rehearsal-eastasia/snet-rehearsal',
    ]);
    expect(subnets[1]).toMatchObject({
      resourceGroup: 'rg-app',
      id: expect.stringMatching(/\/virtualNetworks\/vnet-app-eastasia\/subnets\/snet-restore$/i),
    });
    expect(azure.requestsSince(mark)).toHaveLength(1);
  });

  it('lists resource groups as restore targets', async () => {
    const groups = await targets.listResourceGroups();
    expect(groups.map((g) => g.name)).toEqual(expect.arrayContaining(['rg-restore', 'rg-restore-locked']));
  });

  it('allows a restore into rg-restore joined to snet-restore', async () => {
    const subnetId = `/subscriptions/${sub()}/resourceGroups/rg-app/providers/Microsoft.Network/virtualNetworks/vnet-app-eastasia/subnets/snet-restore`;
    await expect(targets.checkRestorePermissions('rg-restore', { subnetId })).resolves.toEqual({
      allowed: true,
      missing: [],
    });
  });

  it('names each missing action and the role that grants it on rg-restore-locked', async () => {
    const check = await targets.checkRestorePermissions('rg-restore-locked');
    expect(check.allowed).toBe(false);
    const scope = `/subscriptions/${sub()}/resourceGroups/rg-restore-locked`;
    expect(check.missing).toEqual(
      expect.arrayContaining([
        { action: 'Microsoft.Compute/disks/write', scope, role: 'Virtual Machine Contributor' },
        { action: 'Microsoft.Compute/virtualMachines/write', scope, role: 'Virtual Machine Contributor' },
        { action: 'Microsoft.Resources/deployments/write', scope, role: 'Virtual Machine Contributor' },
        { action: 'Microsoft.Network/networkInterfaces/write', scope, role: 'Network Contributor' },
      ]),
    );
  });

  it('checks the key vault deploy action the encrypted VM creation needs', async () => {
    const kv = `/subscriptions/${sub()}/resourceGroups/rg-keys/providers/Microsoft.KeyVault/vaults/kv-ade-policy`;
    await expect(targets.checkKeyVaultDeployPermission(kv)).resolves.toEqual({ allowed: true, missing: [] });
  });
});
