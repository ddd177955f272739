import { sameId } from '../../authorization/rbac';
import { page, resourceId } from '../../http/arm';
import { badRequest } from '../../http/errors';
import type { ProviderContext, Route, SandboxRequest } from '../../http/types';
import { RESOURCES_API_VERSIONS } from './apiVersions';
import { canRead, requireResourceGroup, requireSubscription } from './common';

/** A row of GET /subscriptions/{id}/resources (GenericResourceExpanded, minus what no caller uses). */
interface GenericResource {
  id: string;
  name: string;
  type: string;
  location: string;
  resourceGroup: string;
  kind?: string;
  sku?: { name: string; tier?: string };
  managedBy?: string;
}

/** Every resource of the world, as the generic list shows it. Deleted key vaults are gone from it. */
export function allResources(ctx: ProviderContext): GenericResource[] {
  const w = ctx.world;
  const row = (
    type: string,
    r: { name: string; resourceGroup: string; location: string },
    extra: Partial<GenericResource> = {},
  ): GenericResource => ({
    id: resourceId(w.subscriptionId, r.resourceGroup, type, r.name),
    name: r.name,
    type,
    location: r.location,
    resourceGroup: r.resourceGroup,
    ...extra,
  });
  return [
    ...w.vms.map((v) =>
      row(v.kind === 'classic' ? 'Microsoft.ClassicCompute/virtualMachines' : 'Microsoft.Compute/virtualMachines', v),
    ),
    ...w.disks.map((d) =>
      row('Microsoft.Compute/disks', d, { sku: { name: 'Premium_LRS', tier: 'Premium' }, managedBy: d.managedBy }),
    ),
    ...w.keyVaults.filter((k) => k.exists).map((k) => row('Microsoft.KeyVault/vaults', k)),
    ...w.recoveryVaults.map((v) =>
      row('Microsoft.RecoveryServices/vaults', v, { sku: { name: 'RS0', tier: 'Standard' } }),
    ),
    ...w.storageAccounts.map((a) =>
      row('Microsoft.Storage/storageAccounts', a, { kind: a.kind, sku: { name: a.sku } }),
    ),
    ...w.virtualNetworks.map((v) => row('Microsoft.Network/virtualNetworks', v)),
    ...w.networkInterfaces.map((n) => row('Microsoft.Network/networkInterfaces', n)),
  ];
}

/** The `$filter` subset ARM's resource list takes here: `resourceType eq '…'`, `name eq '…'`, `location eq '…'`, joined by `and`. */
function matcher(filter: string | null): (r: GenericResource) => boolean {
  if (!filter?.trim()) return () => true;
  const clauses = filter.split(/\s+and\s+/i).map((c) => {
    const m = /^\s*(resourceType|name|location)\s+eq\s+'([^']*)'\s*$/i.exec(c);
    if (!m)
      throw badRequest(
        'InvalidFilterInQueryString',
        `The $filter '${filter}' is not supported. Use resourceType, name or location with 'eq'.`,
      );
    return { field: m[1].toLowerCase(), value: m[2] };
  });
  return (r) =>
    clauses.every((c) =>
      sameId(c.field === 'resourcetype' ? r.type : c.field === 'name' ? r.name : r.location, c.value),
    );
}

/** ARM pages generic lists at 1000 unless $top asks for fewer per page (nextLink continues). */
function listBody(req: SandboxRequest, ctx: ProviderContext, rows: GenericResource[]) {
  const top = Number(req.query.get('$top') ?? 0);
  const size = Number.isInteger(top) && top > 0 ? Math.min(top, 1000) : 1000;
  const visible = rows.filter(matcher(req.query.get('$filter'))).filter((r) => canRead(ctx, req.caller, r.type, r.id));
  const items = visible.map(({ resourceGroup: _rg, managedBy, ...r }) => ({
    ...r,
    tags: {},
    ...(managedBy ? { managedBy } : {}),
  }));
  return { status: 200, body: page(req, items, size) };
}

/**
 * Generic resource lists (what @azure/arm-keyvault's vaults.list calls, with api-version 2015-11-01). No route
 * permission: ARM filters the list down to the resources the caller may read instead of refusing it.
 */
export const genericResourceRoutes: Route[] = [
  {
    id: 'resources.list',
    method: 'GET',
    path: '/subscriptions/{subscriptionId}/resources',
    apiVersions: RESOURCES_API_VERSIONS,
    handler: (req, ctx) => {
      requireSubscription(req, ctx);
      return listBody(req, ctx, allResources(ctx));
    },
  },
  {
    id: 'resources.listByResourceGroup',
    method: 'GET',
    path: '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/resources',
    apiVersions: RESOURCES_API_VERSIONS,
    handler: (req, ctx) => {
      const rg = requireResourceGroup(req, ctx);
      return listBody(
        req,
        ctx,
        allResources(ctx).filter((r) => sameId(r.resourceGroup, rg.name)),
      );
    },
  },
];
