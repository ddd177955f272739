import type { ProviderContext } from '../../http/types';
import type { DiskKeyRef, VirtualMachine, VmExtension } from '../../world/types';
import { stableGuid } from '../resources/common';
import { diskResourceId, disksOf, vmResourceId } from './lookup';

/** A VM as Compute returns it: wire shape, settings under `properties`, extensions under top-level `resources`. */
export function vmBody(
  ctx: ProviderContext,
  vm: VirtualMachine,
  opts: { instanceView?: boolean } = {},
): Record<string, unknown> {
  const id = vmResourceId(ctx, vm);
  const disks = disksOf(ctx, vm);
  // Seeded VMs were created from an image; VMs the sandbox created attached existing (restored) disks.
  const attached = vm.createdBy !== undefined;
  const osDisk: Record<string, unknown> = {
    osType: vm.osType,
    name: vm.osDiskName,
    createOption: attached ? 'Attach' : 'FromImage',
    caching: 'ReadWrite',
    managedDisk: { storageAccountType: 'Premium_LRS', id: disks.os ? diskResourceId(ctx, disks.os) : undefined },
    deleteOption: attached ? 'Detach' : 'Delete',
    diskSizeGB: disks.os?.sizeGb,
  };
  // Dual pass (ADE with the Azure AD app) keeps the settings on the VM model; single pass keeps them on the disk.
  if (vm.encryption?.pass === 'dual') osDisk.encryptionSettings = encryptionSettings(vm.encryption);
  const properties: Record<string, unknown> = {
    vmId: stableGuid(`vm:${id}`),
    hardwareProfile: { vmSize: vm.vmSize },
    storageProfile: {
      osDisk,
      dataDisks: disks.data.map((d, lun) => ({
        lun,
        name: d.name,
        createOption: attached ? 'Attach' : 'Empty',
        caching: 'None',
        managedDisk: { storageAccountType: 'Premium_LRS', id: diskResourceId(ctx, d) },
        deleteOption: 'Detach',
        diskSizeGB: d.sizeGb,
        toBeDetached: false,
      })),
    },
    networkProfile: {
      networkInterfaces: vm.networkInterfaceIds.map((nicId, i) => ({ id: nicId, properties: { primary: i === 0 } })),
    },
    provisioningState: vm.provisioningState,
  };
  if (!attached) {
    properties.osProfile = {
      computerName: vm.name.slice(0, 15),
      adminUsername: 'azureadmin',
      ...(vm.osType === 'Windows'
        ? { windowsConfiguration: { provisionVMAgent: true, enableAutomaticUpdates: true } }
        : { linuxConfiguration: { disablePasswordAuthentication: true, provisionVMAgent: true } }),
      secrets: [],
      allowExtensionOperations: true,
    };
  }
  if (opts.instanceView) properties.instanceView = instanceViewBody(ctx, vm);
  const body: Record<string, unknown> = {
    id,
    name: vm.name,
    type: 'Microsoft.Compute/virtualMachines',
    location: vm.location,
    tags: vm.tags ?? {},
    properties,
  };
  if (vm.extensions.length > 0) body.resources = vm.extensions.map((e) => extensionBody(ctx, vm, e));
  return body;
}

/**
 * GET …/instanceView (and $expand=instanceView): agent state, disks with their ADE settings, extensions, power state.
 * Shape after the azure-rest-api-specs example `VirtualMachine_InstanceView.json` (specification/compute/
 * resource-manager/Microsoft.Compute/ComputeRP/stable/<api-version>/examples/virtualMachineExamples/), and
 * https://learn.microsoft.com/rest/api/compute/virtual-machines/instance-view: `vmAgent.statuses` carries
 * `ProvisioningState/succeeded` with displayStatus "Ready" while the guest agent runs; `extensions[].statuses` and
 * `substatuses` are what each extension last reported through the agent.
 */
export function instanceViewBody(ctx: ProviderContext, vm: VirtualMachine): Record<string, unknown> {
  const time = new Date(ctx.engine.now()).toISOString();
  const succeeded = {
    code: 'ProvisioningState/succeeded',
    level: 'Info',
    displayStatus: 'Provisioning succeeded',
    time,
  };
  const disks = disksOf(ctx, vm);
  // Single pass: the OS disk's own settings are current (a PATCH may have replaced them); dual pass: the VM model's.
  const keys: DiskKeyRef | undefined =
    vm.encryption?.pass === 'single' ? (disks.os?.encryption ?? vm.encryption) : vm.encryption;
  return {
    computerName: vm.name.slice(0, 15),
    osName: vm.osType === 'Windows' ? 'Windows Server 2022 Datacenter' : 'ubuntu',
    vmAgent: vm.agentReady
      ? {
          vmAgentVersion: vm.osType === 'Windows' ? '2.7.41491.1102' : '2.9.1.1',
          statuses: [
            {
              code: 'ProvisioningState/succeeded',
              level: 'Info',
              displayStatus: 'Ready',
              message: 'GuestAgent is running and processing the extensions.',
              time,
            },
          ],
          extensionHandlers: vm.extensions.map((e) => ({
            type: `${e.publisher}.${e.type}`,
            typeHandlerVersion: e.typeHandlerVersion,
            status: { code: 'ProvisioningState/succeeded', level: 'Info', displayStatus: 'Ready' },
          })),
        }
      : {
          vmAgentVersion: 'Unknown',
          statuses: [
            {
              code: 'ProvisioningState/Unavailable',
              level: 'Warning',
              displayStatus: 'Not Ready',
              message: 'VM Agent is unresponsive.',
              time,
            },
          ],
        },
    disks: [disks.os, ...disks.data]
      .filter((d) => d !== undefined)
      .map((d) => ({
        name: d.name,
        ...(d === disks.os && keys ? { encryptionSettings: [encryptionSettings(keys)] } : {}),
        statuses: [succeeded],
      })),
    extensions: vm.extensions.map((e) => ({
      name: e.name,
      type: `${e.publisher}.${e.type}`,
      typeHandlerVersion: e.typeHandlerVersion,
      // The guest agent relays extension statuses: with the agent down, an extension reports nothing (the sandbox's
      // simplification; Azure shows the last status it had, and none for a VM whose agent never came up).
      statuses: vm.agentReady
        ? [
            {
              ...succeeded,
              code: `ProvisioningState/${e.provisioningState.toLowerCase()}`,
              displayStatus: `Provisioning ${e.provisioningState.toLowerCase()}`,
            },
          ]
        : [],
      ...(vm.agentReady && isAde(e) ? { substatuses: [adeEncryptionStatus(ctx, vm, e, time)] } : {}),
    })),
    hyperVGeneration: 'V2',
    statuses: [
      vm.provisioningState === 'Succeeded'
        ? succeeded
        : {
            code: `ProvisioningState/${vm.provisioningState.toLowerCase()}`,
            level: 'Info',
            displayStatus: vm.provisioningState,
          },
      { code: 'PowerState/running', level: 'Info', displayStatus: 'VM running' },
    ],
  };
}

export function extensionBody(ctx: ProviderContext, vm: VirtualMachine, e: VmExtension): Record<string, unknown> {
  return {
    id: `${vmResourceId(ctx, vm)}/extensions/${e.name}`,
    name: e.name,
    type: 'Microsoft.Compute/virtualMachines/extensions',
    location: vm.location,
    // Azure never returns protectedSettings.
    properties: {
      autoUpgradeMinorVersion: true,
      provisioningState: e.provisioningState,
      publisher: e.publisher,
      type: e.type,
      typeHandlerVersion: e.typeHandlerVersion,
      settings: e.settings,
    },
  };
}

/** DiskEncryptionSettings, as the VM model and instance view carry them. */
export const encryptionSettings = (k: DiskKeyRef): Record<string, unknown> => ({
  enabled: true,
  diskEncryptionKey: { secretUrl: k.secretUrl, sourceVault: { id: k.vaultId } },
  ...(k.keyUrl ? { keyEncryptionKey: { keyUrl: k.keyUrl, sourceVault: { id: k.kekVaultId ?? k.vaultId } } } : {}),
});

const isAde = (e: VmExtension): boolean =>
  e.publisher === 'Microsoft.Azure.Security' && /^AzureDiskEncryption(ForLinux)?$/.test(e.type);

/**
 * The ADE extension's substatus naming the volumes' encryption state, as `Get-AzVMDiskEncryptionStatus` reads it
 * (https://learn.microsoft.com/azure/virtual-machines/linux/disk-encryption-linux#verify-the-encryption-status:
 * OsVolumeEncrypted / DataVolumesEncrypted "Encrypted"). The message's exact JSON has no Microsoft example: this is
 * the sandbox's own shape, `{"os": "Encrypted", "data": "Encrypted" | "NotEncrypted"}`, read by src/azure/rehearsal.
 */
function adeEncryptionStatus(
  ctx: ProviderContext,
  vm: VirtualMachine,
  e: VmExtension,
  time: string,
): Record<string, unknown> {
  const disks = disksOf(ctx, vm);
  const encrypted = e.provisioningState === 'Succeeded' && (vm.encryption !== undefined || !!disks.os?.encryption);
  const state = encrypted ? 'Encrypted' : 'NotEncrypted';
  return {
    code: 'ComponentStatus/EncryptionStatus/succeeded',
    level: 'Info',
    displayStatus: 'Provisioning succeeded',
    message: JSON.stringify({ os: state, data: disks.data.length ? state : 'NotMounted' }),
    time,
  };
}
