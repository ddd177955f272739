import { startTestAzure, type TestAzure } from '../support/azure';

const RG = 'rg-app';

describe('sandbox compute: reading VMs, extensions and disks', () => {
  let azure: TestAzure;
  beforeAll(async () => {
    azure = await startTestAzure();
  });
  afterAll(() => azure.close());

  const vms = () => azure.clients.compute.virtualMachines;

  it('returns vm-web-01 with its instance view: agent ready, running, single-pass ADE settings on the OS disk only', async () => {
    const vm = await vms().get(RG, 'vm-web-01', { expand: 'instanceView' });
    expect(vm).toMatchObject({
      name: 'vm-web-01',
      location: 'eastasia',
      provisioningState: 'Succeeded',
      hardwareProfile: { vmSize: 'Standard_D2s_v5' },
    });
    expect(vm.storageProfile?.osDisk?.encryptionSettings).toBeUndefined();
    expect(vm.storageProfile?.osDisk?.managedDisk?.id).toMatch(
      /\/resourceGroups\/rg-app\/providers\/Microsoft\.Compute\/disks\/vm-web-01_OsDisk_1$/,
    );
    expect(vm.networkProfile?.networkInterfaces?.[0]?.id).toMatch(/networkInterfaces\/nic-vm-web-01$/);
    const view = vm.instanceView!;
    expect(view.vmAgent?.statuses?.[0]).toMatchObject({ displayStatus: 'Ready', level: 'Info' });
    expect(view.statuses?.map((s) => s.code)).toEqual(['ProvisioningState/succeeded', 'PowerState/running']);
    const osDisk = view.disks?.find((d) => d.name === 'vm-web-01_OsDisk_1');
    expect(osDisk?.encryptionSettings?.[0]).toMatchObject({
      enabled: true,
      diskEncryptionKey: {
        secretUrl: expect.stringContaining('/secrets/'),
        sourceVault: { id: expect.stringMatching(/vaults\/kv-ade-policy$/) },
      },
      keyEncryptionKey: { keyUrl: expect.stringContaining('/keys/kek-vm-web-01/') },
    });
    expect(vm.resources?.[0]).toMatchObject({
      publisher: 'Microsoft.Azure.Security',
      typePropertiesType: 'AzureDiskEncryption',
    });

    const disk = await azure.clients.compute.disks.get(RG, 'vm-web-01_OsDisk_1');
    expect(disk.encryptionSettingsCollection).toMatchObject({ enabled: true, encryptionSettingsVersion: '1.1' });
    expect(disk.managedBy).toBe(vm.id);
  });

  it('reports the VM agent of vm-noagent-01 as Not Ready with a warning', async () => {
    const view = await vms().instanceView(RG, 'vm-noagent-01');
    expect(view.vmAgent?.statuses?.[0]).toMatchObject({ displayStatus: 'Not Ready', level: 'Warning' });
  });

  it('keeps dual-pass settings (vm-app-02) on the VM model', async () => {
    const vm = await vms().get(RG, 'vm-app-02');
    expect(vm.storageProfile?.osDisk?.encryptionSettings).toMatchObject({
      enabled: true,
      diskEncryptionKey: { secretUrl: expect.stringContaining('/secrets/') },
      keyEncryptionKey: { keyUrl: expect.stringContaining('/keys/kek-vm-app-02/') },
    });
    expect(vm.storageProfile?.osDisk?.osType).toBe('Linux');
  });

  it('does not serve the classic VM through Microsoft.Compute', async () => {
    await expect(vms().get(RG, 'vm-classic-01')).rejects.toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
  });

  it('lists VMs a page at a time, following nextLink, without classic VMs', async () => {
    const mark = azure.sandbox.log.mark();
    const names: string[] = [];
    for await (const vm of vms().list(RG)) names.push(vm.name!);
    const armVms = azure.sandbox.world.vms.filter((v) => v.kind === 'arm' && v.resourceGroup === RG);
    expect(names.sort()).toEqual(armVms.map((v) => v.name).sort());
    expect(names).not.toContain('vm-classic-01');
    const pages = azure.requestsSince(mark).filter((r) => r.routeId === 'virtualMachines.list');
    expect(pages.length).toBe(Math.ceil(armVms.length / 10));

    const all: string[] = [];
    for await (const vm of vms().listAll()) all.push(vm.name!);
    expect(all).toContain('vm-sea-01');
  });

  it('lists and gets the ADE extension', async () => {
    const list = await azure.clients.compute.virtualMachineExtensions.list(RG, 'vm-app-02');
    expect(list.value?.map((e) => e.name)).toEqual(['AzureDiskEncryptionForLinux']);
    const ext = await azure.clients.compute.virtualMachineExtensions.get(
      RG,
      'vm-app-02',
      'AzureDiskEncryptionForLinux',
    );
    expect(ext).toMatchObject({
      publisher: 'Microsoft.Azure.Security',
      typePropertiesType: 'AzureDiskEncryptionForLinux',
      typeHandlerVersion: '0.1',
    });
  });

  it('lists disks by resource group', async () => {
    const names: string[] = [];
    for await (const d of azure.clients.compute.disks.listByResourceGroup(RG)) names.push(d.name!);
    expect(names).toEqual(expect.arrayContaining(['vm-db-01_OsDisk_1', 'vm-db-01_DataDisk_0']));
  });

  it('refuses an api-version Compute does not publish', async () => {
    const token = await azure.credential.getToken('https://management.azure.com/.default');
    const res = await fetch(
      azure,
      `/subscriptions/${azure.settings.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachines/vm-web-01?api-version=2018-01-01`,
      token!.token,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('InvalidApiVersionParameter');
    const old = await fetch(
      azure,
      `/subscriptions/${azure.settings.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachines/vm-web-01?api-version=2019-07-01`,
      token!.token,
    );
    expect(old.status).toBe(200);
  });
});

async function fetch(azure: TestAzure, path: string, token: string): Promise<{ status: number; body: any }> {
  const https = await import('node:https');
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
