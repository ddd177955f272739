import type { KeyClient } from '@azure/keyvault-keys';
import type { SecretClient } from '@azure/keyvault-secrets';
import type { AzureClients } from '../clients';
import { AzureRequestError } from '../errors';
import { keyVaultObjectName, parseResourceId } from '../names';
import type { KeyAndSecretAction, KeyAndSecretPutBack, KeyVaultTarget, OperationOptions } from '../types';
import type { KeyAndSecretMaterial } from './material';

/** Key Vault soft-delete recovery is quick; poll it faster than the SDK's 2 s default. */
const RECOVER_POLL_MS = 500;

/**
 * Puts a VM's KEK and BEK back into `keyVault` before a VM is created from its restored disks
 * (backup-azure-restore-key-secret.md): a soft-deleted key or secret is recovered rather than restored; a missing key
 * is restored from its backup blob (the restored key's id is the new KEK URL); a missing wrapped BEK is set again
 * with the tags ADE reads, a missing BEK-only secret restored from its backup blob. Present ones are left as they are.
 * Data actions: keys get/restore/recover; secrets list (readMetadata), set, restore, recover on the vault.
 */
export async function putBackKeyAndSecret(
  clients: AzureClients,
  material: KeyAndSecretMaterial,
  keyVault: KeyVaultTarget,
  osType: 'Windows' | 'Linux',
  vmName: string,
  options: OperationOptions = {},
  kekVault?: KeyVaultTarget,
): Promise<KeyAndSecretPutBack> {
  const vaultUri = keyVault.vaultUri ?? (await lookUpVaultUri(clients, keyVault.id, options));
  // The KEK goes back into its own key vault when it has one (KEKDetails.keyVaultId apart from the BEK's).
  const kekUri = kekVault ? (kekVault.vaultUri ?? (await lookUpVaultUri(clients, kekVault.id, options))) : vaultUri;
  const actions: KeyAndSecretAction[] = [];
  let keyUrl: string | undefined;
  if (material.keyUrl) {
    const r = await putBackKey(clients.keys(kekUri), material, sameVault(material.keyUrl, kekUri), options);
    keyUrl = r.url;
    actions.push(r.action);
  }
  const s = await putBackSecret(clients.secrets(vaultUri), material, keyUrl, osType, vmName, vaultUri, options);
  actions.push(s.action);
  const changed = !sameUrl(keyUrl, material.keyUrl) || !sameUrl(s.url, material.secretUrl);
  return {
    keyUrl,
    secretUrl: s.url,
    keyVaultId: keyVault.id,
    ...(kekVault && material.keyUrl ? { kekVaultId: kekVault.id } : {}),
    actions,
    changed,
  };
}

async function putBackKey(
  keys: KeyClient,
  material: KeyAndSecretMaterial,
  sameVaultAsBackup: boolean,
  options: OperationOptions,
): Promise<{ url: string; action: KeyAndSecretAction }> {
  const { name, version } = keyVaultObjectName(material.keyUrl!, 'keys');
  const { abortSignal } = options;
  const active = await orNotFound(() =>
    keys.getKey(name, { version: sameVaultAsBackup ? version : undefined, abortSignal }),
  );
  if (active) return { url: active.id ?? material.keyUrl!, action: 'key already present' };
  const deleted = await orNotFound(() => keys.getDeletedKey(name, { abortSignal }));
  if (deleted) {
    const poller = await keys.beginRecoverDeletedKey(name, { abortSignal, intervalInMs: RECOVER_POLL_MS });
    const recovered = await poller.pollUntilDone({ abortSignal });
    return { url: recovered.id ?? recovered.properties.id ?? material.keyUrl!, action: 'recovered key' };
  }
  if (!material.keyBackup) throw missingBackup('key', name);
  const restored = await keys.restoreKeyBackup(Buffer.from(material.keyBackup, 'base64'), { abortSignal });
  return { url: restored.id ?? restored.properties.id!, action: 'restored key' };
}

async function putBackSecret(
  secrets: SecretClient,
  material: KeyAndSecretMaterial,
  keyUrl: string | undefined,
  osType: 'Windows' | 'Linux',
  vmName: string,
  vaultUri: string,
  options: OperationOptions,
): Promise<{ url: string; action: KeyAndSecretAction }> {
  const { name, version } = keyVaultObjectName(material.secretUrl, 'secrets');
  const { abortSignal } = options;
  const sameVaultAsBackup = sameVault(material.secretUrl, vaultUri);
  const active = await activeSecretUrl(secrets, name, sameVaultAsBackup ? version : undefined, options);
  if (active) return { url: active, action: 'secret already present' };
  const deleted = await orNotFound(() => secrets.getDeletedSecret(name, { abortSignal }));
  if (deleted) {
    const poller = await secrets.beginRecoverDeletedSecret(name, { abortSignal, intervalInMs: RECOVER_POLL_MS });
    const recovered = await poller.pollUntilDone({ abortSignal });
    return { url: recovered.id ?? material.secretUrl, action: 'recovered secret' };
  }
  if (keyUrl) {
    // BEK+KEK: the wrapped BEK goes back as-is, with the tags ADE reads (and the KEK URL it was wrapped with).
    if (!material.secretData) throw missingBackup('secret', name);
    const set = await secrets.setSecret(name, material.secretData, {
      abortSignal,
      contentType: 'Wrapped BEK',
      tags: {
        DiskEncryptionKeyEncryptionAlgorithm: 'RSA-OAEP',
        DiskEncryptionKeyFileName: osType === 'Windows' ? `${name}.BEK` : 'LinuxPassPhraseFileName',
        DiskEncryptionKeyEncryptionKeyURL: keyUrl,
        MachineName: vmName,
      },
    });
    return { url: set.properties.id!, action: 'restored secret' };
  }
  if (!material.secretBackup) throw missingBackup('secret', name);
  const restored = await secrets.restoreSecretBackup(Buffer.from(material.secretBackup, 'base64'), { abortSignal });
  return { url: restored.id ?? material.secretUrl, action: 'restored secret' };
}

/**
 * The secret's version URL when it is there: from its versions' properties (list / readMetadata), so the wrapped
 * BEK's value is never fetched just to learn that it exists. `version` pins the one the disks name.
 */
async function activeSecretUrl(
  secrets: SecretClient,
  name: string,
  version: string | undefined,
  options: OperationOptions,
): Promise<string | undefined> {
  const versions = await orNotFound(async () => {
    const found: { id: string; version?: string; created: number }[] = [];
    for await (const p of secrets.listPropertiesOfSecretVersions(name, { abortSignal: options.abortSignal })) {
      if (p.id && p.enabled !== false)
        found.push({ id: p.id, version: p.version, created: p.createdOn?.getTime() ?? 0 });
    }
    return found;
  });
  if (!versions?.length) return undefined;
  if (version) return versions.find((v) => v.version?.toLowerCase() === version.toLowerCase())?.id;
  return versions.sort((a, b) => b.created - a.created)[0].id;
}

/** Resolves to undefined on 404 (KeyNotFound / SecretNotFound), rethrows anything else. */
async function orNotFound<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw err;
  }
}

/** Key vault data-plane URI from its ARM id. Permission: Microsoft.KeyVault/vaults/read. */
export async function lookUpVaultUri(
  clients: AzureClients,
  keyVaultId: string,
  options: OperationOptions,
): Promise<string> {
  const ref = parseResourceId(keyVaultId);
  if (!ref) throw new AzureRequestError(`'${keyVaultId}' is not a key vault id.`, { code: 'InvalidKeyVaultId' });
  // The key vault's own subscription (issue 17: a KEK vault may be in another managed subscription).
  const inSub = await clients.of(keyVaultId, options);
  const vault = await inSub.keyVault.vaults.get(ref.resourceGroup, ref.name, { abortSignal: options.abortSignal });
  if (!vault.properties.vaultUri)
    throw new AzureRequestError(`Key vault ${ref.name} has no URI.`, { code: 'KeyVaultNotReady' });
  return vault.properties.vaultUri;
}

function missingBackup(kind: 'key' | 'secret', name: string): AzureRequestError {
  return new AzureRequestError(`The ${kind} '${name}' is gone and the restore source holds no backup of it.`, {
    code: kind === 'key' ? 'KeyBackupUnavailable' : 'SecretBackupUnavailable',
    operation: 'putBackKeyAndSecret',
  });
}

/** Whether a key vault object URL lives in the vault at `vaultUri` (host and port compared; :443 is the default). */
function sameVault(objectUrl: string, vaultUri: string): boolean {
  return origin(objectUrl) === origin(vaultUri);
}

function origin(url: string): string {
  const u = new URL(url);
  return `${u.hostname.toLowerCase()}:${u.port || '443'}`;
}

/** Key Vault URLs compared as ADE does: case-insensitively, ignoring a default :443 port and a trailing slash. */
function sameUrl(a: string | undefined, b: string | undefined): boolean {
  const norm = (u?: string) =>
    u
      ?.replace(/:443\//, '/')
      .replace(/\/+$/, '')
      .toLowerCase();
  return norm(a) === norm(b);
}
