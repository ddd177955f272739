import { startTestAzure, type TestAzure } from '../support/azure';

/** What the sandbox learnt for restore rehearsals: instance view statuses, peerings and tags, disk and NIC deletes. */
describe('sandbox: what rehearsals read and delete', () => {
  let azure: TestAzure;
  beforeAll(async () => {
    azure = await startTestAzure();
  });
  afterAll(() => azure.close());

  it("reports the VM agent and the ADE extension's encryption status in the instance view", async () => {
    const view = await azure.clients.compute.virtualMachines.instanceView('rg-app', 'vm-db-01');
    expect(view.vmAgent?.statuses?.[0]).toMatchObject({ code: 'ProvisioningState/succeeded', displayStatus: 'Ready' });
    const ade = view.extensions?.find((e) => /AzureDiskEncryption/.test(e.type ?? ''));
    expect(JSON.parse(ade!.substatuses![0].message!)).toEqual({ os: 'Encrypted', data: 'Encrypted' });
    // $expand=instanceView carries the same.
    const vm = await azure.clients.compute.virtualMachines.get('rg-app', 'vm-db-01', { expand: 'instanceView' });
    expect(vm.instanceView?.vmAgent?.statuses?.[0].displayStatus).toBe('Ready');
    // An agent that is not ready relays no extension status.
    const down = await azure.clients.compute.virtualMachines.instanceView('rg-app', 'vm-noagent-01');
    expect(down.vmAgent?.statuses?.[0]).toMatchObject({ displayStatus: 'Not Ready' });
    expect(down.extensions?.every((e) => (e.statuses ?? []).length === 0 && !e.substatuses)).toBe(true);
  });

  it('returns virtual network tags and peerings', async () => {
    const app = await azure.clients.network.virtualNetworks.get('rg-app', 'vnet-app-eastasia');
    expect(app.virtualNetworkPeerings?.map((p) => p.remoteVirtualNetwork?.id)).toEqual([
      expect.stringMatching(/\/virtualNetworks\/vnet-app-sea$/),
    ]);
    const rehearsal = await azure.clients.network.virtualNetworks.get('rg-rehearsal', 'vnet-rehearsal-eastasia');
    expect(rehearsal.tags).toEqual({ 'ade-backup-bot:purpose': 'rehearsal' });
    expect(rehearsal.virtualNetworkPeerings).toEqual([]);
  });

  it('refuses to delete a disk still attached and a NIC still in use', async () => {
    await expect(
      azure.clients.compute.disks.beginDeleteAndWait('rg-app', 'vm-web-01_OsDisk_1', { updateIntervalInMs: 10 }),
    ).rejects.toMatchObject({ statusCode: 409, code: 'OperationNotAllowed' });
    await expect(
      azure.clients.network.networkInterfaces.beginDeleteAndWait('rg-app', 'nic-vm-web-01', { updateIntervalInMs: 10 }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'NicInUse' });
    expect(azure.sandbox.world.disks.some((d) => d.name === 'vm-web-01_OsDisk_1')).toBe(true);
    expect(azure.sandbox.world.networkInterfaces.some((n) => n.name === 'nic-vm-web-01')).toBe(true);
  });

  it('deletes a free disk and NIC; a delete of what is gone is a 204', async () => {
    const rg = 'rg-rehearsal';
    const subnetId = `/subscriptions/${azure.settings.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/vnet-rehearsal-eastasia/subnets/snet-rehearsal`;
    await azure.clients.network.networkInterfaces.beginCreateOrUpdateAndWait(
      rg,
      'nic-free',
      { location: 'eastasia', ipConfigurations: [{ name: 'ipconfig1', subnet: { id: subnetId } }] },
      { updateIntervalInMs: 10 },
    );
    await azure.clients.network.networkInterfaces.beginDeleteAndWait(rg, 'nic-free', { updateIntervalInMs: 10 });
    expect(azure.sandbox.world.networkInterfaces.some((n) => n.name === 'nic-free')).toBe(false);
    await azure.clients.network.networkInterfaces.beginDeleteAndWait(rg, 'nic-free', { updateIntervalInMs: 10 });
    azure.sandbox.world.disks.push({ name: 'disk-free', resourceGroup: rg, location: 'eastasia', sizeGb: 8 });
    await azure.clients.compute.disks.beginDeleteAndWait(rg, 'disk-free', { updateIntervalInMs: 10 });
    expect(azure.sandbox.world.disks.some((d) => d.name === 'disk-free')).toBe(false);
  });
});
