import { sameId } from '../../authorization/rbac';
import { resourceId } from '../../http/arm';
import { notFound } from '../../http/errors';
import type { ProviderContext, SandboxRequest } from '../../http/types';
import type { ManagedDisk, VirtualMachine } from '../../world/types';
import { parseResourceId, requireResourceGroup } from '../resources/common';

export const VM_TYPE = 'Microsoft.Compute/virtualMachines';
export const DISK_TYPE = 'Microsoft.Compute/disks';

export const vmResourceId = (ctx: ProviderContext, vm: Pick<VirtualMachine, 'resourceGroup' | 'name'>): string =>
  resourceId(ctx.world.subscriptionId, vm.resourceGroup, VM_TYPE, vm.name);

export const diskResourceId = (ctx: ProviderContext, disk: Pick<ManagedDisk, 'resourceGroup' | 'name'>): string =>
  resourceId(ctx.world.subscriptionId, disk.resourceGroup, DISK_TYPE, disk.name);

/** A Resource Manager VM. Classic VMs share world.vms but live under Microsoft.ClassicCompute, so they never match. */
export const findVm = (ctx: ProviderContext, resourceGroup: string, name: string): VirtualMachine | undefined =>
  ctx.world.vms.find((v) => v.kind === 'arm' && sameId(v.resourceGroup, resourceGroup) && sameId(v.name, name));

/** The VM named in the path, or 404 (ResourceGroupNotFound / ResourceNotFound) as ARM answers. */
export function requireVm(req: SandboxRequest, ctx: ProviderContext): VirtualMachine {
  const rg = requireResourceGroup(req, ctx);
  const vm = findVm(ctx, rg.name, req.params.vmName);
  if (!vm) throw notFound(VM_TYPE, req.params.vmName, rg.name);
  return vm;
}

export const findDisk = (ctx: ProviderContext, resourceGroup: string, name: string): ManagedDisk | undefined =>
  ctx.world.disks.find((d) => sameId(d.resourceGroup, resourceGroup) && sameId(d.name, name));

export function findDiskById(ctx: ProviderContext, id: string | undefined): ManagedDisk | undefined {
  const p = parseResourceId(id);
  if (!p || !sameId(p.type, DISK_TYPE) || !sameId(p.subscriptionId, ctx.world.subscriptionId)) return undefined;
  return findDisk(ctx, p.resourceGroup, p.names[0]);
}

/**
 * The VM's disks. The world keeps disk names on the VM; the disk itself records its owner (managedBy), which
 * settles which disk is meant when restored copies share a name in another resource group.
 */
export function disksOf(ctx: ProviderContext, vm: VirtualMachine): { os?: ManagedDisk; data: ManagedDisk[] } {
  const id = vmResourceId(ctx, vm);
  const byName = (name: string) =>
    ctx.world.disks.find((d) => sameId(d.name, name) && sameId(d.managedBy, id)) ??
    findDisk(ctx, vm.resourceGroup, name);
  return {
    os: byName(vm.osDiskName),
    data: vm.dataDiskNames.map(byName).filter((d): d is ManagedDisk => d !== undefined),
  };
}

/** Where Compute's Azure-AsyncOperation and Location headers point (served by operationRoutes). */
export const computeOperationPath = (ctx: ProviderContext, location: string, opId: string): string =>
  `/subscriptions/${ctx.world.subscriptionId}/providers/Microsoft.Compute/locations/${location}/operations/${opId}`;

/** The disk resource provider's own operation URLs. */
export const diskOperationPath = (ctx: ProviderContext, location: string, opId: string): string =>
  `/subscriptions/${ctx.world.subscriptionId}/providers/Microsoft.Compute/locations/${location}/DiskOperations/${opId}`;
