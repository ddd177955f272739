import { sameId } from '../../authorization/rbac';
import { page, resourceId, rgId } from '../../http/arm';
import { notFound } from '../../http/errors';
import type { ProviderContext, Route } from '../../http/types';
import type { ResourceGroup } from '../../world/types';
import { CLASSIC_COMPUTE_API_VERSIONS, RESOURCES_API_VERSIONS } from './apiVersions';
import { canRead, requireResourceGroup, requireSubscription } from './common';

const RG_TYPE = 'Microsoft.Resources/subscriptions/resourceGroups';
const CLASSIC_VM_TYPE = 'Microsoft.ClassicCompute/virtualMachines';

const groupBody = (ctx: ProviderContext, rg: ResourceGroup) => ({
  id: rgId(ctx.world.subscriptionId, rg.name),
  name: rg.name,
  type: 'Microsoft.Resources/resourceGroups',
  location: rg.location,
  tags: {},
  properties: { provisioningState: 'Succeeded' },
});

export const groupRoutes: Route[] = [
  {
    // No route permission: ARM lists the resource groups the caller may read.
    id: 'resourceGroups.list',
    method: 'GET',
    path: '/subscriptions/{subscriptionId}/resourcegroups',
    apiVersions: RESOURCES_API_VERSIONS,
    handler: (req, ctx) => {
      requireSubscription(req, ctx);
      const groups = ctx.world.resourceGroups.filter((rg) =>
        canRead(ctx, req.caller, RG_TYPE, rgId(ctx.world.subscriptionId, rg.name)),
      );
      return {
        status: 200,
        body: page(
          req,
          groups.map((rg) => groupBody(ctx, rg)),
          1000,
        ),
      };
    },
  },
  {
    id: 'resourceGroups.get',
    method: 'GET',
    path: '/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}',
    apiVersions: RESOURCES_API_VERSIONS,
    permission: (req) => ({
      action: `${RG_TYPE}/read`,
      scope: rgId(req.params.subscriptionId, req.params.resourceGroupName),
    }),
    handler: (req, ctx) => ({ status: 200, body: groupBody(ctx, requireResourceGroup(req, ctx)) }),
  },
  {
    // A classic (Azure Service Manager) VM as ARM shows it, so a client can tell "classic" from "missing".
    id: 'classicVirtualMachines.get',
    method: 'GET',
    path: '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ClassicCompute/virtualMachines/{vmName}',
    apiVersions: CLASSIC_COMPUTE_API_VERSIONS,
    permission: (req) => ({
      action: `${CLASSIC_VM_TYPE}/read`,
      scope: `${rgId(req.params.subscriptionId, req.params.resourceGroupName)}/providers/${CLASSIC_VM_TYPE}/${req.params.vmName}`,
    }),
    handler: (req, ctx) => {
      const rg = requireResourceGroup(req, ctx);
      const vm = ctx.world.vms.find(
        (v) => v.kind === 'classic' && sameId(v.resourceGroup, rg.name) && sameId(v.name, req.params.vmName),
      );
      if (!vm) throw notFound(CLASSIC_VM_TYPE, req.params.vmName, rg.name);
      return {
        status: 200,
        body: {
          id: resourceId(ctx.world.subscriptionId, vm.resourceGroup, CLASSIC_VM_TYPE, vm.name),
          name: vm.name,
          type: CLASSIC_VM_TYPE,
          location: vm.location,
          properties: {
            provisioningState: 'Succeeded',
            hardwareProfile: {
              platformGuestAgent: vm.agentReady,
              size: 'Small',
              deploymentName: vm.name,
              deploymentLabel: vm.name,
            },
            operatingSystemDisk: { osType: vm.osType, diskName: vm.osDiskName, caching: 'ReadWrite' },
            instanceView: { status: 'ReadyRole', powerState: 'Started' },
          },
        },
      };
    },
  },
];
