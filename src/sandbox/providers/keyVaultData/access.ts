import { isAllowed, sameId } from '../../authorization/rbac';
import { AzureError } from '../../http/errors';
import type { Caller, Permission, ProviderContext, SandboxRequest } from '../../http/types';
import type { KeyVault, World } from '../../world/types';
import { transitiveGroups } from '../directory/principals';
import { vaultId } from '../keyVault/vaults';
import type { Kind } from './store';

/**
 * Key Vault data-plane authorisation. Access-policy vaults check the caller's access policy entry (direct, or through
 * a group) for the operation's permission; RBAC vaults check the matching data action at the object's scope.
 * The mapping is Key Vault's own access-policy-to-RBAC table.
 */
const DATA_ACTIONS: Record<Kind, Record<string, string>> = {
  keys: {
    get: 'Microsoft.KeyVault/vaults/keys/read',
    list: 'Microsoft.KeyVault/vaults/keys/read',
    delete: 'Microsoft.KeyVault/vaults/keys/delete',
    recover: 'Microsoft.KeyVault/vaults/keys/recover/action',
    backup: 'Microsoft.KeyVault/vaults/keys/backup/action',
    restore: 'Microsoft.KeyVault/vaults/keys/restore/action',
    purge: 'Microsoft.KeyVault/vaults/keys/purge/action',
  },
  secrets: {
    get: 'Microsoft.KeyVault/vaults/secrets/getSecret/action',
    list: 'Microsoft.KeyVault/vaults/secrets/readMetadata/action',
    set: 'Microsoft.KeyVault/vaults/secrets/setSecret/action',
    delete: 'Microsoft.KeyVault/vaults/secrets/delete',
    recover: 'Microsoft.KeyVault/vaults/secrets/recover/action',
    backup: 'Microsoft.KeyVault/vaults/secrets/backup/action',
    restore: 'Microsoft.KeyVault/vaults/secrets/restore/action',
    purge: 'Microsoft.KeyVault/vaults/secrets/purge/action',
  },
};

/** A data-plane permission that also names the access-policy permission it corresponds to. */
export interface KeyVaultPermission extends Permission {
  accessPolicy: { kind: Kind; permission: string };
}

/** Route `permission` for a data-plane operation; the scope is the object when the path names one. */
export function needs(kind: Kind, permission: string) {
  return (req: SandboxRequest, ctx: ProviderContext): KeyVaultPermission | undefined => {
    const kv = ctx.world.keyVaults.find((k) => sameId(k.name, req.keyVaultName));
    if (!kv) return undefined;
    const name = req.params.name;
    return {
      action: DATA_ACTIONS[kind][permission],
      scope: `${vaultId(ctx.world, kv)}${name ? `/${kind}/${name}` : ''}`,
      data: true,
      accessPolicy: { kind, permission },
    };
  };
}

export function authorizeKeyVault(
  req: SandboxRequest,
  caller: Caller,
  permission: Permission,
  ctx: ProviderContext,
): AzureError | undefined {
  const kv = ctx.world.keyVaults.find((k) => sameId(k.name, req.keyVaultName));
  const need = (permission as KeyVaultPermission).accessPolicy;
  if (!kv || !need) return forbidden(kv, caller, permission, 'AccessDenied');
  if (kv.rbac) {
    return isAllowed(ctx.world, caller.objectId, { ...permission, data: true })
      ? undefined
      : forbidden(kv, caller, permission, 'ForbiddenByRbac');
  }
  return policyAllows(ctx.world, kv, caller, need.kind, need.permission)
    ? undefined
    : forbidden(kv, caller, permission, 'AccessDenied');
}

function policyAllows(world: World, kv: KeyVault, caller: Caller, kind: Kind, permission: string): boolean {
  const ids = [caller.objectId, ...transitiveGroups(world, caller.objectId)];
  return kv.accessPolicies.some(
    (p) =>
      sameId(p.tenantId, caller.tenantId) &&
      ids.some((id) => sameId(p.objectId, id)) &&
      (!p.applicationId || sameId(p.applicationId, caller.appId)) &&
      (p.permissions[kind] ?? []).some((x) => sameId(x, permission) || sameId(x, 'all')),
  );
}

/** Key Vault's 403 bodies: never more than who asked, for what, on which vault. */
function forbidden(
  kv: KeyVault | undefined,
  caller: Caller,
  permission: Permission,
  inner: 'AccessDenied' | 'ForbiddenByRbac',
): AzureError {
  const who = `appid=${caller.appId};oid=${caller.objectId};iss=https://sts.windows.net/${caller.tenantId}/`;
  const vault = `${kv?.name};location=${kv?.location}`;
  const need = (permission as KeyVaultPermission).accessPolicy;
  const message =
    inner === 'ForbiddenByRbac'
      ? `Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nCaller: ${who}\r\nAction: '${permission.action}'\r\nResource: '${permission.scope.toLowerCase()}'\r\nAssignment: (not found)\r\nDenyAssignmentId: null\r\nDecisionReason: 'DeniedWithNoValidRBAC' \r\nVault: ${vault}\r\n`
      : `The user, group or application '${who}' does not have ${need?.kind ?? 'the'} ${need?.permission ?? 'required'} permission on key vault '${vault}'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287`;
  return new AzureError(403, 'Forbidden', message, { innererror: { code: inner } });
}

/**
 * A vault that no longer exists has no DNS name any more: clients fail to connect and never get an HTTP answer.
 * The sandbox keeps the listener (its port is in old key URLs) and drops every connection to it instead.
 */
export function keyVaultUnreachable(world: World, name: string): boolean {
  return world.keyVaults.some((k) => sameId(k.name, name) && !k.exists);
}
