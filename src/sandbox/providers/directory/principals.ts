import { sameId } from '../../authorization/rbac';
import type { World } from '../../world/types';

export type PrincipalType = 'ServicePrincipal' | 'User' | 'Group';

/** A service principal as the directory knows it: managed identities and first-party apps alike. */
export interface DirectoryServicePrincipal {
  id: string;
  appId: string;
  displayName: string;
  servicePrincipalType: 'Application' | 'ManagedIdentity';
}

export function servicePrincipals(world: World): DirectoryServicePrincipal[] {
  return [
    ...world.identities.map((i) => ({
      id: i.objectId,
      appId: i.clientId,
      displayName: i.name,
      servicePrincipalType: 'ManagedIdentity' as const,
    })),
    ...world.servicePrincipals.map((s) => ({
      id: s.objectId,
      appId: s.appId,
      displayName: s.displayName,
      servicePrincipalType: 'Application' as const,
    })),
  ];
}

export const isGroup = (world: World, id: string): boolean => Object.keys(world.groups).some((g) => sameId(g, id));

/**
 * What kind of directory object `id` is, or undefined when the sandbox's directory does not know it. Users are
 * known only as group members: the sandbox keeps no user list.
 */
export function principalType(world: World, id: string): PrincipalType | undefined {
  if (servicePrincipals(world).some((s) => sameId(s.id, id))) return 'ServicePrincipal';
  if (isGroup(world, id)) return 'Group';
  if (Object.values(world.groups).some((members) => members.some((m) => sameId(m, id)))) return 'User';
  return undefined;
}

/** Groups that list `id` as a member. */
export function directGroups(world: World, id: string): string[] {
  return Object.entries(world.groups)
    .filter(([, members]) => members.some((m) => sameId(m, id)))
    .map(([g]) => g);
}

/** Groups `id` belongs to directly or through nested groups (what checkMemberGroups answers). */
export function transitiveGroups(world: World, id: string): string[] {
  const found: string[] = [];
  const queue = [id];
  while (queue.length > 0) {
    for (const g of directGroups(world, queue.shift()!)) {
      if (found.some((f) => sameId(f, g))) continue;
      found.push(g);
      queue.push(g);
    }
  }
  return found;
}
