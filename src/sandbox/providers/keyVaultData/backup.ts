import { sameId } from '../../authorization/rbac';
import { AzureError } from '../../http/errors';
import { encodeBackup } from '../../world/records';
import type { KeyVault, KeyVaultObject, World } from '../../world/types';
import type { KindSpec } from './store';

/**
 * The sandbox's Key Vault backup contract.
 *
 * - The backup BLOB is the bytes of UTF-8 JSON `{sandboxBackup:'key'|'secret', vault, objects:[KeyVaultObject]}`.
 * - At rest (RecoveryPoint.keyBackup / secretBackup, the encryption-info blob's KeyBackupData and
 *   KeyVaultSecretBackupData) it is base64 of those bytes: `encodeBackup(kind, vault, objects)` from world/load.ts.
 * - On the wire (POST /keys|secrets/{name}/backup answer and /restore request) `value` is base64url of the bytes,
 *   exactly as Key Vault does; the SDK converts: backupKey() resolves to the bytes, restoreKeyBackup(bytes) sends
 *   base64url(bytes).
 *
 * So both round trips restore: `restoreKeyBackup(await backupKey(name))` and
 * `restoreKeyBackup(Buffer.from(recoveryPoint.keyBackup, 'base64'))` (the same for secrets). Passing the base64 text
 * itself (Buffer.from(keyBackup) without 'base64') is the classic mistake and fails with 400, as it does in Azure.
 * Restore brings back every version under the original name, into any vault of the same subscription and Azure
 * geography (Key Vault's "security world"); the blob names the vault it came from. The blob is opaque, not
 * encrypted: nothing outside the sandbox should parse it.
 */
export function backupValue(spec: KindSpec, kv: KeyVault, versions: KeyVaultObject[]): string {
  return Buffer.from(encodeBackup(spec.noun, kv.name, versions), 'base64').toString('base64url');
}

/** Azure geographies of the regions the sandbox uses; a region not listed is its own geography. */
const GEOGRAPHY: Record<string, string> = {
  eastasia: 'asia-pacific',
  southeastasia: 'asia-pacific',
  japaneast: 'japan',
  japanwest: 'japan',
  westeurope: 'europe',
  northeurope: 'europe',
  eastus: 'united-states',
  westus: 'united-states',
};
const geography = (location: string) => GEOGRAPHY[location.toLowerCase()] ?? location.toLowerCase();

const bad = (message: string) => new AzureError(400, 'BadParameter', message);
const corrupt = () => bad('Backup blob contains invalid or corrupt version.');

/** Reads a restore request's blob into fresh active versions, or throws Key Vault's 400. Never echoes the blob. */
export function readBackup(world: World, target: KeyVault, spec: KindSpec, body: any): KeyVaultObject[] {
  const value = body?.value;
  if (typeof value !== 'string' || value.length === 0) throw bad("Property 'value' is required.");
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(value)) throw bad("Content of 'value' is not base64url.");
  let blob: any;
  try {
    blob = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    throw corrupt();
  }
  const objects: unknown = blob?.objects;
  if (
    blob?.sandboxBackup !== spec.noun ||
    typeof blob.vault !== 'string' ||
    !Array.isArray(objects) ||
    objects.length === 0
  )
    throw corrupt();
  const valid = objects.every(
    (o: any) =>
      typeof o?.name === 'string' &&
      sameId(o.name, objects[0].name) &&
      typeof o.version === 'string' &&
      typeof o.value === 'string' &&
      typeof o.created === 'string' &&
      !Number.isNaN(Date.parse(o.created)),
  );
  if (!valid) throw corrupt();
  const source = world.keyVaults.find((k) => sameId(k.name, blob.vault));
  if (!source || geography(source.location) !== geography(target.location)) {
    throw bad(
      'Cannot decrypt backup blob: it was created outside this vault’s security world (subscription and Azure geography).',
    );
  }
  return objects.map((o: any) => ({
    name: o.name,
    version: o.version,
    state: 'active' as const,
    value: o.value,
    ...(typeof o.contentType === 'string' ? { contentType: o.contentType } : {}),
    ...(o.tags && typeof o.tags === 'object' ? { tags: { ...o.tags } } : {}),
    created: o.created,
  }));
}
