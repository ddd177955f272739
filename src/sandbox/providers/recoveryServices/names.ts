import { resourceId } from '../../http/arm';
import { sameId } from '../../authorization/rbac';
import type { ProtectedItem, VirtualMachine, World } from '../../world/types';

/** A VM as Backup's container / item names spell it. */
export interface VmName {
  resourceGroup: string;
  name: string;
  classic: boolean;
}

/**
 * Backup's names for an IaaS VM, lower-cased as the service writes them:
 * ARM VMs `iaasvmcontainer;iaasvmcontainerv2;{rg};{vm}` / `vm;iaasvmcontainerv2;{rg};{vm}`,
 * classic VMs `iaasvmcontainer;iaasvmcontainer;{rg};{vm}` / `vm;iaasvmcontainer;{rg};{vm}`.
 */
export function namesFor(vm: Pick<VmName, 'resourceGroup' | 'name'>, classic = false) {
  const short = `${classic ? 'iaasvmcontainer' : 'iaasvmcontainerv2'};${vm.resourceGroup};${vm.name}`.toLowerCase();
  return { short, container: `iaasvmcontainer;${short}`, item: `vm;${short}` };
}

const SHORT = /^(iaasvmcontainerv2|iaasvmcontainer);([^;]+);([^;]+)$/i;

/** Parses a container name (long or short form), case-insensitively. */
export function parseContainerName(name: string): VmName | undefined {
  return parseShort(name.replace(/^iaasvmcontainer;(?=iaasvmcontainer)/i, ''));
}

/** Parses a protected / protectable item name (`vm;…` or the short form), case-insensitively. */
export function parseItemName(name: string): VmName | undefined {
  return parseShort(name.replace(/^vm;/i, ''));
}

function parseShort(s: string): VmName | undefined {
  const m = SHORT.exec(s);
  return m ? { classic: m[1].toLowerCase() === 'iaasvmcontainer', resourceGroup: m[2], name: m[3] } : undefined;
}

export const vmResourceId = (world: World, vm: Pick<VirtualMachine, 'resourceGroup' | 'name' | 'kind'>): string =>
  resourceId(
    world.subscriptionId,
    vm.resourceGroup,
    vm.kind === 'classic' ? 'Microsoft.ClassicCompute/virtualMachines' : 'Microsoft.Compute/virtualMachines',
    vm.name,
  );

export const findVm = (world: World, ref: Pick<VmName, 'resourceGroup' | 'name'>): VirtualMachine | undefined =>
  world.vms.find((v) => sameId(v.resourceGroup, ref.resourceGroup) && sameId(v.name, ref.name));

export const findVmById = (world: World, id: string): VirtualMachine | undefined =>
  world.vms.find((v) => sameId(vmResourceId(world, v), id));

export const itemsOfVault = (world: World, vault: string): ProtectedItem[] =>
  world.protectedItems.filter((p) => sameId(p.vault, vault));

export const itemFor = (
  world: World,
  vault: string,
  ref: Pick<VmName, 'resourceGroup' | 'name'>,
): ProtectedItem | undefined =>
  itemsOfVault(world, vault).find((p) => sameId(p.vmResourceGroup, ref.resourceGroup) && sameId(p.vmName, ref.name));

/** The protected item id (and the path operations hang under) within a vault. */
export const itemPath = (vaultId: string, ref: Pick<VmName, 'resourceGroup' | 'name'>): string => {
  const n = namesFor(ref);
  return `${vaultId}/backupFabrics/Azure/protectionContainers/${n.container}/protectedItems/${n.item}`;
};
