import { assignmentsFor } from '../../authorization/rbac';
import { page } from '../../http/arm';
import type { Route } from '../../http/types';
import { roleDefinitionOf } from './access';
import { ROLE_DEFINITION_API_VERSIONS } from './roleDefinitions';
import { atEveryScope, checkScopeExists, scopeOf } from './scopes';

/**
 * GET {scope}/providers/Microsoft.Authorization/permissions: the caller's own effective permissions at the scope,
 * one Permission entry per role that applies (directly or through a group, at or above the scope), with its ABAC
 * condition, as ARM returns them. The caller's effective rights are the union of the entries. Every authenticated
 * caller may ask about itself, so no role is needed (a caller with none gets an empty list).
 */
export const permissionRoutes: Route[] = atEveryScope('/providers/Microsoft.Authorization/permissions', {
  id: 'authorization.permissions.list',
  method: 'GET',
  apiVersions: ROLE_DEFINITION_API_VERSIONS,
  handler: (req, ctx) => {
    const scope = scopeOf(req);
    checkScopeExists(ctx.world, scope);
    const seen = new Set<string>();
    const entries = assignmentsFor(ctx.world, req.caller!.objectId, scope).flatMap((a) => {
      const def = roleDefinitionOf(ctx.world, a);
      const key = `${def?.name}|${a.condition ?? ''}`;
      if (!def || seen.has(key)) return [];
      seen.add(key);
      return [
        {
          actions: def.actions,
          notActions: def.notActions,
          dataActions: def.dataActions,
          notDataActions: def.notDataActions,
          ...(a.condition ? { condition: a.condition, conditionVersion: '2.0' } : {}),
        },
      ];
    });
    return { status: 200, body: page(req, entries, 100) };
  },
});
