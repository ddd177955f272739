import { isAllowed, sameId } from '../../authorization/rbac';
import { resourceId } from '../../http/arm';
import type { VirtualMachine, World } from '../../world/types';

/** Backup Management Service, the first-party app that reads a VM's BEK/KEK during backup. */
export const BACKUP_MANAGEMENT_SERVICE_APP_ID = '262044b1-e2ce-469f-a196-69ab7ada62d3';

/** Data actions Backup needs on an RBAC key vault (the custom role the backup docs describe, minus readMetadata). */
const RBAC_SECRET_ACTIONS = [
  'Microsoft.KeyVault/vaults/secrets/backup/action',
  'Microsoft.KeyVault/vaults/secrets/getSecret/action',
];
const RBAC_KEY_ACTIONS = ['Microsoft.KeyVault/vaults/keys/backup/action', 'Microsoft.KeyVault/vaults/keys/read'];
const POLICY_PERMISSIONS = ['get', 'list', 'backup'];

/**
 * Whether Backup Management Service can read the key vault holding the VM's BEK (and KEK) as it stands now:
 * on an access-policy vault get/list/backup on secrets (and keys when there is a KEK); on an RBAC vault a role
 * assignment at or above the vault whose data actions cover the backup and read actions. Undefined = allowed;
 * otherwise the name of the vault it cannot read.
 */
export function keyVaultBlocking(world: World, vm: VirtualMachine): string | undefined {
  const enc = vm.encryption;
  if (!enc) return undefined;
  // BEK and KEK in different vaults: Backup needs secrets on the BEK's and keys on the KEK's.
  if (enc.kekVaultId && enc.keyUrl) {
    return (
      vaultBlocking(world, enc.vaultId, { secrets: true, keys: false }) ??
      vaultBlocking(world, enc.kekVaultId, { secrets: false, keys: true })
    );
  }
  return vaultBlocking(world, enc.vaultId, { secrets: true, keys: !!enc.keyUrl });
}

function vaultBlocking(world: World, vaultId: string, need: { secrets: boolean; keys: boolean }): string | undefined {
  const kvName = vaultId.split('/').pop() ?? vaultId;
  const kv = world.keyVaults.find((k) =>
    sameId(resourceId(world.subscriptionId, k.resourceGroup, 'Microsoft.KeyVault/vaults', k.name), vaultId),
  );
  const bms = world.servicePrincipals.find((s) => sameId(s.appId, BACKUP_MANAGEMENT_SERVICE_APP_ID));
  if (!kv || !kv.exists || !bms) return kvName;
  const kvId = resourceId(world.subscriptionId, kv.resourceGroup, 'Microsoft.KeyVault/vaults', kv.name);
  const needKeys = need.keys;
  if (kv.rbac) {
    const actions = [...(need.secrets ? RBAC_SECRET_ACTIONS : []), ...(needKeys ? RBAC_KEY_ACTIONS : [])];
    return actions.every((action) => isAllowed(world, bms.objectId, { action, scope: kvId, data: true }))
      ? undefined
      : kv.name;
  }
  // Compound entries (applicationId set) apply only to an app acting for the principal, not to BMS itself.
  const entries = kv.accessPolicies.filter((p) => sameId(p.objectId, bms.objectId) && !p.applicationId);
  const granted = (kind: 'keys' | 'secrets') =>
    new Set(entries.flatMap((p) => p.permissions[kind] ?? []).map((x) => x.toLowerCase()));
  const covers = (set: Set<string>) => set.has('all') || POLICY_PERMISSIONS.every((p) => set.has(p));
  return (!need.secrets || covers(granted('secrets'))) && (!needKeys || covers(granted('keys'))) ? undefined : kv.name;
}
