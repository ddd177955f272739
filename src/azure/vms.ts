import type { VirtualMachine } from '@azure/arm-compute';
import { azureCall, isNotFound } from './call';
import type { AzureClients } from './clients';
import { AmbiguousNameError, NotFoundError } from './errors';
import { fromBackupStatus, fromProtectedItem, protectedVmId } from './mapping/protection';
import { needsOsDisk, toAgentState, toVmEncryption } from './mapping/vmEncryption';
import { parseResourceId, sameId } from './names';
import { collectPages } from './paging';
import { ResourceLookup, type FoundResource, type PageQuery } from './resourceGraph';
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

const IAAS_VM_ITEMS = "backupManagementType eq 'AzureIaasVM' and itemType eq 'VM'";

/** Virtual machines as the backup flows need them: encryption, agent, protection, deployment model. */
export class VmOperations {
  constructor(
    readonly clients: AzureClients,
    readonly lookup: ResourceLookup = new ResourceLookup(clients),
  ) {}

  /**
   * One VM, classified. Calls: [one Resource Graph query for the name when no resource group is given: the same
   * one request whatever the estate's size; a name two resource groups hold is AmbiguousNameError] + GET with $expand=instanceView (model, agent, extensions) + [the OS disk, only when the
   * model carries no ADE settings: single pass keeps them on the disk] + one backupStatus for the VM's region.
   * A name that is only a classic VM comes back with deployment 'classic'; an unknown name is NotFoundError.
   * Needs `Microsoft.Compute/virtualMachines/read`, `Microsoft.Compute/disks/read`,
   * `Microsoft.RecoveryServices/locations/backupStatus/action` and read on classic VMs for the classic answer.
   */
  async get(vmName: string, resourceGroup?: string, options: OperationOptions = {}): Promise<VmSummary> {
    const abortSignal = options.abortSignal;
    return azureCall('getVm', async () => {
      // A VM id (issue 17) names its subscription and resource group: no look-up.
      const byId = parseResourceId(vmName);
      if (byId) {
        vmName = byId.name;
        resourceGroup = byId.resourceGroup;
      }
      let rg = resourceGroup;
      let sub =
        byId?.subscriptionId ?? (this.clients.subscriptions.single ? this.clients.settings.subscriptionId : undefined);
      if (!rg || !sub) {
        // One Resource Graph query for the name (Resource Manager and classic VMs alike) across the managed
        // subscriptions, whatever the estate's size; with a resource group but several subscriptions, it says which.
        const hits = await this.lookup.byName(['vm', 'classicVm'], [vmName], options);
        const arm = hits.filter((h) => h.kind === 'vm' && (!rg || sameId(h.resourceGroup, rg)));
        if (arm.length > 1) throw new AmbiguousNameError('Virtual machine', vmName, arm.map(toPlace));
        if (!arm.length) return classicOrMissing(vmName, hits);
        rg = arm[0].resourceGroup;
        sub = arm[0].subscriptionId;
      }
      const { compute, backup } = await this.clients.of(sub, options);
      let vm: VirtualMachine;
      try {
        vm = await compute.virtualMachines.get(rg, vmName, { expand: 'instanceView', abortSignal });
      } catch (err) {
        if (isNotFound(err)) throw new NotFoundError('Virtual machine', vmName);
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
    const abortSignal = options.abortSignal;
    return azureCall('listVms', async () => {
      const vaults = await loadVaults(this.clients, options, false);
      const subscriptions = await this.clients.all(options);
      const [vmLists, ...protectedLists] = await Promise.all([
        Promise.all(
          subscriptions.map((c) => collectPages(c.compute.virtualMachines.listAll({ abortSignal }), abortSignal)),
        ),
        ...vaults.map(async (v) =>
          (
            await collectPages(
              (await this.clients.of(v.id, options)).backup.backupProtectedItems.list(v.name, v.resourceGroup, {
                filter: IAAS_VM_ITEMS,
                abortSignal,
              }),
              abortSignal,
            )
          ).map((item) => ({ vmId: protectedVmId(item), protection: fromProtectedItem(item, v) })),
        ),
      ]);
      const protectedItems = protectedLists.flat();
      return vmLists.flat().map((vm): VmListItem => {
        const ref = parseResourceId(vm.id);
        const hit: { protection: ProtectionSummary } | undefined = protectedItems.find((p) => sameId(p.vmId, vm.id));
        return this.clients.subscriptions.label({
          id: vm.id ?? '',
          name: vm.name ?? ref?.name ?? '',
          resourceGroup: ref?.resourceGroup ?? '',
          location: vm.location,
          protected: !!hit,
          vault: hit?.protection.vault,
          ...(hit ? { policy: hit.protection.policyName, protectionState: hit.protection.state } : {}),
          hasRecoveryPoint: !!hit?.protection.lastRecoveryPoint,
        });
      });
    });
  }

  /**
   * The VMs Backup protects, from the vaults' protected-items lists alone: the vault list (cached) + one
   * protected-items list per vault, and no VM list: what it costs follows the vaults and their protected items, not the
   * size of the estate. The region is the vault's (Backup protects a VM only from a vault in its region).
   * Needs `Microsoft.RecoveryServices/Vaults/backupProtectedItems/read`.
   */
  async listProtected(options: OperationOptions = {}): Promise<VmListItem[]> {
    const abortSignal = options.abortSignal;
    return azureCall('listProtectedVms', async () => {
      const vaults = await loadVaults(this.clients, options, false);
      const lists = await Promise.all(
        vaults.map(async (v) =>
          (
            await collectPages(
              (await this.clients.of(v.id, options)).backup.backupProtectedItems.list(v.name, v.resourceGroup, {
                filter: IAAS_VM_ITEMS,
                abortSignal,
              }),
              abortSignal,
            )
          ).flatMap((item): VmListItem[] => {
            const ref = parseResourceId(protectedVmId(item));
            if (!ref || !/^Microsoft\.Compute\/virtualMachines$/i.test(ref.type)) return [];
            return [
              this.clients.subscriptions.label({
                id: ref.id,
                name: ref.name,
                resourceGroup: ref.resourceGroup,
                location: v.location,
                protected: true,
                vault: v.name,
                ...protectionFacts(fromProtectedItem(item, v)),
              }),
            ];
          }),
        ),
      );
      return lists.flat();
    });
  }

  /**
   * The Resource Manager VMs called `vmName` (case-insensitive; two resource groups may hold the same name): one
   * Resource Graph query, nothing else. Needs `Microsoft.Compute/virtualMachines/read`.
   */
  async find(vmName: string, options: OperationOptions = {}): Promise<VmPlace[]> {
    return azureCall('findVm', async () =>
      (await this.lookup.byName(['vm'], [vmName], options)).filter((h) => h.kind === 'vm').map(toPlace),
    );
  }

  /**
   * Typed VM names resolved with one Resource Graph query for all of them (Resource Manager and classic VMs), the
   * same one request at 100 VMs as at 10,000. A name held in two resource groups is 'ambiguous': the caller asks.
   * Needs `Microsoft.Compute/virtualMachines/read` (and read on classic VMs for the classic answer).
   */
  async resolve(names: string[], options: OperationOptions = {}): Promise<VmByName[]> {
    return azureCall('findVms', async () => {
      const hits = await this.lookup.byName(['vm', 'classicVm'], names, options);
      return names.map((name): VmByName => {
        const mine = hits.filter((h) => sameId(h.name, name));
        const matches = mine.filter((h) => h.kind === 'vm').map(toPlace);
        if (matches.length === 1) return { kind: 'found', vm: matches[0] };
        if (matches.length > 1) return { kind: 'ambiguous', matches };
        try {
          return { kind: 'classic', vm: classicOrMissing(name, mine) };
        } catch (err) {
          if (err instanceof NotFoundError) return { kind: 'missing' };
          throw err;
        }
      });
    });
  }

  /**
   * One page of the Resource Manager VMs, by name, filtered by what the person typed (and region): one Resource Graph
   * query whatever the estate's size; no protection read. For pickers that page on the server.
   * Needs `Microsoft.Compute/virtualMachines/read`.
   */
  async page(query: PageQuery, options: OperationOptions = {}): Promise<{ items: VmPlace[]; total: number }> {
    const { items, total } = await this.lookup.page('vm', query, options);
    return { items: items.map(toPlace), total };
  }

  /**
   * Whether Backup protects this VM, and by which vault and item: one backupStatus call for the VM's region (the
   * answer a change re-reads right before acting). Needs `Microsoft.RecoveryServices/locations/backupStatus/action`.
   */
  async getProtection(vm: VmPlace, options: OperationOptions = {}): Promise<ProtectionSummary | undefined> {
    return azureCall('getProtection', async () => {
      const { backup } = await this.clients.of(vm.id, options);
      const status = await backup.backupStatus.get(
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
  async exists(
    vmName: string,
    resourceGroup: string,
    options: OperationOptions & { subscriptionId?: string } = {},
  ): Promise<boolean> {
    return azureCall('vmExists', async () => {
      // The resource group of the subscription named (a restore's target: the vault's), else the first managed one.
      const clients = options.subscriptionId
        ? await this.clients.of(options.subscriptionId, options)
        : ((await this.clients.all(options))[0] ?? this.clients);
      try {
        await clients.compute.virtualMachines.get(resourceGroup, vmName, { abortSignal: options.abortSignal });
        return true;
      } catch (err) {
        if (isNotFound(err)) return false;
        throw err;
      }
    });
  }
}

/** A found VM as the flows address it. */
const toPlace = (h: FoundResource): VmPlace => ({
  id: h.id,
  name: h.name,
  resourceGroup: h.resourceGroup,
  location: h.location,
  ...(h.subscriptionName ? { subscriptionName: h.subscriptionName } : {}),
});

/** The classic VM among the hits for a name that no Resource Manager VM has, or NotFoundError. */
function classicOrMissing(vmName: string, hits: FoundResource[]): VmSummary {
  const hit = hits.find((h) => h.kind === 'classicVm' && sameId(h.name, vmName));
  if (!hit) throw new NotFoundError('Virtual machine', vmName);
  return {
    id: hit.id,
    name: hit.name,
    resourceGroup: hit.resourceGroup,
    location: hit.location,
    deployment: 'classic',
    encryption: { kind: 'none', sources: [] },
    agent: 'unknown',
  };
}

/** What a VM list item carries of its protection: policy, Backup's protectionState, and whether it has a point. */
function protectionFacts(p: ProtectionSummary): Pick<VmListItem, 'policy' | 'protectionState' | 'hasRecoveryPoint'> {
  return { policy: p.policyName, protectionState: p.state, hasRecoveryPoint: !!p.lastRecoveryPoint };
}
