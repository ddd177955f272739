import type { Permission } from '../http/types';
import type { RoleAssignment, World } from '../world/types';

/** Case-insensitive ARM id comparison. */
export const sameId = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

/** True when `scope` is `parent` or lies below it (segment boundary, case-insensitive). */
export function scopeContains(parent: string, scope: string): boolean {
  const p = parent.toLowerCase().replace(/\/+$/, '');
  const s = scope.toLowerCase().replace(/\/+$/, '');
  return p === '' || p === '/' || s === p || s.startsWith(`${p}/`);
}

/** Azure action pattern match: `*` matches any run of characters, case-insensitive. */
export function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`, 'i');
  return re.test(action);
}

/** Role assignments that apply to the principal (directly or through a group) at the scope. */
export function assignmentsFor(world: World, principalId: string, scope: string): RoleAssignment[] {
  const groups = Object.entries(world.groups)
    .filter(([, members]) => members.some((m) => sameId(m, principalId)))
    .map(([g]) => g);
  return world.roleAssignments.filter(
    (a) =>
      (sameId(a.principalId, principalId) || groups.some((g) => sameId(g, a.principalId))) &&
      scopeContains(a.scope, scope),
  );
}

/** Whether the principal may perform the (control- or data-plane) action at the scope under Azure RBAC. */
export function isAllowed(world: World, principalId: string, permission: Permission): boolean {
  return assignmentsFor(world, principalId, permission.scope).some((a) => {
    const def = world.roleDefinitions.find((d) =>
      a.roleDefinitionId.toLowerCase().endsWith(`/${d.name.toLowerCase()}`),
    );
    if (!def) return false;
    const [allow, deny] = permission.data ? [def.dataActions, def.notDataActions] : [def.actions, def.notActions];
    return (
      allow.some((p) => actionMatches(p, permission.action)) && !deny.some((p) => actionMatches(p, permission.action))
    );
  });
}

function escapeRegExp(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
