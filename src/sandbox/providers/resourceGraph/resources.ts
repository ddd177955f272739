import { sameId } from '../../authorization/rbac';
import { resourceId } from '../../http/arm';
import type { ProviderContext, Route, SandboxRequest } from '../../http/types';
import type { World } from '../../world/types';
import { canRead } from '../resources/common';
import { invalidQuery, parseQuery, type Column, type ParsedQuery } from './query';

/**
 * POST /providers/Microsoft.ResourceGraph/resources: a Resource Graph query over the world's resources, answered as
 * Resource Graph answers (azure-rest-api-specs specification/resourcegraph/resource-manager/Microsoft.ResourceGraph/
 * stable/2024-04-01/examples/ResourcesFirstPageQuery.json and ResourcesNextPageQuery.json: totalRecords, count,
 * resultTruncated "false", facets [], $skipToken while more rows remain, data as an object array; type in lower case).
 * Rows are only those the caller may read (Resource Graph shows what RBAC lets the caller see:
 * https://learn.microsoft.com/azure/governance/resource-graph/overview#permissions-in-azure-resource-graph).
 * @azure/arm-resourcegraph 5.0.0 sends api-version 2024-04-01.
 */
export const RESOURCE_GRAPH_API_VERSIONS = ['2021-03-01', '2022-10-01', '2024-04-01'] as const;

/** Rows per page when the request gives no $top: Resource Graph's default of 100 (concepts/work-with-data). */
const DEFAULT_PAGE = 100;

interface Row {
  id: string;
  name: string;
  type: string;
  location: string;
  resourceGroup: string;
  subscriptionId: string;
  rbac?: boolean;
}

/** The world's resources of one type (lower case), built only for the types a query names: cost follows the type. */
function rowsOf(w: World, type: string): Row[] {
  const row = (armType: string, r: { name: string; resourceGroup: string; location: string }): Row => ({
    id: resourceId(w.subscriptionId, r.resourceGroup, armType, r.name),
    name: r.name,
    type: armType.toLowerCase(),
    location: r.location,
    resourceGroup: r.resourceGroup,
    subscriptionId: w.subscriptionId,
  });
  switch (type) {
    case 'microsoft.compute/virtualmachines':
      return w.vms.filter((v) => v.kind === 'arm').map((v) => row('Microsoft.Compute/virtualMachines', v));
    case 'microsoft.classiccompute/virtualmachines':
      return w.vms.filter((v) => v.kind === 'classic').map((v) => row('Microsoft.ClassicCompute/virtualMachines', v));
    case 'microsoft.keyvault/vaults':
      return w.keyVaults.filter((k) => k.exists).map((k) => ({ ...row('Microsoft.KeyVault/vaults', k), rbac: k.rbac }));
    case 'microsoft.recoveryservices/vaults':
      return w.recoveryVaults.map((v) => row('Microsoft.RecoveryServices/vaults', v));
    default:
      return [];
  }
}

function matches(q: ParsedQuery): (r: Row) => boolean {
  const contains = q.nameContains?.toLowerCase();
  const excluded = new Set(q.excludeIds ?? []);
  return (r) =>
    !excluded.has(r.id.toLowerCase()) &&
    (!q.names || q.names.some((n) => sameId(n, r.name))) &&
    (contains === undefined || r.name.toLowerCase().includes(contains)) &&
    (q.location === undefined || sameId(q.location, r.location));
}

/** The page window from options: $skipToken (ours: base64 of {skip, top}) wins over $top / $skip, as documented. */
function window(options: Record<string, unknown> | undefined): { skip: number; top: number } {
  const o = options ?? {};
  const token = o.$skipToken;
  if (token !== undefined) {
    try {
      const t = JSON.parse(Buffer.from(String(token), 'base64').toString('utf8')) as { skip: number; top: number };
      if (Number.isInteger(t.skip) && t.skip >= 0 && Number.isInteger(t.top) && t.top > 0) return t;
    } catch {
      // fall through to the refusal
    }
    throw invalidQuery('The $skipToken is not one this service issued.');
  }
  const top = o.$top ?? DEFAULT_PAGE;
  const skip = o.$skip ?? 0;
  // resourcegraph.json QueryRequestOptions: $top 1..1000, $skip >= 0.
  if (!Number.isInteger(top) || (top as number) < 1 || (top as number) > 1000)
    throw invalidQuery('$top must be an integer from 1 to 1000.');
  if (!Number.isInteger(skip) || (skip as number) < 0) throw invalidQuery('$skip must be a non-negative integer.');
  return { skip: skip as number, top: top as number };
}

function project(r: Row, columns: Column[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of columns) out[c] = c === 'rbac' ? (r.rbac ?? null) : r[c];
  return out;
}

function query(req: SandboxRequest, ctx: ProviderContext) {
  const body = req.body as { subscriptions?: unknown; managementGroups?: unknown; query?: unknown; options?: any };
  if (!body || typeof body !== 'object') throw invalidQuery('The request has no body.');
  if (body.managementGroups !== undefined) throw invalidQuery('The sandbox answers subscription-scoped queries only.');
  const resultFormat = body.options?.resultFormat;
  if (resultFormat !== undefined && resultFormat !== 'objectArray')
    throw invalidQuery('The sandbox answers resultFormat objectArray only.');
  const q = parseQuery(body.query);
  const subs = Array.isArray(body.subscriptions) ? body.subscriptions.map(String) : undefined;
  // Every subscription the request names (issue 17: one query across the managed subscriptions), and of their rows only
  // those the caller may read: a subscription it holds no role in answers nothing
  // (https://learn.microsoft.com/azure/governance/resource-graph/overview#permissions-in-azure-resource-graph).
  const worlds = (ctx.worlds ?? [ctx.world]).filter((w) => !subs || subs.some((s) => sameId(s, w.subscriptionId)));
  const { skip, top } = window(body.options);
  const rows = worlds.flatMap((w) =>
    q.types
      .flatMap((t) => rowsOf(w, t))
      .filter(matches(q))
      .filter((r) => canRead({ ...ctx, world: w }, req.caller, r.type, r.id)),
  );
  if (q.orderByName) rows.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  const data = rows.slice(skip, skip + top).map((r) => project(r, q.columns));
  const more = skip + top < rows.length;
  return {
    status: 200,
    body: {
      totalRecords: rows.length,
      count: data.length,
      resultTruncated: 'false',
      facets: [],
      ...(more ? { $skipToken: Buffer.from(JSON.stringify({ skip: skip + top, top })).toString('base64') } : {}),
      data,
    },
  };
}

export const resourceGraphRoutes: Route[] = [
  {
    id: 'resourceGraph.resources',
    method: 'POST',
    path: '/providers/Microsoft.ResourceGraph/resources',
    apiVersions: RESOURCE_GRAPH_API_VERSIONS,
    handler: query,
  },
];
