import type { VirtualMachine } from '@azure/arm-compute';
import type { AzureClients } from '../clients';
import type { OperationOptions } from '../types';
import { createMode, isPreconditionFailed, targetExists } from './createOnce';
import type { EncryptionRefs } from './template';
import type { RestoredDisks } from './vmConfig';

type PollOptions = OperationOptions & { pollIntervalMs?: number };

/**
 * The new VM's NIC in the chosen subnet: created with `If-None-Match: *` and this restore's tag; a NIC of that name
 * is updated only when this restore created it (a retried step), never when it belongs to something else.
 * Permission: Microsoft.Network/networkInterfaces/read and write, Microsoft.Network/virtualNetworks/subnets/join/action.
 */
export async function createNic(
  clients: AzureClients,
  nic: { resourceGroup: string; name: string; location: string; subnetId: string; requestId: string },
  options: PollOptions,
): Promise<string> {
  const { abortSignal } = options;
  const what = { type: 'NIC' as const, name: nic.name, resourceGroup: nic.resourceGroup, requestId: nic.requestId };
  const mode = await createMode(
    () => clients.network.networkInterfaces.get(nic.resourceGroup, nic.name, { abortSignal }),
    what,
  );
  try {
    const created = await clients.network.networkInterfaces.createOrUpdate(
      nic.resourceGroup,
      nic.name,
      {
        location: nic.location,
        tags: mode.tags,
        ipConfigurations: [
          { name: 'ipconfig1', subnet: { id: nic.subnetId }, privateIPAllocationMethod: 'Dynamic', primary: true },
        ],
      },
      {
        abortSignal,
        updateIntervalInMs: options.pollIntervalMs,
        ...(mode.ifNoneMatch ? { requestOptions: { headers: { 'If-None-Match': mode.ifNoneMatch } } } : {}),
      },
    );
    return created.id!;
  } catch (err) {
    if (isPreconditionFailed(err)) throw targetExists(what);
    throw err;
  }
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
            ...(refs.keyUrl
              ? { keyEncryptionKey: { sourceVault: { id: refs.kekVaultId ?? refs.keyVaultId }, keyUrl: refs.keyUrl } }
              : {}),
          },
        ],
        encryptionSettingsVersion: '1.1',
      },
    },
    { abortSignal: options.abortSignal, updateIntervalInMs: options.pollIntervalMs },
  );
}

/**
 * Creates the VM by attaching the restored managed disks (no image, no OS profile), with `If-None-Match: *` and this
 * restore's tag (an existing VM of that name is updated only when this restore created it). Dual pass (with the
 * Azure AD app) carries the encryption settings on the VM model's OS disk.
 * Permission: Microsoft.Compute/virtualMachines/write, Microsoft.Compute/disks/read,
 * Microsoft.Network/networkInterfaces/join/action, Microsoft.KeyVault/vaults/deploy/action.
 */
export async function createVmFromDisks(
  clients: AzureClients,
  vm: {
    requestId: string;
    resourceGroup: string;
    name: string;
    location: string;
    vmSize: string;
    osType: 'Windows' | 'Linux';
    disks: RestoredDisks;
    nicId: string;
    dualPassEncryption?: EncryptionRefs;
    /** How to send the create, when the caller has just checked the name (no second read). */
    mode?: { ifNoneMatch?: '*'; tags: Record<string, string> };
  },
  options: PollOptions,
): Promise<string> {
  const enc = vm.dualPassEncryption;
  const what = { type: 'VM' as const, name: vm.name, resourceGroup: vm.resourceGroup, requestId: vm.requestId };
  const { abortSignal } = options;
  const mode =
    vm.mode ??
    (await createMode(() => clients.compute.virtualMachines.get(vm.resourceGroup, vm.name, { abortSignal }), what));
  const body: VirtualMachine = {
    location: vm.location,
    tags: mode.tags,
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
                  ? { keyEncryptionKey: { keyUrl: enc.keyUrl, sourceVault: { id: enc.kekVaultId ?? enc.keyVaultId } } }
                  : {}),
              },
            }
          : {}),
      },
      dataDisks: vm.disks.dataDisks.map((d) => ({ lun: d.lun, createOption: 'Attach', managedDisk: { id: d.id } })),
    },
    networkProfile: { networkInterfaces: [{ id: vm.nicId, primary: true }] },
  };
  try {
    const created = await clients.compute.virtualMachines.createOrUpdate(vm.resourceGroup, vm.name, body, {
      abortSignal,
      updateIntervalInMs: options.pollIntervalMs,
      ...(mode.ifNoneMatch ? { ifNoneMatch: mode.ifNoneMatch } : {}),
    });
    return created.id!;
  } catch (err) {
    if (isPreconditionFailed(err)) throw targetExists(what);
    throw err;
  }
}
