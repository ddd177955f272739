import { sameId } from '../../authorization/rbac';
import { resourceId } from '../../http/arm';
import { AzureError, badRequest } from '../../http/errors';
import type { Caller, Permission, ProviderContext } from '../../http/types';
import type { ManagedDisk, NetworkInterface, VirtualMachine } from '../../world/types';
import { parseResourceId, requireLinkedAccess } from '../resources/common';
import { checkKeyVaultRefs, type KeyVaultRefs } from './keyVaultRefs';
import { disksOf, findDiskById, findVm, vmResourceId } from './lookup';
import type { VmSpec } from './vmSpec';
import { findVmById } from '../recoveryServices/names';

/**
 * Creates (or replaces) a VM from a spec, with Compute's consequences: every disk exists, is in the VM's region and
 * is not attached to another VM; every NIC exists, is in the region and is free; ADE keys named by the VM model or
 * by the OS disk exist and are active, and the caller may deploy from their key vault. On success the disks are
 * attached (managedBy). Shared by the compute PUT and template deployments. Throws AzureError otherwise.
 */
export function applyVm(
  ctx: ProviderContext,
  caller: Caller | undefined,
  spec: VmSpec,
  provisioningState: string,
): { vm: VirtualMachine; created: boolean } {
  const id = resourceId(ctx.world.subscriptionId, spec.resourceGroup, 'Microsoft.Compute/virtualMachines', spec.name);
  const own: Permission = { action: 'Microsoft.Compute/virtualMachines/write', scope: id };
  for (const nicId of spec.nicIds)
    requireLinkedAccess(ctx, caller, own, { action: 'Microsoft.Network/networkInterfaces/join/action', scope: nicId });

  const osDisk = requireDisk(ctx, spec.osDiskId, id, spec.location);
  const dataDisks = spec.dataDisks.map((d) => requireDisk(ctx, d.id, id, spec.location));
  const nics = spec.nicIds.map((nicId) => requireNic(ctx, nicId, id, spec.location));
  const osType = spec.osType ?? osDisk.osType;
  if (!osType) throw badRequest('InvalidParameter', "Required parameter 'osDisk.osType' is missing (null).");

  const refs: KeyVaultRefs | undefined = spec.encryption ?? diskRefs(osDisk);
  if (refs) checkKeyVaultRefs(ctx, caller, own, refs);

  const existing = findVm(ctx, spec.resourceGroup, spec.name);
  if (existing) {
    const previous = disksOf(ctx, existing);
    for (const d of [previous.os, ...previous.data]) if (d) d.managedBy = undefined;
  }
  for (const d of [osDisk, ...dataDisks]) d.managedBy = id;

  const vm: VirtualMachine = existing ?? {
    name: spec.name,
    resourceGroup: spec.resourceGroup,
    location: spec.location,
    kind: 'arm',
    osType,
    vmSize: spec.vmSize,
    // A VM made from restored disks boots the backed-up OS: its agent comes up unless that VM's never does.
    agentReady: !(osDisk.restoredFrom && findVmById(ctx.world, osDisk.restoredFrom)?.restoredAgentReady === false),
    osDiskName: osDisk.name,
    dataDiskNames: [],
    networkInterfaceIds: [],
    extensions: [],
    provisioningState,
    // Marks the VM as made by attaching disks (its body then shows createOption 'Attach' and no osProfile).
    createdBy: caller?.objectId ?? 'sandbox',
  };
  Object.assign(vm, {
    osType,
    vmSize: spec.vmSize,
    osDiskName: osDisk.name,
    dataDiskNames: dataDisks.map((d) => d.name),
    networkInterfaceIds: nics.map((n) =>
      resourceId(ctx.world.subscriptionId, n.resourceGroup, 'Microsoft.Network/networkInterfaces', n.name),
    ),
    encryption: spec.encryption
      ? {
          pass: 'dual',
          vaultId: spec.encryption.secretVaultId,
          secretUrl: spec.encryption.secretUrl,
          keyUrl: spec.encryption.keyUrl,
          ...kekVaultOf(spec.encryption.secretVaultId, spec.encryption.keyVaultId),
        }
      : osDisk.encryption
        ? {
            pass: osDisk.encryption.version === '1.0' ? 'dual' : 'single',
            vaultId: osDisk.encryption.vaultId,
            secretUrl: osDisk.encryption.secretUrl,
            keyUrl: osDisk.encryption.keyUrl,
            ...(osDisk.encryption.kekVaultId ? { kekVaultId: osDisk.encryption.kekVaultId } : {}),
          }
        : undefined,
    provisioningState,
  } satisfies Partial<VirtualMachine>);
  if (!existing) ctx.world.vms.push(vm);
  return { vm, created: !existing };
}

function requireDisk(ctx: ProviderContext, diskId: string, vmId: string, location: string): ManagedDisk {
  const disk = findDiskById(ctx, diskId);
  if (!disk) throw new AzureError(404, 'NotFound', `The managed disk '${diskId}' was not found.`);
  if (disk.managedBy && !sameId(disk.managedBy, vmId)) {
    throw new AzureError(
      409,
      'OperationNotAllowed',
      `Disk '${disk.name}' cannot be attached to VM '${vmId}' because it is already attached to VM '${disk.managedBy}'.`,
    );
  }
  if (!sameId(disk.location, location)) {
    throw badRequest(
      'InvalidParameter',
      `The managed disk '${diskId}' is in location '${disk.location}', but the virtual machine is in '${location}'.`,
    );
  }
  return disk;
}

function requireNic(ctx: ProviderContext, nicId: string, vmId: string, location: string): NetworkInterface {
  const p = parseResourceId(nicId);
  const nic =
    p && sameId(p.type, 'Microsoft.Network/networkInterfaces')
      ? ctx.world.networkInterfaces.find((n) => sameId(n.resourceGroup, p.resourceGroup) && sameId(n.name, p.names[0]))
      : undefined;
  if (!nic || !sameId(nic.location, location)) {
    throw badRequest(
      'InvalidResourceReference',
      `Resource ${nicId} referenced by resource ${vmId} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
    );
  }
  const user = ctx.world.vms.find(
    (v) => v.networkInterfaceIds.some((n) => sameId(n, nicId)) && !sameId(vmResourceId(ctx, v), vmId),
  );
  if (user) {
    throw badRequest(
      'NicInUse',
      `Network interface ${nicId} is used by existing resource ${vmResourceId(ctx, user)}. In order to use this network interface with a different resource, detach it from the existing resource.`,
    );
  }
  return nic;
}

const diskRefs = (disk: ManagedDisk): KeyVaultRefs | undefined =>
  disk.encryption
    ? {
        secretUrl: disk.encryption.secretUrl,
        secretVaultId: disk.encryption.vaultId,
        keyUrl: disk.encryption.keyUrl,
        keyVaultId: disk.encryption.kekVaultId,
      }
    : undefined;

/** The KEK's vault, kept only when it is another one than the BEK's. */
const kekVaultOf = (secretVaultId: string, keyVaultId?: string): { kekVaultId?: string } =>
  keyVaultId && keyVaultId.toLowerCase() !== secretVaultId.toLowerCase() ? { kekVaultId: keyVaultId } : {};
