import type { Azure, MissingPermission } from '../../azure';
import { t, type Locale } from '../../i18n';
import type { RestorePlan } from '../../runs/restorePlan';
import type { FlowPoint, FlowVm } from './flow';

export type RestoreAzure = Pick<Azure, 'vms' | 'recoveryPoints' | 'keyVaults' | 'targets'>;

export type KeyCheck = { refused: 'KeyVaultNotFound'; keyVault: string } | { encryption?: RestorePlan['encryption'] };

/**
 * The key vault pre-checks: the VM's key vault must exist (else the restore is refused, as the source document
 * says); a key or secret that is soft-deleted or gone is put back before the VM is created, from the restore job's
 * encryption info, or from the recovery point itself for points before 11 July 2017.
 */
export async function checkKeys(
  azure: RestoreAzure,
  vm: FlowVm,
  point: FlowPoint,
  signal?: AbortSignal,
): Promise<KeyCheck> {
  const enc = vm.encryption;
  if (!enc) return {};
  const options = { abortSignal: signal };
  // BEK and KEK may sit in different key vaults (KeyAndSecretDetails): each must exist; each object is read in its own.
  const [access, kekAccess] = await Promise.all([
    azure.keyVaults.getAccess(enc.keyVaultId, enc.kind, options),
    enc.kekVaultId ? azure.keyVaults.getAccess(enc.kekVaultId, enc.kind, options) : Promise.resolve(undefined),
  ]);
  if (!access.exists || !access.vaultUri) return { refused: 'KeyVaultNotFound', keyVault: enc.keyVaultName };
  if (kekAccess && (!kekAccess.exists || !kekAccess.vaultUri))
    return { refused: 'KeyVaultNotFound', keyVault: enc.kekVaultName ?? '' };
  const vaultUri = access.vaultUri;
  const kekUri = kekAccess?.vaultUri ?? vaultUri;
  const [key, secret] = await Promise.all([
    enc.keyUrl ? azure.keyVaults.getKeyState(kekUri, enc.keyUrl, options) : Promise.resolve('none' as const),
    enc.secretUrl
      ? azure.keyVaults.getSecretState(vaultUri, enc.secretUrl, options)
      : Promise.resolve('active' as const),
  ]);
  const gone = (s: string) => s === 'soft-deleted' || s === 'missing';
  return {
    encryption: {
      pass: enc.pass,
      ...(enc.pass === 'dual' && enc.aadClientId ? { aadClientId: enc.aadClientId } : {}),
      keyVault: { id: access.keyVault.id, name: enc.keyVaultName, vaultUri },
      ...(kekAccess ? { kekVault: { id: kekAccess.keyVault.id, name: enc.kekVaultName ?? '', vaultUri: kekUri } } : {}),
      key,
      secret,
      putBack: gone(key) || gone(secret),
      source: point.legacyKeyAndSecret ? 'recoveryPoint' : 'restoreJob',
    },
  };
}

/**
 * Whether the bot's identity may create the VM in the target resource group, join the subnet and use the key vault
 * for disk encryption; when not, a sentence naming each missing role, where, and the actions it would grant.
 */
export async function checkPermissions(
  azure: RestoreAzure,
  locale: Locale,
  target: { group: string; subnetId: string; keyVaultId?: string; kekVaultId?: string },
  signal?: AbortSignal,
): Promise<string | undefined> {
  const options = { abortSignal: signal };
  const none = Promise.resolve({ allowed: true, missing: [] as MissingPermission[] });
  const [restore, keyVault, kekVault] = await Promise.all([
    azure.targets.checkRestorePermissions(target.group, { subnetId: target.subnetId }, options),
    target.keyVaultId ? azure.targets.checkKeyVaultDeployPermission(target.keyVaultId, options) : none,
    target.kekVaultId ? azure.targets.checkKeyVaultDeployPermission(target.kekVaultId, options) : none,
  ]);
  const missing = [...restore.missing, ...keyVault.missing, ...kekVault.missing];
  if (missing.length === 0) return undefined;
  const byRole = new Map<string, MissingPermission[]>();
  for (const m of missing) {
    const k = `${m.role}|${m.scope}`;
    byRole.set(k, [...(byRole.get(k) ?? []), m]);
  }
  const roles = [...byRole.values()].map((list) =>
    t(locale, 'restore.target.roleOn', {
      role: list[0].role,
      scope: scopeName(list[0].scope),
      actions: list.map((m) => m.action).join(', '),
    }),
  );
  return t(locale, 'restore.target.missingRole', { group: target.group, roles: roles.join('; ') });
}

/** `rg-restore` for a resource group id, the resource name for a resource id. */
function scopeName(scope: string): string {
  const parts = scope.split('/').filter(Boolean);
  return parts[parts.length - 1] ?? scope;
}

/** Azure's VM name rules (Windows computer names are not set: the disks are attached as they are). */
export function validVmName(name: string): boolean {
  return /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9])?$/.test(name);
}
