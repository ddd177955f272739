import { sameId } from '../../authorization/rbac';
import { AzureError } from '../../http/errors';
import type { SandboxRequest } from '../../http/types';
import type { KeyVault, KeyVaultObject, World } from '../../world/types';

export type Kind = 'keys' | 'secrets';

export interface KindSpec {
  kind: Kind;
  /** 'key' | 'secret': the backup blob's sandboxBackup tag and the noun in messages. */
  noun: 'key' | 'secret';
  label: 'Key' | 'Secret';
  deleted: 'deletedkeys' | 'deletedsecrets';
  notFoundCode: 'KeyNotFound' | 'SecretNotFound';
}

export const SPECS: Record<Kind, KindSpec> = {
  keys: { kind: 'keys', noun: 'key', label: 'Key', deleted: 'deletedkeys', notFoundCode: 'KeyNotFound' },
  secrets: {
    kind: 'secrets',
    noun: 'secret',
    label: 'Secret',
    deleted: 'deletedsecrets',
    notFoundCode: 'SecretNotFound',
  },
};

/** Soft-delete retention the sandbox's vaults use (softDeleteRetentionInDays). */
export const RECOVERABLE_DAYS = 90;
const DAY_S = 24 * 3600;

/**
 * Objects whose recovery has started but not finished: Key Vault recovers asynchronously, so for a while the object
 * is neither deleted nor readable (the SDK's recover poller polls GET until it appears). Per object, so per world.
 */
export const recovering = new WeakSet<KeyVaultObject>();

/** The vault this listener serves. Unreachable vaults never get here (their connections are dropped). */
export function vaultOf(world: World, req: SandboxRequest): KeyVault {
  const kv = world.keyVaults.find((k) => k.exists && sameId(k.name, req.keyVaultName));
  if (!kv) throw new AzureError(404, 'VaultNotFound', 'The vault was not found.');
  return kv;
}

export const objectsOf = (kv: KeyVault, kind: Kind): KeyVaultObject[] => (kind === 'keys' ? kv.keys : kv.secrets);

/** Key Vault names are case-insensitive. */
export const named = (kv: KeyVault, kind: Kind, name: string, state?: KeyVaultObject['state']): KeyVaultObject[] =>
  objectsOf(kv, kind).filter((o) => sameId(o.name, name) && (!state || o.state === state));

/** The current version: the newest by creation time, the later-added on a tie. */
export function latest(objects: KeyVaultObject[]): KeyVaultObject | undefined {
  return objects.reduce<KeyVaultObject | undefined>(
    (best, o) => (!best || Date.parse(o.created) >= Date.parse(best.created) ? o : best),
    undefined,
  );
}

export function notFound(spec: KindSpec, id: string): AzureError {
  return new AzureError(
    404,
    spec.notFoundCode,
    `A ${spec.noun} with (name/id) ${id} was not found in this key vault. If you recently deleted this ${spec.noun} you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
  );
}

export const deletedNotFound = (spec: KindSpec, name: string): AzureError =>
  new AzureError(404, spec.notFoundCode, `Deleted ${spec.label} not found: ${name}`);

export const deletedConflict = (spec: KindSpec, name: string): AzureError =>
  new AzureError(
    409,
    'Conflict',
    `${spec.label} ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the ${spec.noun} can only be recovered or purged.`,
  );

export function activeVersion(kv: KeyVault, spec: KindSpec, name: string, version?: string): KeyVaultObject {
  const active = named(kv, spec.kind, name, 'active');
  const found = version ? active.find((o) => sameId(o.version, version)) : latest(active);
  if (!found) throw notFound(spec, version ? `${name}/${version}` : name);
  return found;
}

/** Versions in the deleted state (not already being recovered). */
export const deletedVersions = (kv: KeyVault, spec: KindSpec, name: string): KeyVaultObject[] =>
  named(kv, spec.kind, name, 'deleted').filter((o) => !recovering.has(o));

/** Takes a name for a new or restored object: taken while any version is active, soft-deleted or recovering; a
 * purged name is free, and its purged versions are forgotten. */
export function claimName(kv: KeyVault, spec: KindSpec, name: string, conflict: () => AzureError): void {
  const taken = named(kv, spec.kind, name).filter((o) => o.state !== 'purged');
  if (taken.length > 0) throw conflict();
  const list = objectsOf(kv, spec.kind);
  for (let i = list.length - 1; i >= 0; i--) if (sameId(list[i].name, name)) list.splice(i, 1);
}

/** Key Vault object names: 1-127 letters, digits and dashes. */
export function checkName(name: string): void {
  if (!/^[0-9a-zA-Z-]{1,127}$/.test(name))
    throw new AzureError(400, 'BadParameter', `The request URI contains an invalid name: ${name}`);
}

export const objectUrl = (kv: KeyVault, spec: KindSpec, o: KeyVaultObject): string =>
  `${kv.vaultUri}${spec.kind}/${o.name}/${o.version}`;

const unix = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

export function attributes(o: KeyVaultObject): Record<string, unknown> {
  return {
    enabled: true,
    created: unix(o.created),
    updated: unix(o.created),
    recoveryLevel: 'Recoverable+Purgeable',
    recoverableDays: RECOVERABLE_DAYS,
  };
}

export function deletedProps(kv: KeyVault, spec: KindSpec, o: KeyVaultObject): Record<string, unknown> {
  const deleted = unix(o.deletedDate ?? o.created);
  return {
    recoveryId: `${kv.vaultUri}${spec.deleted}/${o.name}`,
    deletedDate: deleted,
    scheduledPurgeDate: deleted + RECOVERABLE_DAYS * DAY_S,
  };
}

/** `maxresults` (1-25, Key Vault's page size limit); 25 when absent. */
export function pageSize(req: SandboxRequest): number {
  const raw = req.query.get('maxresults');
  if (raw === null) return 25;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 25)
    throw new AzureError(400, 'BadParameter', 'The value of maxresults must be between 1 and 25.');
  return n;
}
