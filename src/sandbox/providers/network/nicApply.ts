import { sameId } from '../../authorization/rbac';
import { badRequest } from '../../http/errors';
import type { Caller, ProviderContext } from '../../http/types';
import type { NetworkInterface } from '../../world/types';
import { requireLinkedAccess } from '../resources/common';
import { findNic, findSubnetById, NIC_TYPE, nicId } from './bodies';

export interface NicSpec {
  name: string;
  resourceGroup: string;
  location: string;
  subnetId: string;
}

/**
 * Creates or updates a NIC with the network RP's consequences: the subnet must exist in the NIC's region, and the
 * caller needs 'Microsoft.Network/virtualNetworks/subnets/join/action' on it (403 LinkedAuthorizationFailed).
 * Shared by the network PUT and template deployments.
 */
export function applyNic(
  ctx: ProviderContext,
  caller: Caller | undefined,
  spec: NicSpec,
): { nic: NetworkInterface; created: boolean } {
  const id = nicId(ctx, spec);
  requireLinkedAccess(
    ctx,
    caller,
    { action: `${NIC_TYPE}/write`, scope: id },
    { action: 'Microsoft.Network/virtualNetworks/subnets/join/action', scope: spec.subnetId },
  );
  const found = findSubnetById(ctx, spec.subnetId);
  if (!found || !sameId(found.vnet.location, spec.location)) {
    throw badRequest(
      'InvalidResourceReference',
      `Resource ${spec.subnetId} referenced by resource ${id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
    );
  }
  const existing = findNic(ctx, spec.resourceGroup, spec.name);
  if (existing) {
    if (!sameId(existing.location, spec.location)) {
      throw badRequest(
        'InvalidResourceLocation',
        `The resource '${spec.name}' already exists in location '${existing.location}'. A resource with the same name cannot be created in location '${spec.location}'.`,
      );
    }
    existing.subnetId = spec.subnetId;
    return { nic: existing, created: false };
  }
  const nic: NetworkInterface = {
    name: spec.name,
    resourceGroup: spec.resourceGroup,
    location: spec.location,
    subnetId: spec.subnetId,
  };
  ctx.world.networkInterfaces.push(nic);
  return { nic, created: true };
}

/** Reads a NIC PUT body (wire shape): location and the primary IP configuration's subnet. */
export function parseNicBody(body: any, target: { name: string; resourceGroup: string }): NicSpec {
  const location = typeof body?.location === 'string' ? body.location : undefined;
  if (!location) throw badRequest('LocationRequired', 'The location property is required for this definition.');
  const configs: any[] = Array.isArray(body.properties?.ipConfigurations) ? body.properties.ipConfigurations : [];
  if (configs.length === 0) {
    throw badRequest(
      'InvalidRequestFormat',
      `Network interface ${target.name} must have one or more IP configurations.`,
    );
  }
  const primary = configs.find((c) => c?.properties?.primary === true) ?? configs[0];
  const subnetId = primary?.properties?.subnet?.id;
  if (typeof subnetId !== 'string')
    throw badRequest(
      'InvalidRequestFormat',
      `IP configuration ${String(primary?.name ?? 'ipconfig1')} must reference a subnet.`,
    );
  return { name: target.name, resourceGroup: target.resourceGroup, location, subnetId };
}
