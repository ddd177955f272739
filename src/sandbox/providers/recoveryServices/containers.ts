import { sameId } from '../../authorization/rbac';
import { accepted, page, parseEqFilter } from '../../http/arm';
import { backupNotFound, badRequest } from '../../http/errors';
import type { ProviderContext, Route, SandboxRequest } from '../../http/types';
import type { RecoveryVault, VirtualMachine } from '../../world/types';
import { operationOf, trackOperation, vaultId, vaultRoute } from './context';
import { itemFor, itemsOfVault, parseContainerName, vmResourceId } from './names';
import { containerBody, protectableBody } from './shapes';

const A = 'Microsoft.RecoveryServices/Vaults';
/** Backup lists up to 200 protectable items a page (REST tutorial). */
const PROTECTABLE_PAGE = 200;

/** Only the Azure fabric holds IaaS VMs. */
export function checkFabric(req: SandboxRequest): void {
  if (!sameId(req.params.fabricName, 'Azure')) throw backupNotFound(`Fabric '${req.params.fabricName}'`);
}

/** Filters naming another workload than IaaS VMs match nothing. */
function iaasOnly(filter: Record<string, string>): boolean {
  const type = filter.backupmanagementtype;
  return type === undefined || sameId(type, 'AzureIaasVM');
}

/**
 * VMs the vault knows: those a refresh discovered plus those it protects. Discovery only finds VMs in the vault's
 * region; a VM another vault protects is not offered (the portal and REST list leave it out).
 */
export function protectableVms(ctx: ProviderContext, v: RecoveryVault): { vm: VirtualMachine; isProtected: boolean }[] {
  const { world } = ctx;
  const own = itemsOfVault(world, v.name);
  const known = new Set([...(v.discoveredVmIds ?? []), ...own.map((p) => p.vmId)].map((id) => id.toLowerCase()));
  // Indexed once per call (the first VM with an id wins, as a find would): a page used to cost VMs × VMs id builds.
  const byId = new Map<string, VirtualMachine>();
  for (const vm of world.vms) {
    const id = vmResourceId(world, vm).toLowerCase();
    if (!byId.has(id)) byId.set(id, vm);
  }
  const elsewhere = new Set(
    world.protectedItems.filter((p) => !sameId(p.vault, v.name)).map((p) => p.vmId.toLowerCase()),
  );
  const ownNames = new Set(own.map((p) => key(p.vmResourceGroup, p.vmName)));
  return [...known]
    .map((id) => byId.get(id))
    .filter((vm): vm is VirtualMachine => !!vm && sameId(vm.location, v.location))
    .filter((vm) => !elsewhere.has(vmResourceId(world, vm).toLowerCase()))
    .map((vm) => ({ vm, isProtected: ownNames.has(key(vm.resourceGroup, vm.name)) }));
}

const key = (resourceGroup: string, name: string) => `${resourceGroup.toLowerCase()}/${name.toLowerCase()}`;

export const containerRoutes: Route[] = [
  vaultRoute(
    'protectionContainers.refresh',
    'POST',
    '/backupFabrics/{fabricName}/refreshContainers',
    `${A}/backupFabrics/refreshContainers/action`,
    (req, ctx, v) => {
      checkFabric(req);
      parseEqFilter(req.query.get('$filter'));
      const op = ctx.engine.startOperation(ctx.timing.lroMs, () => {
        v.discoveredVmIds = ctx.world.vms
          .filter((vm) => sameId(vm.location, v.location))
          .map((vm) => vmResourceId(ctx.world, vm));
        return { status: 'Succeeded' };
      });
      trackOperation(ctx.engine, op, { vault: v.name, kind: 'refresh' });
      // Refresh answers with Location only (no Azure-AsyncOperation), per the RefreshContainers example.
      return accepted(req, ctx, { location: `${vaultId(ctx.world, v)}/backupFabrics/Azure/operationResults/${op.id}` });
    },
  ),
  vaultRoute(
    'protectionContainerRefreshOperationResults.get',
    'GET',
    '/backupFabrics/{fabricName}/operationResults/{operationId}',
    `${A}/backupFabrics/operationResults/read`,
    (req, ctx, v) => {
      checkFabric(req);
      const found = operationOf(ctx, req.params.operationId, v, 'refresh');
      if (!found) throw backupNotFound(`Operation '${req.params.operationId}'`);
      if (found.op.status === 'InProgress') return accepted(req, ctx, { location: req.path });
      return { status: 204 };
    },
  ),
  vaultRoute(
    'backupProtectableItems.list',
    'GET',
    '/backupProtectableItems',
    `${A}/backupProtectableItems/read`,
    (req, ctx, v) => {
      const filter = parseEqFilter(req.query.get('$filter'));
      const items = iaasOnly(filter)
        ? protectableVms(ctx, v).map((x) => protectableBody(ctx.world, v, x.vm, x.isProtected))
        : [];
      return { status: 200, body: page(req, items, PROTECTABLE_PAGE) };
    },
  ),
  vaultRoute(
    'backupProtectionContainers.list',
    'GET',
    '/backupProtectionContainers',
    `${A}/backupProtectionContainers/read`,
    (req, ctx, v) => {
      const filter = parseEqFilter(req.query.get('$filter'));
      if (filter.status && !sameId(filter.status, 'Registered')) return { status: 200, body: { value: [] } };
      const value = iaasOnly(filter) ? itemsOfVault(ctx.world, v.name).map((p) => containerBody(ctx.world, v, p)) : [];
      return { status: 200, body: { value } };
    },
  ),
  vaultRoute(
    'protectionContainers.get',
    'GET',
    '/backupFabrics/{fabricName}/protectionContainers/{containerName}',
    `${A}/backupFabrics/protectionContainers/read`,
    (req, ctx, v) => {
      checkFabric(req);
      const ref = parseContainerName(req.params.containerName);
      if (!ref)
        throw badRequest(
          'BMSUserErrorInvalidInput',
          `'${req.params.containerName}' is not a protection container name.`,
        );
      const item = itemFor(ctx.world, v.name, ref);
      if (!item) throw backupNotFound(`Protection container '${req.params.containerName}'`);
      return { status: 200, body: containerBody(ctx.world, v, item) };
    },
  ),
];
