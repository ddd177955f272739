import { sameId } from '../../authorization/rbac';
import { resourceId } from '../../http/arm';
import { badRequest } from '../../http/errors';
import type { Caller, Permission, ProviderContext } from '../../http/types';
import type { KeyVault, KeyVaultObject } from '../../world/types';
import { requireLinkedAccess } from '../resources/common';

/** ADE key references as Compute receives them: the BEK secret (and KEK) URL, each with its key vault id. */
export interface KeyVaultRefs {
  secretUrl: string;
  secretVaultId: string;
  keyUrl?: string;
  keyVaultId?: string;
}

/** What creating a VM or setting disk encryption needs of the caller on the key vault (Backup docs, "restore" note). */
export const DEPLOY_ACTION = 'Microsoft.KeyVault/vaults/deploy/action';

/**
 * Checks ADE key references the way Compute does before it accepts them: the caller may deploy from the vault
 * (else 403 LinkedAuthorizationFailed), the vault exists, and the secret (and key) named by the URLs exist and are
 * active. A purged or soft-deleted secret fails with KeyVaultSecretDoesNotExist, a missing KEK with
 * KeyVaultKeyDoesNotExist. Messages name URLs only, never key material.
 */
export function checkKeyVaultRefs(
  ctx: ProviderContext,
  caller: Caller | undefined,
  own: Permission,
  refs: KeyVaultRefs,
): void {
  const secretVault = vaultFor(ctx, caller, own, refs.secretVaultId);
  requireObject(secretVault, refs.secretVaultId, refs.secretUrl, 'secrets');
  if (refs.keyUrl) {
    const keyVaultId = refs.keyVaultId ?? refs.secretVaultId;
    const keyVault = sameId(keyVaultId, refs.secretVaultId) ? secretVault : vaultFor(ctx, caller, own, keyVaultId);
    requireObject(keyVault, keyVaultId, refs.keyUrl, 'keys');
  }
}

function vaultFor(ctx: ProviderContext, caller: Caller | undefined, own: Permission, vaultId: string): KeyVault {
  requireLinkedAccess(ctx, caller, own, { action: DEPLOY_ACTION, scope: vaultId });
  const kv = ctx.world.keyVaults.find(
    (k) =>
      k.exists &&
      sameId(resourceId(ctx.world.subscriptionId, k.resourceGroup, 'Microsoft.KeyVault/vaults', k.name), vaultId),
  );
  if (!kv) {
    throw badRequest(
      'KeyVaultNotFound',
      `The key vault '${vaultId}' referenced by the disk encryption settings was not found.`,
    );
  }
  if (!kv.vaultUri) kv.vaultUri = ctx.keyVaultUri(kv.name);
  return kv;
}

function requireObject(kv: KeyVault, vaultId: string, url: string, kind: 'secrets' | 'keys'): void {
  const ref = parseObjectUrl(url, kind);
  if (!ref || !kv.vaultUri || ref.host !== new URL(kv.vaultUri).host.toLowerCase()) {
    throw badRequest(
      'InvalidParameter',
      `The ${kind === 'secrets' ? 'secret' : 'key'} URL '${url}' does not belong to the key vault '${vaultId}'.`,
    );
  }
  const objects: KeyVaultObject[] = kind === 'secrets' ? kv.secrets : kv.keys;
  const found = objects.some(
    (o) =>
      o.state === 'active' && sameId(o.name, ref.name) && (ref.version === undefined || sameId(o.version, ref.version)),
  );
  if (found) return;
  throw kind === 'secrets'
    ? badRequest(
        'KeyVaultSecretDoesNotExist',
        `The secret '${url}' does not exist in the key vault '${vaultId}', or it is deleted or disabled.`,
      )
    : badRequest(
        'KeyVaultKeyDoesNotExist',
        `The key '${url}' does not exist in the key vault '${vaultId}', or it is deleted or disabled.`,
      );
}

/** https://{vault}/secrets/{name}[/{version}] → its parts (host lower-cased). */
function parseObjectUrl(
  url: string,
  kind: 'secrets' | 'keys',
): { host: string; name: string; version?: string } | undefined {
  try {
    const u = new URL(url);
    const parts = u.pathname.split('/').filter(Boolean);
    if (parts[0]?.toLowerCase() !== kind || !parts[1] || parts.length > 3) return undefined;
    return { host: u.host.toLowerCase(), name: parts[1], version: parts[2] };
  } catch {
    return undefined;
  }
}
