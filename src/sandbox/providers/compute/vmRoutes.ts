import { requireAbsentIfNoneMatch, tagsOf } from '../../http/conditional';
import { sameId } from '../../authorization/rbac';
import { page, rgId } from '../../http/arm';
import type { ProviderContext, Route, SandboxRequest } from '../../http/types';
import type { VirtualMachine } from '../../world/types';
import { COMPUTE_API_VERSIONS } from '../resources/apiVersions';
import { lroHeaders, requireResourceGroup, requireSubscription } from '../resources/common';
import { computeOperationPath, disksOf, findVm, requireVm, VM_TYPE, vmResourceId } from './lookup';
import { applyVm } from './vmApply';
import { instanceViewBody, vmBody } from './vmBody';
import { parseVmBody } from './vmSpec';

const VM_PATH =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/virtualMachines';
/** Compute pages VM lists; a small page keeps nextLink handling exercised with the seeded world. */
export const VM_PAGE_SIZE = 10;

const vmScope = (req: SandboxRequest) =>
  `${rgId(req.params.subscriptionId, req.params.resourceGroupName)}/providers/${VM_TYPE}/${req.params.vmName}`;
const read = (req: SandboxRequest) => ({ action: `${VM_TYPE}/read`, scope: vmScope(req) });

const expandsInstanceView = (req: SandboxRequest) =>
  (req.query.get('$expand') ?? '').toLowerCase().includes('instanceview');

export const vmRoutes: Route[] = [
  {
    id: 'virtualMachines.get',
    method: 'GET',
    path: `${VM_PATH}/{vmName}`,
    apiVersions: COMPUTE_API_VERSIONS,
    permission: read,
    handler: (req, ctx) => ({
      status: 200,
      body: vmBody(ctx, requireVm(req, ctx), { instanceView: expandsInstanceView(req) }),
    }),
  },
  {
    id: 'virtualMachines.instanceView',
    method: 'GET',
    path: `${VM_PATH}/{vmName}/instanceView`,
    apiVersions: COMPUTE_API_VERSIONS,
    permission: (req) => ({ action: `${VM_TYPE}/instanceView/read`, scope: vmScope(req) }),
    handler: (req, ctx) => ({ status: 200, body: instanceViewBody(ctx, requireVm(req, ctx)) }),
  },
  {
    id: 'virtualMachines.list',
    method: 'GET',
    path: VM_PATH,
    apiVersions: COMPUTE_API_VERSIONS,
    permission: (req) => ({
      action: `${VM_TYPE}/read`,
      scope: rgId(req.params.subscriptionId, req.params.resourceGroupName),
    }),
    handler: (req, ctx) => {
      const rg = requireResourceGroup(req, ctx);
      const vms = ctx.world.vms.filter(
        (v) => v.kind === 'arm' && v.resourceGroup.toLowerCase() === rg.name.toLowerCase(),
      );
      return listBody(req, ctx, vms, expandsInstanceView(req));
    },
  },
  {
    id: 'virtualMachines.listAll',
    method: 'GET',
    path: '/subscriptions/{subscriptionId}/providers/Microsoft.Compute/virtualMachines',
    apiVersions: COMPUTE_API_VERSIONS,
    permission: (req) => ({ action: `${VM_TYPE}/read`, scope: `/subscriptions/${req.params.subscriptionId}` }),
    handler: (req, ctx) => {
      requireSubscription(req, ctx);
      const statusOnly = req.query.get('statusOnly') === 'true';
      return listBody(
        req,
        ctx,
        ctx.world.vms.filter((v) => v.kind === 'arm'),
        statusOnly || expandsInstanceView(req),
      );
    },
  },
  {
    id: 'virtualMachines.createOrUpdate',
    method: 'PUT',
    path: `${VM_PATH}/{vmName}`,
    apiVersions: COMPUTE_API_VERSIONS,
    permission: (req) => ({ action: `${VM_TYPE}/write`, scope: vmScope(req) }),
    handler: (req, ctx) => {
      const rg = requireResourceGroup(req, ctx);
      const exists = findVm(ctx, rg.name, req.params.vmName) !== undefined;
      requireAbsentIfNoneMatch(req, exists, 'Microsoft.Compute/virtualMachines', req.params.vmName);
      const spec = parseVmBody(req.body, { name: req.params.vmName, resourceGroup: rg.name });
      const { vm, created } = applyVm(ctx, req.caller, spec, exists ? 'Updating' : 'Creating');
      vm.tags = tagsOf(req.body);
      const op = ctx.engine.startOperation(ctx.timing.lroMs, () => {
        if (ctx.world.vms.includes(vm)) vm.provisioningState = 'Succeeded';
        return { status: 'Succeeded' };
      });
      return {
        status: created ? 201 : 200,
        headers: lroHeaders(req, ctx, { asyncOperation: computeOperationPath(ctx, vm.location, op.id) }),
        body: vmBody(ctx, vm),
      };
    },
  },
  {
    id: 'virtualMachines.delete',
    method: 'DELETE',
    path: `${VM_PATH}/{vmName}`,
    apiVersions: COMPUTE_API_VERSIONS,
    permission: (req) => ({ action: `${VM_TYPE}/delete`, scope: vmScope(req) }),
    handler: (req, ctx) => {
      const rg = requireResourceGroup(req, ctx);
      const vm = findVm(ctx, rg.name, req.params.vmName);
      if (!vm) return { status: 204 };
      vm.provisioningState = 'Deleting';
      const op = ctx.engine.startOperation(ctx.timing.lroMs, () => {
        const d = disksOf(ctx, vm);
        for (const disk of [d.os, ...d.data])
          if (disk && sameId(disk.managedBy, vmResourceId(ctx, vm))) disk.managedBy = undefined;
        const i = ctx.world.vms.indexOf(vm);
        if (i >= 0) ctx.world.vms.splice(i, 1);
        return { status: 'Succeeded' };
      });
      const path = computeOperationPath(ctx, vm.location, op.id);
      return { status: 202, headers: lroHeaders(req, ctx, { asyncOperation: path, location: path }) };
    },
  },
];

function listBody(req: SandboxRequest, ctx: ProviderContext, vms: VirtualMachine[], instanceView: boolean) {
  const items = vms.map((v) => vmBody(ctx, v, { instanceView }));
  return { status: 200, body: page(req, items, VM_PAGE_SIZE) };
}
