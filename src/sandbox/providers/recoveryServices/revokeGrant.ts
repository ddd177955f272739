import { sameId } from '../../authorization/rbac';
import { resourceId } from '../../http/arm';
import { AzureError } from '../../http/errors';
import { findVmById } from './names';
import type { ProtectedItem, World } from '../../world/types';
import { BACKUP_MANAGEMENT_SERVICE_APP_ID } from './keyVaultAccess';

/**
 * Sandbox-only (no Azure counterpart): takes Backup Management Service's access to the protected VM's key vault
 * away again — its access-policy entries, or its role assignments at or below the vault on an RBAC vault — so that
 * the next backup fails with the key vault permission error for the real reason, and the bot's Grant key vault
 * access button has something to repair. The failure demo uses it (`"error": "UserErrorKeyVaultPermissionsNotConfigured"`
 * on POST /_sandbox/backups/fail) after an earlier grant. Returns the key vault's name.
 */
export function revokeBackupGrant(world: World, item: ProtectedItem): string {
  const vm = findVmById(world, item.vmId);
  const enc = vm?.encryption;
  if (!vm || !enc)
    throw new AzureError(400, 'InvalidRequest', `'${item.vmName}' is not encrypted: it has no key vault to fail on.`);
  const kv = world.keyVaults.find((k) =>
    sameId(resourceId(world.subscriptionId, k.resourceGroup, 'Microsoft.KeyVault/vaults', k.name), enc.vaultId),
  );
  const bms = world.servicePrincipals.find((s) => sameId(s.appId, BACKUP_MANAGEMENT_SERVICE_APP_ID));
  if (!kv || !kv.exists || !bms) return enc.vaultId.split('/').pop() ?? enc.vaultId;
  const kvId = resourceId(world.subscriptionId, kv.resourceGroup, 'Microsoft.KeyVault/vaults', kv.name);
  kv.accessPolicies = kv.accessPolicies.filter((p) => !sameId(p.objectId, bms.objectId));
  world.roleAssignments = world.roleAssignments.filter(
    (a) => !(sameId(a.principalId, bms.objectId) && a.scope.toLowerCase().startsWith(kvId.toLowerCase())),
  );
  return kv.name;
}
