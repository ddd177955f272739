import type { RoleAssignment } from '@azure/arm-authorization';
import type { AccessPolicyEntry } from '@azure/arm-keyvault';
import { sameId, scopeCovers } from '../names';
import { KEY_VAULT_ADMINISTRATOR_ROLE_ID } from '../settings';
import type { KeyVaultGrantChange, KeyVaultNeed } from '../types';

/**
 * What Backup Management Service needs on the key vault holding a VM's BEK (secret) and KEK (key), per the
 * Azure Backup docs: BEK+KEK → keys get, list, backup and secrets get, list, backup; BEK only → secrets only.
 */
export function neededPermissions(kind: KeyVaultNeed): { keys: string[]; secrets: string[] } {
  if (kind === 'none') return { keys: [], secrets: [] };
  const all = ['get', 'list', 'backup'];
  // 'kek': the vault holds only the VM's KEK (its BEK is in another vault): keys only.
  if (kind === 'kek') return { keys: all, secrets: [] };
  return { keys: kind === 'bek+kek' ? all : [], secrets: all };
}

/** Permissions the principal's access-policy entries lack ('all' covers everything). */
export function missingPolicyPermissions(
  entries: AccessPolicyEntry[] | undefined,
  principalObjectId: string,
  kind: KeyVaultNeed,
): { keys: string[]; secrets: string[] } {
  const mine = (entries ?? []).filter((e) => sameId(e.objectId, principalObjectId) && !e.applicationId);
  const held = (area: 'keys' | 'secrets') =>
    new Set(mine.flatMap((e) => (e.permissions?.[area] ?? []).map((p) => String(p).toLowerCase())));
  const need = neededPermissions(kind);
  const lacking = (area: 'keys' | 'secrets') => {
    const h = held(area);
    return h.has('all') ? [] : need[area].filter((p) => !h.has(p));
  };
  return { keys: lacking('keys'), secrets: lacking('secrets') };
}

/** The role Backup Management Service gets on RBAC key vaults, as a full role definition id. */
export function roleDefinitionIdFor(subscriptionId: string, configured: string): string {
  if (configured.startsWith('/')) return configured;
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${configured}`;
}

const roleGuid = (id: string | undefined): string => (id ?? '').split('/').pop()?.toLowerCase() ?? '';

/** A role assignment at or above the vault's scope with Key Vault Administrator or the configured role. */
export function hasBackupRole(assignments: RoleAssignment[], keyVaultId: string, configuredRoleId: string): boolean {
  const accepted = new Set([KEY_VAULT_ADMINISTRATOR_ROLE_ID, roleGuid(configuredRoleId)]);
  return assignments.some(
    (a) => !!a.scope && scopeCovers(a.scope, keyVaultId) && accepted.has(roleGuid(a.roleDefinitionId)),
  );
}

/** The grant a confirmation card shows, for either access model. */
export function roleChange(principalObjectId: string, roleDefinitionId: string, scope: string): KeyVaultGrantChange {
  const builtIn = roleGuid(roleDefinitionId) === KEY_VAULT_ADMINISTRATOR_ROLE_ID;
  return {
    kind: 'roleAssignment',
    principalObjectId,
    roleDefinitionId,
    roleName: builtIn ? 'Key Vault Administrator' : `Custom role ${roleGuid(roleDefinitionId)}`,
    scope,
  };
}
