import { AzureError } from '../../http/errors';
import type { Route, SandboxRequest } from '../../http/types';
import type { World } from '../../world/types';

/**
 * Microsoft.Authorization resources hang off any ARM scope ({scope}/providers/Microsoft.Authorization/...). The
 * router matches fixed segment counts, so each route is registered once per scope shape the bot can name.
 */
const SCOPE_SHAPES = [
  '/subscriptions/{subscriptionId}',
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}',
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/{namespace}/{type}/{name}',
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/{namespace}/{parentType}/{parentName}/{type}/{name}',
];

/** One route per scope shape; `withRoot` adds the tenant root scope ('/'), where built-in role definitions live. */
export function atEveryScope(suffix: string, route: Omit<Route, 'path'>, withRoot = false): Route[] {
  return [...(withRoot ? [''] : []), ...SCOPE_SHAPES].map((shape) => ({ ...route, path: `${shape}${suffix}` }));
}

/** The scope a request addresses: its path up to /providers/Microsoft.Authorization/, in canonical casing. */
export function scopeOf(req: SandboxRequest): string {
  const at = req.path.toLowerCase().lastIndexOf('/providers/microsoft.authorization/');
  const raw = at <= 0 ? '/' : req.path.slice(0, at);
  return canonicalScope(raw);
}

export function canonicalScope(scope: string): string {
  const parts = scope.split('/').filter((p) => p.length > 0);
  if (parts.length === 0) return '/';
  return `/${parts
    .map((p, i) => {
      const lower = p.toLowerCase();
      if (i === 0 && lower === 'subscriptions') return 'subscriptions';
      if (i === 2 && lower === 'resourcegroups') return 'resourceGroups';
      if (lower === 'providers') return 'providers';
      return p;
    })
    .join('/')}`;
}

/** ARM answers 404 for a scope in another subscription or an unknown resource group. */
export function checkScopeExists(world: World, scope: string): void {
  const parts = scope.split('/').filter((p) => p.length > 0);
  if (parts.length === 0) return;
  if (parts[1]?.toLowerCase() !== world.subscriptionId.toLowerCase()) {
    throw new AzureError(404, 'SubscriptionNotFound', `The subscription '${parts[1]}' could not be found.`);
  }
  const rg = parts[3];
  if (rg && !world.resourceGroups.some((r) => r.name.toLowerCase() === rg.toLowerCase())) {
    throw new AzureError(404, 'ResourceGroupNotFound', `Resource group '${rg}' could not be found.`);
  }
}

/** The GUID at the end of a role definition id, in either of the forms ARM accepts, or undefined. */
export function roleDefinitionGuid(id: unknown): string | undefined {
  if (typeof id !== 'string') return undefined;
  const m =
    /^(?:\/subscriptions\/[^/]+)?\/providers\/Microsoft\.Authorization\/roleDefinitions\/([0-9a-f-]{36})$/i.exec(
      id.trim(),
    );
  return m?.[1].toLowerCase();
}

export const isGuid = (s: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
