import type { VirtualMachine } from '@azure/arm-compute';
import type { AzureClients } from '../clients';
import type { OperationOptions } from '../types';
import type { EncryptionRefs } from './template';
import type { RestoredDisks } from './vmConfig';

type PollOptions = OperationOptions & { pollIntervalMs?: number };

/**
 * The new VM's NIC in the chosen subnet (same name on a retry: an update, not a second NIC).
 * Permission: Microsoft.Network/networkInterfaces/write, Microsoft.Network/virtualNetworks/subnets/join/action.
 */
export async function createNic(
  clients: AzureClients,
  resourceGroup: string,
  name: string,
  location: string,
  subnetId: string,
  options: PollOptions,
): Promise<string> {
  const nic = await clients.network.networkInterfaces.createOrUpdate(
    resourceGroup,
    name,
    {
      location,
      ipConfigurations: [
        { name: 'ipconfig1', subnet: { id: subnetId }, privateIPAllocationMethod: 'Dynamic', primary: true },
      ],
    },
    { abortSignal: options.abortSignal, updateIntervalInMs: options.pollIntervalMs },
  );
  return nic.id!;
}

/**
 * Single pass (ADE without the Azure AD app) keeps the encryption settings on the disk: when the key or secret was
 * put back at a new URL, the restored OS disk is pointed at it before the VM is created (data disks need nothing).
 * Permission: Microsoft.Compute/disks/write, Microsoft.KeyVault/vaults/deploy/action.
 */
export async function pointOsDiskAtKeys(
  clients: AzureClients,
  osDiskId: string,
  refs: EncryptionRefs,
  options: PollOptions,
): Promise<void> {
  const [, resourceGroup, name] = /\/resourceGroups\/([^/]+)\/.*\/disks\/([^/]+)$/i.exec(osDiskId) ?? [];
  await clients.compute.disks.update(
    resourceGroup,
    name,
    {
      encryptionSettingsCollection: {
        enabled: true,
        encryptionSettings: [
          {
            diskEncryptionKey: { sourceVault: { id: refs.keyVaultId }, secretUrl: refs.secretUrl },
            ...(refs.keyUrl ? { keyEncryptionKey: { sourceVault: { id: refs.keyVaultId }, keyUrl: refs.keyUrl } } : {}),
          },
        ],
        encryptionSettingsVersion: '1.1',
      },
    },
    { abortSignal: options.abortSignal, updateIntervalInMs: options.pollIntervalMs },
  );
}

/**
 * Creates the VM by attaching the restored managed disks (no image, no OS profile). Dual pass (with the Azure AD app)
 * carries the encryption settings on the VM model's OS disk.
 * Permission: Microsoft.Compute/virtualMachines/write, Microsoft.Compute/disks/read,
 * Microsoft.Network/networkInterfaces/join/action, Microsoft.KeyVault/vaults/deploy/action.
 */
export async function createVmFromDisks(
  clients: AzureClients,
  vm: {
    resourceGroup: string;
    name: string;
    location: string;
    vmSize: string;
    osType: 'Windows' | 'Linux';
    disks: RestoredDisks;
    nicId: string;
    dualPassEncryption?: EncryptionRefs;
  },
  options: PollOptions,
): Promise<string> {
  const enc = vm.dualPassEncryption;
  const body: VirtualMachine = {
    location: vm.location,
    hardwareProfile: { vmSize: vm.vmSize },
    storageProfile: {
      osDisk: {
        osType: vm.osType,
        createOption: 'Attach',
        managedDisk: { id: vm.disks.osDiskId },
        ...(enc
          ? {
              encryptionSettings: {
                enabled: true,
                diskEncryptionKey: { secretUrl: enc.secretUrl, sourceVault: { id: enc.keyVaultId } },
                ...(enc.keyUrl
                  ? { keyEncryptionKey: { keyUrl: enc.keyUrl, sourceVault: { id: enc.keyVaultId } } }
                  : {}),
              },
            }
          : {}),
      },
      dataDisks: vm.disks.dataDisks.map((d) => ({ lun: d.lun, createOption: 'Attach', managedDisk: { id: d.id } })),
    },
    networkProfile: { networkInterfaces: [{ id: vm.nicId, primary: true }] },
  };
  const created = await clients.compute.virtualMachines.createOrUpdate(vm.resourceGroup, vm.name, body, {
    abortSignal: options.abortSignal,
    updateIntervalInMs: options.pollIntervalMs,
  });
  return created.id!;
}
