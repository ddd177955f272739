import type { ManagedDisk } from '../../src/sandbox/world/types';
import { startTestAzure, type TestAzure } from '../support/azure';

const RG = 'rg-restore';
/** Retry-After: 0 is ignored by core-lro (falsy), which would poll every 2 s; tests poll fast instead. */
const FAST_POLL = { updateIntervalInMs: 5 };

/** A VM from restored disks, step by step as the docs describe: NIC in the target subnet, then the VM attaching disks. */
describe('sandbox compute: creating VMs from existing disks', () => {
  let azure: TestAzure;
  let sub: string;
  let nicId: string;
  beforeAll(async () => {
    azure = await startTestAzure();
    sub = azure.settings.subscriptionId;
    azure.sandbox.world.disks.push(
      disk('restored-os-1', 'Linux'),
      disk('restored-data-1'),
      disk('restored-os-2', 'Linux'),
      disk('restored-os-3', 'Linux'),
    );
    const nic = await azure.clients.network.networkInterfaces.createOrUpdate(
      RG,
      'nic-restored-1',
      {
        location: 'eastasia',
        ipConfigurations: [
          {
            name: 'ipconfig1',
            subnet: {
              id: `/subscriptions/${sub}/resourceGroups/rg-app/providers/Microsoft.Network/virtualNetworks/vnet-app-eastasia/subnets/snet-restore`,
            },
          },
        ],
      },
      FAST_POLL,
    );
    nicId = nic.id!;
  });
  afterAll(() => azure.close());

  const disk = (name: string, osType?: 'Linux'): ManagedDisk => ({
    name,
    resourceGroup: RG,
    location: 'eastasia',
    osType,
    sizeGb: 64,
  });
  const diskId = (name: string, rg = RG) =>
    `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Compute/disks/${name}`;
  const keysOf = (vmName: string) => azure.sandbox.world.vms.find((v) => v.name === vmName)!.encryption!;
  const vmParams = (osDisk: string, keysFrom?: string, dataDisks: string[] = []) => {
    const k = keysFrom ? keysOf(keysFrom) : undefined;
    return {
      location: 'eastasia',
      hardwareProfile: { vmSize: 'Standard_D4s_v5' },
      storageProfile: {
        osDisk: {
          osType: 'Linux' as const,
          createOption: 'Attach' as const,
          managedDisk: { id: osDisk },
          ...(k
            ? {
                encryptionSettings: {
                  enabled: true,
                  diskEncryptionKey: { secretUrl: k.secretUrl, sourceVault: { id: k.vaultId } },
                  keyEncryptionKey: { keyUrl: k.keyUrl!, sourceVault: { id: k.vaultId } },
                },
              }
            : {}),
        },
        dataDisks: dataDisks.map((id, lun) => ({ lun, createOption: 'Attach' as const, managedDisk: { id } })),
      },
      networkProfile: { networkInterfaces: [{ id: nicId, primary: true }] },
    };
  };

  it('creates the NIC in snet-restore with a private address from that subnet', async () => {
    const nic = await azure.clients.network.networkInterfaces.get(RG, 'nic-restored-1');
    expect(nic.ipConfigurations?.[0]).toMatchObject({
      privateIPAddress: expect.stringMatching(/^10\.10\.2\./),
      subnet: { id: expect.stringMatching(/snet-restore$/) },
    });
    expect(nic.provisioningState).toBe('Succeeded');
  });

  it("fails like Azure when the encryption settings name vm-lostkey-01's purged secret", async () => {
    await expect(
      azure.clients.compute.virtualMachines.createOrUpdate(
        RG,
        'vm-restored-bad',
        vmParams(diskId('restored-os-1'), 'vm-lostkey-01'),
      ),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'KeyVaultSecretDoesNotExist',
    });
    expect(azure.sandbox.world.vms.some((v) => v.name === 'vm-restored-bad')).toBe(false);
    expect(azure.sandbox.world.disks.find((d) => d.name === 'restored-os-1')?.managedBy).toBeUndefined();
  });

  it('needs deploy rights on the key vault (LinkedAuthorizationFailed)', async () => {
    const world = azure.sandbox.world;
    const saved = [...world.roleAssignments];
    // Key Vault Contributor and the restore-operator role on rg-keys both carry vaults/deploy/action.
    world.roleAssignments = saved.filter((a) => !a.scope.endsWith('/resourceGroups/rg-keys'));
    try {
      await expect(
        azure.clients.compute.virtualMachines.createOrUpdate(
          RG,
          'vm-restored-bad',
          vmParams(diskId('restored-os-1'), 'vm-web-01'),
        ),
      ).rejects.toMatchObject({
        statusCode: 403,
        code: 'LinkedAuthorizationFailed',
      });
    } finally {
      world.roleAssignments = saved;
    }
  });

  it('refuses a disk that another VM owns', async () => {
    await expect(
      azure.clients.compute.virtualMachines.createOrUpdate(
        RG,
        'vm-restored-bad',
        vmParams(diskId('vm-web-01_OsDisk_1', 'rg-app')),
      ),
    ).rejects.toMatchObject({
      statusCode: 409,
      code: 'OperationNotAllowed',
    });
  });

  it('creates an encrypted VM attaching the disks once its keys exist, then lists it', async () => {
    const vm = await azure.clients.compute.virtualMachines.createOrUpdate(
      RG,
      'vm-restored-1',
      vmParams(diskId('restored-os-1'), 'vm-web-01', [diskId('restored-data-1')]),
      FAST_POLL,
    );
    expect(vm).toMatchObject({
      name: 'vm-restored-1',
      provisioningState: 'Succeeded',
      hardwareProfile: { vmSize: 'Standard_D4s_v5' },
    });
    expect(vm.storageProfile?.osDisk?.encryptionSettings?.keyEncryptionKey?.keyUrl).toBe(keysOf('vm-web-01').keyUrl);
    expect(vm.storageProfile?.dataDisks?.map((d) => d.managedDisk?.id)).toEqual([diskId('restored-data-1')]);
    expect(azure.sandbox.world.disks.find((d) => d.name === 'restored-data-1')?.managedBy).toBe(vm.id);

    const names: string[] = [];
    for await (const v of azure.clients.compute.virtualMachines.list(RG)) names.push(v.name!);
    expect(names).toContain('vm-restored-1');
    const nic = await azure.clients.network.networkInterfaces.get(RG, 'nic-restored-1');
    expect(nic.virtualMachine?.id).toBe(vm.id);
  });

  it('refuses a NIC that another VM uses', async () => {
    await expect(
      azure.clients.compute.virtualMachines.createOrUpdate(RG, 'vm-restored-2', vmParams(diskId('restored-os-2'))),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'NicInUse',
    });
  });

  it('sets single-pass encryption on a disk with PATCH, checking the secret first', async () => {
    const k = keysOf('vm-web-01');
    const collection = (secretUrl: string) => ({
      encryptionSettingsCollection: {
        enabled: true,
        encryptionSettings: [
          {
            diskEncryptionKey: { sourceVault: { id: k.vaultId }, secretUrl },
            keyEncryptionKey: { sourceVault: { id: k.vaultId }, keyUrl: k.keyUrl! },
          },
        ],
        encryptionSettingsVersion: '1.1',
      },
    });
    await expect(
      azure.clients.compute.disks.update(RG, 'restored-os-2', collection(keysOf('vm-lostkey-01').secretUrl)),
    ).rejects.toMatchObject({
      code: 'KeyVaultSecretDoesNotExist',
    });
    const updated = await azure.clients.compute.disks.update(RG, 'restored-os-2', collection(k.secretUrl), FAST_POLL);
    expect(updated.encryptionSettingsCollection?.encryptionSettings?.[0]?.diskEncryptionKey?.secretUrl).toBe(
      k.secretUrl,
    );
    const disk = await azure.clients.compute.disks.get(RG, 'restored-os-2');
    expect(disk.encryptionSettingsCollection).toMatchObject({ enabled: true, encryptionSettingsVersion: '1.1' });
  });

  it('pushes the ADE extension to the new VM, and fails it where the VM agent is not ready', async () => {
    const k = keysOf('vm-web-01');
    // vm-restored-1 carries its encryption settings on the VM model (dual pass): the dual-pass extension (Linux 0.1,
    // with the Microsoft Entra app's client id) is the one Azure accepts there.
    const ade = {
      location: 'eastasia',
      publisher: 'Microsoft.Azure.Security',
      typePropertiesType: 'AzureDiskEncryptionForLinux',
      typeHandlerVersion: '0.1',
      autoUpgradeMinorVersion: true,
      settings: {
        AADClientID: '77777777-7777-4777-8777-777777777701',
        EncryptionOperation: 'EnableEncryption',
        KeyVaultURL: 'x',
        KeyVaultResourceId: k.vaultId,
        KeyEncryptionKeyURL: k.keyUrl,
        KekVaultResourceId: k.vaultId,
        KeyEncryptionAlgorithm: 'RSA-OAEP',
        VolumeType: 'All',
      },
    };
    const ext = await azure.clients.compute.virtualMachineExtensions.createOrUpdate(
      RG,
      'vm-restored-1',
      'AzureDiskEncryptionForLinux',
      ade,
      FAST_POLL,
    );
    expect(ext).toMatchObject({
      provisioningState: 'Succeeded',
      typePropertiesType: 'AzureDiskEncryptionForLinux',
      settings: { VolumeType: 'All' },
    });
    await expect(
      azure.clients.compute.virtualMachineExtensions.createOrUpdate(
        'rg-app',
        'vm-noagent-01',
        'AzureDiskEncryption',
        { ...ade, typePropertiesType: 'AzureDiskEncryption' },
        FAST_POLL,
      ),
    ).rejects.toThrow(/VMAgentStatusCommunicationError/);
  });

  it('deletes the VM and frees its disks', async () => {
    await azure.clients.compute.virtualMachines.delete(RG, 'vm-restored-1', FAST_POLL);
    await expect(azure.clients.compute.virtualMachines.get(RG, 'vm-restored-1')).rejects.toMatchObject({
      statusCode: 404,
    });
    expect(azure.sandbox.world.disks.find((d) => d.name === 'restored-os-1')?.managedBy).toBeUndefined();
  });
});
