import { sameId } from '../../authorization/rbac';
import { resourceId } from '../../http/arm';
import type { ProviderContext } from '../../http/types';
import type { NetworkInterface, VirtualNetwork } from '../../world/types';
import { parseResourceId, stableGuid, weakEtag } from '../resources/common';

export const VNET_TYPE = 'Microsoft.Network/virtualNetworks';
export const SUBNET_TYPE = 'Microsoft.Network/virtualNetworks/subnets';
export const NIC_TYPE = 'Microsoft.Network/networkInterfaces';

export const vnetId = (ctx: ProviderContext, v: VirtualNetwork): string =>
  resourceId(ctx.world.subscriptionId, v.resourceGroup, VNET_TYPE, v.name);
export const nicId = (ctx: ProviderContext, n: Pick<NetworkInterface, 'resourceGroup' | 'name'>): string =>
  resourceId(ctx.world.subscriptionId, n.resourceGroup, NIC_TYPE, n.name);

export const findVnet = (ctx: ProviderContext, rg: string, name: string): VirtualNetwork | undefined =>
  ctx.world.virtualNetworks.find((v) => sameId(v.resourceGroup, rg) && sameId(v.name, name));

export const findNic = (ctx: ProviderContext, rg: string, name: string): NetworkInterface | undefined =>
  ctx.world.networkInterfaces.find((n) => sameId(n.resourceGroup, rg) && sameId(n.name, name));

/** The virtual network and subnet an id names, when both exist. */
export function findSubnetById(
  ctx: ProviderContext,
  id: string | undefined,
): { vnet: VirtualNetwork; subnet: VirtualNetwork['subnets'][number] } | undefined {
  const p = parseResourceId(id);
  if (!p || !sameId(p.type, SUBNET_TYPE) || !sameId(p.subscriptionId, ctx.world.subscriptionId)) return undefined;
  const vnet = findVnet(ctx, p.resourceGroup, p.names[0]);
  const subnet = vnet?.subnets.find((s) => sameId(s.name, p.names[1]));
  return vnet && subnet ? { vnet, subnet } : undefined;
}

export function subnetBody(
  ctx: ProviderContext,
  vnet: VirtualNetwork,
  subnet: VirtualNetwork['subnets'][number],
): Record<string, unknown> {
  const id = `${vnetId(ctx, vnet)}/subnets/${subnet.name}`;
  const nics = ctx.world.networkInterfaces.filter((n) => sameId(n.subnetId, id));
  return {
    id,
    name: subnet.name,
    etag: weakEtag(id),
    type: SUBNET_TYPE,
    properties: {
      provisioningState: 'Succeeded',
      addressPrefix: subnet.addressPrefix,
      ...(nics.length
        ? { ipConfigurations: nics.map((n) => ({ id: `${nicId(ctx, n)}/ipConfigurations/ipconfig1` })) }
        : {}),
      privateEndpointNetworkPolicies: 'Disabled',
      privateLinkServiceNetworkPolicies: 'Enabled',
    },
  };
}

export function vnetBody(ctx: ProviderContext, v: VirtualNetwork): Record<string, unknown> {
  const id = vnetId(ctx, v);
  return {
    id,
    name: v.name,
    type: VNET_TYPE,
    location: v.location,
    etag: weakEtag(id),
    tags: v.tags ?? {},
    properties: {
      provisioningState: 'Succeeded',
      resourceGuid: stableGuid(`vnet:${id}`),
      addressSpace: { addressPrefixes: [v.addressPrefix] },
      subnets: v.subnets.map((s) => subnetBody(ctx, v, s)),
      // VirtualNetworkPeering (https://learn.microsoft.com/rest/api/virtualnetwork/virtual-network-peerings/get).
      virtualNetworkPeerings: (v.peerings ?? []).map((p) => ({
        id: `${id}/virtualNetworkPeerings/${p.name}`,
        name: p.name,
        type: `${VNET_TYPE}/virtualNetworkPeerings`,
        properties: {
          provisioningState: 'Succeeded',
          peeringState: 'Connected',
          remoteVirtualNetwork: { id: p.remoteId },
          allowVirtualNetworkAccess: true,
          allowForwardedTraffic: false,
          allowGatewayTransit: false,
          useRemoteGateways: false,
        },
      })),
      enableDdosProtection: false,
    },
  };
}

export function nicBody(
  ctx: ProviderContext,
  n: NetworkInterface,
  provisioningState = 'Succeeded',
): Record<string, unknown> {
  const id = nicId(ctx, n);
  const vm = ctx.world.vms.find((v) => v.networkInterfaceIds.some((x) => sameId(x, id)));
  return {
    id,
    name: n.name,
    type: NIC_TYPE,
    location: n.location,
    etag: weakEtag(id),
    tags: n.tags ?? {},
    properties: {
      provisioningState,
      resourceGuid: stableGuid(`nic:${id}`),
      ipConfigurations: [
        {
          id: `${id}/ipConfigurations/ipconfig1`,
          name: 'ipconfig1',
          type: `${NIC_TYPE}/ipConfigurations`,
          etag: weakEtag(`${id}/ipconfig1`),
          properties: {
            provisioningState,
            privateIPAddress: privateIp(ctx, n),
            privateIPAllocationMethod: 'Dynamic',
            subnet: { id: n.subnetId },
            primary: true,
            privateIPAddressVersion: 'IPv4',
          },
        },
      ],
      dnsSettings: { dnsServers: [], appliedDnsServers: [] },
      enableAcceleratedNetworking: false,
      enableIPForwarding: false,
      nicType: 'Standard',
      ...(vm
        ? {
            virtualMachine: {
              id: resourceId(ctx.world.subscriptionId, vm.resourceGroup, 'Microsoft.Compute/virtualMachines', vm.name),
            },
            primary: true,
          }
        : {}),
    },
  };
}

/** Dynamic allocation: Azure keeps .0–.3 of each subnet, so the n-th NIC in a subnet gets .(n+4). */
function privateIp(ctx: ProviderContext, n: NetworkInterface): string | undefined {
  const found = findSubnetById(ctx, n.subnetId);
  if (!found) return undefined;
  const index = ctx.world.networkInterfaces.filter((x) => sameId(x.subnetId, n.subnetId)).indexOf(n);
  const base = found.subnet.addressPrefix.split('/')[0].split('.').map(Number);
  return [base[0], base[1], base[2], base[3] + 4 + Math.max(index, 0)].join('.');
}
