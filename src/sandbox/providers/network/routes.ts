import { sameId } from '../../authorization/rbac';
import { operationStatusBody, page, rgId } from '../../http/arm';
import { requireAbsentIfNoneMatch, tagsOf } from '../../http/conditional';
import { AzureError, notFound } from '../../http/errors';
import type { ProviderContext, Route, SandboxRequest } from '../../http/types';
import type { VirtualNetwork } from '../../world/types';
import { NETWORK_API_VERSIONS } from '../resources/apiVersions';
import { lroHeaders, requireResourceGroup, requireSubscription } from '../resources/common';
import { findNic, findVnet, NIC_TYPE, nicBody, nicId, subnetBody, SUBNET_TYPE, VNET_TYPE, vnetBody } from './bodies';
import { applyNic, parseNicBody } from './nicApply';

const RG_PATH = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network';
const PAGE = 100;
const rgScope = (req: SandboxRequest) => rgId(req.params.subscriptionId, req.params.resourceGroupName);
const subScope = (req: SandboxRequest) => `/subscriptions/${req.params.subscriptionId}`;
const vnetScope = (req: SandboxRequest) => `${rgScope(req)}/providers/${VNET_TYPE}/${req.params.virtualNetworkName}`;
const nicScope = (req: SandboxRequest) => `${rgScope(req)}/providers/${NIC_TYPE}/${req.params.networkInterfaceName}`;

function requireVnet(req: SandboxRequest, ctx: ProviderContext): VirtualNetwork {
  const rg = requireResourceGroup(req, ctx);
  const vnet = findVnet(ctx, rg.name, req.params.virtualNetworkName);
  if (!vnet) throw notFound(VNET_TYPE, req.params.virtualNetworkName, rg.name);
  return vnet;
}

const inRg = (rg: string) => (x: { resourceGroup: string }) => sameId(x.resourceGroup, rg);

export const networkRoutes: Route[] = [
  {
    id: 'virtualNetworks.list',
    method: 'GET',
    path: `${RG_PATH}/virtualNetworks`,
    apiVersions: NETWORK_API_VERSIONS,
    permission: (req) => ({ action: `${VNET_TYPE}/read`, scope: rgScope(req) }),
    handler: (req, ctx) => {
      const rg = requireResourceGroup(req, ctx);
      return {
        status: 200,
        body: page(
          req,
          ctx.world.virtualNetworks.filter(inRg(rg.name)).map((v) => vnetBody(ctx, v)),
          PAGE,
        ),
      };
    },
  },
  {
    id: 'virtualNetworks.listAll',
    method: 'GET',
    path: '/subscriptions/{subscriptionId}/providers/Microsoft.Network/virtualNetworks',
    apiVersions: NETWORK_API_VERSIONS,
    permission: (req) => ({ action: `${VNET_TYPE}/read`, scope: subScope(req) }),
    handler: (req, ctx) => {
      requireSubscription(req, ctx);
      return {
        status: 200,
        body: page(
          req,
          ctx.world.virtualNetworks.map((v) => vnetBody(ctx, v)),
          PAGE,
        ),
      };
    },
  },
  {
    id: 'virtualNetworks.get',
    method: 'GET',
    path: `${RG_PATH}/virtualNetworks/{virtualNetworkName}`,
    apiVersions: NETWORK_API_VERSIONS,
    permission: (req) => ({ action: `${VNET_TYPE}/read`, scope: vnetScope(req) }),
    handler: (req, ctx) => ({ status: 200, body: vnetBody(ctx, requireVnet(req, ctx)) }),
  },
  {
    // https://learn.microsoft.com/rest/api/virtualnetwork/virtual-networks/create-or-update: 201 (200 on update) with
    // Azure-AsyncOperation. Peerings are a child resource (virtualNetworkPeerings PUT), never made by this call; an
    // update keeps the network's peerings. The sandbox does not check that subnet prefixes lie in the address space.
    id: 'virtualNetworks.createOrUpdate',
    method: 'PUT',
    path: `${RG_PATH}/virtualNetworks/{virtualNetworkName}`,
    apiVersions: NETWORK_API_VERSIONS,
    permission: (req) => ({ action: `${VNET_TYPE}/write`, scope: vnetScope(req) }),
    handler: (req, ctx) => {
      const rg = requireResourceGroup(req, ctx);
      const name = req.params.virtualNetworkName;
      const existing = findVnet(ctx, rg.name, name);
      requireAbsentIfNoneMatch(req, !!existing, VNET_TYPE, name);
      const body = (req.body ?? {}) as {
        location?: string;
        properties?: {
          addressSpace?: { addressPrefixes?: string[] };
          subnets?: { name?: string; properties?: { addressPrefix?: string } }[];
        };
      };
      const location = body.location ?? existing?.location;
      const prefix = body.properties?.addressSpace?.addressPrefixes?.[0];
      if (!location || !prefix) {
        throw new AzureError(400, 'InvalidRequestFormat', 'The virtual network needs a location and an address space.');
      }
      const subnets = (body.properties?.subnets ?? []).map((x) => ({
        name: x.name ?? '',
        addressPrefix: x.properties?.addressPrefix ?? '',
      }));
      if (subnets.some((x) => !x.name || !x.addressPrefix)) {
        throw new AzureError(400, 'InvalidRequestFormat', 'Every subnet needs a name and an address prefix.');
      }
      const vnet: VirtualNetwork = existing ?? {
        name,
        resourceGroup: rg.name,
        location,
        addressPrefix: prefix,
        subnets,
      };
      Object.assign(vnet, { location, addressPrefix: prefix, subnets, tags: tagsOf(req.body) });
      if (!existing) ctx.world.virtualNetworks.push(vnet);
      const op = ctx.engine.startOperation(ctx.timing.lroMs, () => ({ status: 'Succeeded' }));
      const asyncOperation = `/subscriptions/${ctx.world.subscriptionId}/providers/Microsoft.Network/locations/${location}/operations/${op.id}`;
      return {
        status: existing ? 200 : 201,
        headers: lroHeaders(req, ctx, { asyncOperation }),
        body: {
          ...vnetBody(ctx, vnet),
          properties: { ...(vnetBody(ctx, vnet).properties as object), provisioningState: 'Updating' },
        },
      };
    },
  },
  {
    id: 'subnets.list',
    method: 'GET',
    path: `${RG_PATH}/virtualNetworks/{virtualNetworkName}/subnets`,
    apiVersions: NETWORK_API_VERSIONS,
    permission: (req) => ({ action: `${SUBNET_TYPE}/read`, scope: vnetScope(req) }),
    handler: (req, ctx) => {
      const vnet = requireVnet(req, ctx);
      return {
        status: 200,
        body: page(
          req,
          vnet.subnets.map((s) => subnetBody(ctx, vnet, s)),
          PAGE,
        ),
      };
    },
  },
  {
    id: 'subnets.get',
    method: 'GET',
    path: `${RG_PATH}/virtualNetworks/{virtualNetworkName}/subnets/{subnetName}`,
    apiVersions: NETWORK_API_VERSIONS,
    permission: (req) => ({
      action: `${SUBNET_TYPE}/read`,
      scope: `${vnetScope(req)}/subnets/${req.params.subnetName}`,
    }),
    handler: (req, ctx) => {
      const vnet = requireVnet(req, ctx);
      const subnet = vnet.subnets.find((s) => sameId(s.name, req.params.subnetName));
      if (!subnet) throw notFound(SUBNET_TYPE, `${vnet.name}/${req.params.subnetName}`, vnet.resourceGroup);
      return { status: 200, body: subnetBody(ctx, vnet, subnet) };
    },
  },
  {
    id: 'networkInterfaces.list',
    method: 'GET',
    path: `${RG_PATH}/networkInterfaces`,
    apiVersions: NETWORK_API_VERSIONS,
    permission: (req) => ({ action: `${NIC_TYPE}/read`, scope: rgScope(req) }),
    handler: (req, ctx) => {
      const rg = requireResourceGroup(req, ctx);
      return {
        status: 200,
        body: page(
          req,
          ctx.world.networkInterfaces.filter(inRg(rg.name)).map((n) => nicBody(ctx, n)),
          PAGE,
        ),
      };
    },
  },
  {
    id: 'networkInterfaces.listAll',
    method: 'GET',
    path: '/subscriptions/{subscriptionId}/providers/Microsoft.Network/networkInterfaces',
    apiVersions: NETWORK_API_VERSIONS,
    permission: (req) => ({ action: `${NIC_TYPE}/read`, scope: subScope(req) }),
    handler: (req, ctx) => {
      requireSubscription(req, ctx);
      return {
        status: 200,
        body: page(
          req,
          ctx.world.networkInterfaces.map((n) => nicBody(ctx, n)),
          PAGE,
        ),
      };
    },
  },
  {
    id: 'networkInterfaces.get',
    method: 'GET',
    path: `${RG_PATH}/networkInterfaces/{networkInterfaceName}`,
    apiVersions: NETWORK_API_VERSIONS,
    permission: (req) => ({ action: `${NIC_TYPE}/read`, scope: nicScope(req) }),
    handler: (req, ctx) => {
      const rg = requireResourceGroup(req, ctx);
      const nic = findNic(ctx, rg.name, req.params.networkInterfaceName);
      if (!nic) throw notFound(NIC_TYPE, req.params.networkInterfaceName, rg.name);
      return { status: 200, body: nicBody(ctx, nic) };
    },
  },
  {
    id: 'networkInterfaces.createOrUpdate',
    method: 'PUT',
    path: `${RG_PATH}/networkInterfaces/{networkInterfaceName}`,
    apiVersions: NETWORK_API_VERSIONS,
    permission: (req) => ({ action: `${NIC_TYPE}/write`, scope: nicScope(req) }),
    handler: (req, ctx) => {
      const rg = requireResourceGroup(req, ctx);
      const name = req.params.networkInterfaceName;
      requireAbsentIfNoneMatch(req, !!findNic(ctx, rg.name, name), NIC_TYPE, name);
      const { nic, created } = applyNic(ctx, req.caller, parseNicBody(req.body, { name, resourceGroup: rg.name }));
      nic.tags = tagsOf(req.body);
      const op = ctx.engine.startOperation(ctx.timing.lroMs, () => ({ status: 'Succeeded' }));
      const asyncOperation = `/subscriptions/${ctx.world.subscriptionId}/providers/Microsoft.Network/locations/${nic.location}/operations/${op.id}`;
      return {
        status: created ? 201 : 200,
        headers: lroHeaders(req, ctx, { asyncOperation }),
        body: nicBody(ctx, nic, 'Updating'),
      };
    },
  },
  {
    // https://learn.microsoft.com/rest/api/virtualnetwork/network-interfaces/delete: 202 (Location and
    // Azure-AsyncOperation), 204 when absent; a NIC a VM still uses is refused (NicInUse).
    id: 'networkInterfaces.delete',
    method: 'DELETE',
    path: `${RG_PATH}/networkInterfaces/{networkInterfaceName}`,
    apiVersions: NETWORK_API_VERSIONS,
    permission: (req) => ({ action: `${NIC_TYPE}/delete`, scope: nicScope(req) }),
    handler: (req, ctx) => {
      const rg = requireResourceGroup(req, ctx);
      const nic = findNic(ctx, rg.name, req.params.networkInterfaceName);
      if (!nic) return { status: 204 };
      const id = nicId(ctx, nic);
      const user = ctx.world.vms.find((v) => v.networkInterfaceIds.some((n) => sameId(n, id)));
      if (user) {
        throw new AzureError(
          400,
          'NicInUse',
          `Network Interface ${id} is used by existing resource ${user.name}. In order to delete the network interface, it must be dissociated from the resource.`,
        );
      }
      const op = ctx.engine.startOperation(ctx.timing.lroMs, () => {
        const i = ctx.world.networkInterfaces.indexOf(nic);
        if (i >= 0) ctx.world.networkInterfaces.splice(i, 1);
        return { status: 'Succeeded' };
      });
      const path = `/subscriptions/${ctx.world.subscriptionId}/providers/Microsoft.Network/locations/${nic.location}/operations/${op.id}`;
      return { status: 202, headers: lroHeaders(req, ctx, { asyncOperation: path, location: path }) };
    },
  },
  {
    // No permission: ARM lets the caller who started an operation follow it.
    id: 'network.operations.get',
    method: 'GET',
    path: '/subscriptions/{subscriptionId}/providers/Microsoft.Network/locations/{location}/operations/{operationId}',
    apiVersions: NETWORK_API_VERSIONS,
    handler: (req, ctx) => {
      const op = ctx.engine.getOperation(req.params.operationId);
      if (!op) throw new AzureError(404, 'NotFound', `The operation '${req.params.operationId}' was not found.`);
      const headers = op.status === 'InProgress' ? { 'Retry-After': String(ctx.timing.retryAfterSeconds) } : undefined;
      return { status: 200, headers, body: operationStatusBody(op) };
    },
  },
];
