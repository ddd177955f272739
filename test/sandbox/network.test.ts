import { startTestAzure, type TestAzure } from '../support/azure';

const FAST_POLL = { updateIntervalInMs: 5 };

describe('sandbox network: virtual networks, subnets and NICs', () => {
  let azure: TestAzure;
  let sub: string;
  beforeAll(async () => {
    azure = await startTestAzure();
    sub = azure.settings.subscriptionId;
  });
  afterAll(() => azure.close());

  const net = () => azure.clients.network;
  const subnetId = (vnet: string, subnet: string) =>
    `/subscriptions/${sub}/resourceGroups/rg-app/providers/Microsoft.Network/virtualNetworks/${vnet}/subnets/${subnet}`;
  const nicParams = (subnet: string, location = 'eastasia') => ({
    location,
    ipConfigurations: [{ name: 'ipconfig1', subnet: { id: subnet } }],
  });

  it('lists virtual networks by resource group and subscription, with their subnets and regions', async () => {
    const inRg: string[] = [];
    for await (const v of net().virtualNetworks.list('rg-app')) inRg.push(`${v.name}@${v.location}`);
    expect(inRg.sort()).toEqual(['vnet-app-eastasia@eastasia', 'vnet-app-sea@southeastasia']);
    const all: string[] = [];
    for await (const v of net().virtualNetworks.listAll()) all.push(v.name!);
    expect(all).toHaveLength(3); // vnet-app-eastasia, vnet-app-sea and the rehearsal network
    const vnet = await net().virtualNetworks.get('rg-app', 'vnet-app-eastasia');
    expect(vnet.addressSpace?.addressPrefixes).toEqual(['10.10.0.0/16']);
    expect(vnet.subnets?.map((s) => s.name)).toEqual(['snet-app', 'snet-restore']);
  });

  it('lists and gets subnets; a subnet shows the NICs that use it', async () => {
    const names: string[] = [];
    for await (const s of net().subnets.list('rg-app', 'vnet-app-eastasia')) names.push(s.name!);
    expect(names).toEqual(['snet-app', 'snet-restore']);
    const snet = await net().subnets.get('rg-app', 'vnet-app-eastasia', 'snet-app');
    expect(snet).toMatchObject({ addressPrefix: '10.10.1.0/24', provisioningState: 'Succeeded' });
    expect(snet.ipConfigurations?.some((c) => c.id?.includes('/networkInterfaces/nic-vm-web-01/'))).toBe(true);
    await expect(net().subnets.get('rg-app', 'vnet-app-eastasia', 'snet-nope')).rejects.toMatchObject({
      statusCode: 404,
    });
  });

  it('gets and lists network interfaces with the VM that uses them', async () => {
    const nic = await net().networkInterfaces.get('rg-app', 'nic-vm-web-01');
    expect(nic.virtualMachine?.id).toMatch(/virtualMachines\/vm-web-01$/);
    expect(nic.ipConfigurations?.[0]?.subnet?.id).toBe(subnetId('vnet-app-eastasia', 'snet-app'));
    const names: string[] = [];
    for await (const n of net().networkInterfaces.list('rg-app')) names.push(n.name!);
    expect(names).toContain('nic-vm-sea-01');
  });

  it('creates a NIC in the target subnet through the long-running PUT', async () => {
    const nic = await net().networkInterfaces.createOrUpdate(
      'rg-restore',
      'nic-net-test',
      nicParams(subnetId('vnet-app-eastasia', 'snet-restore')),
      FAST_POLL,
    );
    expect(nic).toMatchObject({ name: 'nic-net-test', location: 'eastasia', provisioningState: 'Succeeded' });
    expect(nic.virtualMachine).toBeUndefined();
  });

  it('refuses a subnet in another region, or one that does not exist', async () => {
    await expect(
      net().networkInterfaces.createOrUpdate(
        'rg-restore',
        'nic-x',
        nicParams(subnetId('vnet-app-sea', 'snet-app')),
        FAST_POLL,
      ),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'InvalidResourceReference',
    });
    await expect(
      net().networkInterfaces.createOrUpdate(
        'rg-restore',
        'nic-x',
        nicParams(subnetId('vnet-app-eastasia', 'snet-none')),
        FAST_POLL,
      ),
    ).rejects.toMatchObject({
      code: 'InvalidResourceReference',
    });
  });

  it('needs NIC write on the target resource group and join rights on the subnet', async () => {
    await expect(
      net().networkInterfaces.createOrUpdate(
        'rg-restore-locked',
        'nic-x',
        nicParams(subnetId('vnet-app-eastasia', 'snet-restore')),
        FAST_POLL,
      ),
    ).rejects.toMatchObject({
      statusCode: 403,
      code: 'AuthorizationFailed',
    });
    const world = azure.sandbox.world;
    const saved = [...world.roleAssignments];
    world.roleAssignments = saved.filter((a) => !a.scope.endsWith('/resourceGroups/rg-app'));
    try {
      await expect(
        net().networkInterfaces.createOrUpdate(
          'rg-restore',
          'nic-x',
          nicParams(subnetId('vnet-app-eastasia', 'snet-restore')),
          FAST_POLL,
        ),
      ).rejects.toMatchObject({
        statusCode: 403,
        code: 'LinkedAuthorizationFailed',
      });
    } finally {
      world.roleAssignments = saved;
    }
  });
});
