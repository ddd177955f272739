import type { VirtualMachine } from '@azure/arm-compute';
import { azureCall, isNotFound } from './call';
import type { AzureClients } from './clients';
import { NotFoundError } from './errors';
import { fromBackupStatus, fromProtectedItem, protectedVmId } from './mapping/protection';
import { needsOsDisk, toAgentState, toVmEncryption } from './mapping/vmEncryption';
import { parseResourceId, sameId } from './names';
import { collectPages, findInPages } from './paging';
import type { OperationOptions, ProtectionSummary, ResourceRef, VmListItem, VmSummary } from './types';
import { loadVaults } from './vaults';

/** A Resource Manager VM as the subscription's VM list names it: enough to address it and ask Backup about it. */
export interface VmPlace extends ResourceRef {
  location: string;
}

/** What a typed VM name stands for in the subscription. */
export type VmByName =
  | { kind: 'found'; vm: VmPlace }
  | { kind: 'ambiguous'; matches: VmPlace[] }
  /** Only a classic VM has that name (deployment 'classic'). */
  | { kind: 'classic'; vm: VmSummary }
  | { kind: 'missing' };

/** Generic resources api-version for the classic-VM look-up (no SDK on our list lists generic resources). */
const RESOURCES_API_VERSION = '2021-04-01';
const IAAS_VM_ITEMS = "backupManagementType eq 'AzureIaasVM' and itemType eq 'VM'";

/** Virtual machines as the backup flows need them: encryption, agent, protection, deployment model. */
export class VmOperations {
  constructor(readonly clients: AzureClients) {}

  /**
   * One VM, classified. Calls: [list VMs in the subscription when no resource group is given, stopping at the
   * page that has it] + GET with $expand=instanceView (model, agent, extensions) + [the OS disk, only when the
   * model carries no ADE settings: single pass keeps them on the disk] + one backupStatus for the VM's region.
   * A name that is only a classic VM comes back with deployment 'classic'; an unknown name is NotFoundError.
   * Needs `Microsoft.Compute/virtualMachines/read`, `Microsoft.Compute/disks/read`,
   * `Microsoft.RecoveryServices/locations/backupStatus/action` and, for the classic look-up, Reader on the subscription.
   */
  async get(vmName: string, resourceGroup?: string, options: OperationOptions = {}): Promise<VmSummary> {
    const { compute, backup } = this.clients;
    const abortSignal = options.abortSignal;
    return azureCall('getVm', async () => {
      let rg = resourceGroup;
      if (!rg) {
        const hit = await findInPages(
          compute.virtualMachines.listAll({ abortSignal }),
          (v) => sameId(v.name, vmName),
          abortSignal,
        );
        rg = parseResourceId(hit?.id)?.resourceGroup;
        if (!rg) return this.classicOrNotFound(vmName, undefined, options);
      }
      let vm: VirtualMachine;
      try {
        vm = await compute.virtualMachines.get(rg, vmName, { expand: 'instanceView', abortSignal });
      } catch (err) {
        if (isNotFound(err)) return this.classicOrNotFound(vmName, rg, options);
        throw err;
      }
      const diskRef = needsOsDisk(vm) ? parseResourceId(vm.storageProfile?.osDisk?.managedDisk?.id) : undefined;
      const osDisk = diskRef
        ? await compute.disks.get(diskRef.resourceGroup, diskRef.name, { abortSignal })
        : undefined;
      const id = vm.id ?? '';
      const status = await backup.backupStatus.get(
        vm.location,
        { resourceType: 'VM', resourceId: id },
        { abortSignal },
      );
      const osType = vm.storageProfile?.osDisk?.osType;
      return {
        id,
        name: vm.name ?? vmName,
        resourceGroup: parseResourceId(id)?.resourceGroup ?? rg,
        location: vm.location,
        deployment: 'resourceManager',
        osType: osType === 'Windows' || osType === 'Linux' ? osType : undefined,
        vmSize: vm.hardwareProfile?.vmSize,
        encryption: toVmEncryption(vm, osDisk),
        agent: toAgentState(vm),
        protection: fromBackupStatus(status, { name: vm.name ?? vmName, resourceGroup: rg }),
      };
    });
  }

  /**
   * Resource Manager VMs of the subscription with whether they are protected, to offer as choices. Calls: the VM
   * list (one per page) + the vault list (cached) + one protected-items list per vault; never one call per VM.
   * Needs `Microsoft.Compute/virtualMachines/read` and `Microsoft.RecoveryServices/Vaults/backupProtectedItems/read`.
   */
  async list(options: OperationOptions = {}): Promise<VmListItem[]> {
    const { compute, backup } = this.clients;
    const abortSignal = options.abortSignal;
    return azureCall('listVms', async () => {
      const vaults = await loadVaults(this.clients, options, false);
      const [vms, ...protectedLists] = await Promise.all([
        collectPages(compute.virtualMachines.listAll({ abortSignal }), abortSignal),
        ...vaults.map(async (v) =>
          (
            await collectPages(
              backup.backupProtectedItems.list(v.name, v.resourceGroup, { filter: IAAS_VM_ITEMS, abortSignal }),
              abortSignal,
            )
          ).map((item) => ({ vmId: protectedVmId(item), protection: fromProtectedItem(item, v) })),
        ),
      ]);
      const protectedItems = protectedLists.flat();
      return vms.map((vm): VmListItem => {
        const ref = parseResourceId(vm.id);
        const hit: { protection: ProtectionSummary } | undefined = protectedItems.find((p) => sameId(p.vmId, vm.id));
        return {
          id: vm.id ?? '',
          name: vm.name ?? ref?.name ?? '',
          resourceGroup: ref?.resourceGroup ?? '',
          location: vm.location,
          protected: !!hit,
          vault: hit?.protection.vault,
          ...(hit ? { policy: hit.protection.policyName, protectionState: hit.protection.state } : {}),
          hasRecoveryPoint: !!hit?.protection.lastRecoveryPoint,
        };
      });
    });
  }

  /**
   * The Resource Manager VMs called `vmName` (case-insensitive): one VM list, every page (two resource groups may
   * hold the same name), and nothing else: no protection look-up. Needs `Microsoft.Compute/virtualMachines/read`.
   */
  async find(vmName: string, options: OperationOptions = {}): Promise<VmPlace[]> {
    return azureCall('findVm', async () => (await this.places(options)).filter((v) => sameId(v.name, vmName)));
  }

  /**
   * Typed VM names resolved with one VM list (every page: a name may be taken in two resource groups), and the
   * generic-resources list only for a name the list does not know (a classic VM?). Reads nothing per vault and
   * nothing per VM. Needs `Microsoft.Compute/virtualMachines/read` (and Reader for the classic look-up).
   */
  async resolve(names: string[], options: OperationOptions = {}): Promise<VmByName[]> {
    return azureCall('findVms', async () => {
      const places = await this.places(options);
      return Promise.all(
        names.map(async (name): Promise<VmByName> => {
          const matches = places.filter((v) => sameId(v.name, name));
          if (matches.length === 1) return { kind: 'found', vm: matches[0] };
          if (matches.length > 1) return { kind: 'ambiguous', matches };
          try {
            return { kind: 'classic', vm: await this.classicOrNotFound(name, undefined, options) };
          } catch (err) {
            if (err instanceof NotFoundError) return { kind: 'missing' };
            throw err;
          }
        }),
      );
    });
  }

  /**
   * Whether Backup protects this VM, and by which vault and item: one backupStatus call for the VM's region (the
   * answer a change re-reads right before acting). Needs `Microsoft.RecoveryServices/locations/backupStatus/action`.
   */
  async getProtection(vm: VmPlace, options: OperationOptions = {}): Promise<ProtectionSummary | undefined> {
    return azureCall('getProtection', async () => {
      const status = await this.clients.backup.backupStatus.get(
        vm.location,
        { resourceType: 'VM', resourceId: vm.id },
        { abortSignal: options.abortSignal },
      );
      return fromBackupStatus(status, vm);
    });
  }

  /**
   * Whether a Resource Manager VM of this name exists in the resource group (a name a new VM may not take): one GET,
   * no classic look-up. Needs `Microsoft.Compute/virtualMachines/read`.
   */
  async exists(vmName: string, resourceGroup: string, options: OperationOptions = {}): Promise<boolean> {
    return azureCall('vmExists', async () => {
      try {
        await this.clients.compute.virtualMachines.get(resourceGroup, vmName, { abortSignal: options.abortSignal });
        return true;
      } catch (err) {
        if (isNotFound(err)) return false;
        throw err;
      }
    });
  }

  /** Every Resource Manager VM of the subscription, as the VM list names it (one list, every page). */
  private async places(options: OperationOptions): Promise<VmPlace[]> {
    const abortSignal = options.abortSignal;
    const vms = await collectPages(this.clients.compute.virtualMachines.listAll({ abortSignal }), abortSignal);
    return vms.map((vm): VmPlace => {
      const ref = parseResourceId(vm.id);
      return {
        id: vm.id ?? '',
        name: vm.name ?? ref?.name ?? '',
        resourceGroup: ref?.resourceGroup ?? '',
        location: vm.location,
      };
    });
  }

  /** Not a Resource Manager VM: a classic one (one generic-resources list), or nothing at all. */
  private async classicOrNotFound(
    vmName: string,
    resourceGroup: string | undefined,
    options: OperationOptions,
  ): Promise<VmSummary> {
    const filter = encodeURIComponent("resourceType eq 'Microsoft.ClassicCompute/virtualMachines'");
    let next: string | undefined =
      `/subscriptions/${this.clients.settings.subscriptionId}/resources?$filter=${filter}&api-version=${RESOURCES_API_VERSION}`;
    while (next) {
      const page: GenericResourceList = await this.clients.armRequest<GenericResourceList>(
        'GET',
        next,
        undefined,
        options,
      );
      const hit = (page?.value ?? []).find(
        (r) =>
          sameId(r.name, vmName) && (!resourceGroup || sameId(parseResourceId(r.id)?.resourceGroup, resourceGroup)),
      );
      if (hit) {
        return {
          id: hit.id,
          name: hit.name,
          resourceGroup: parseResourceId(hit.id)?.resourceGroup ?? resourceGroup ?? '',
          location: hit.location ?? '',
          deployment: 'classic',
          encryption: { kind: 'none', sources: [] },
          agent: 'unknown',
        };
      }
      next = page?.nextLink;
    }
    throw new NotFoundError('Virtual machine', vmName);
  }
}

interface GenericResourceList {
  value?: { id: string; name: string; type?: string; location?: string }[];
  nextLink?: string;
}
