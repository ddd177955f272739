import { AzureRequestError } from '../errors';
import { KeyAndSecretMaterial } from './material';

/**
 * Parses the restore job's encryption info blob. The documented part is
 * `OsDiskKeyAndSecretDetails.{KeyUrl, SecretUrl, KeyBackupData, SecretData, KeyVaultSecretBackupData}`
 * (backup-azure-restore-key-secret.md); names are matched case-insensitively and a key vault id is taken when present.
 * Errors never quote the blob: it holds wrapped keys.
 */
export function parseEncryptionInfo(text: string, blobName: string): KeyAndSecretMaterial {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw invalid(blobName, 'it is not JSON');
  }
  const os = field(doc, 'OsDiskKeyAndSecretDetails') ?? doc;
  const secretUrl = str(field(os, 'SecretUrl'));
  if (!secretUrl) throw invalid(blobName, 'it names no secret URL');
  return new KeyAndSecretMaterial(
    secretUrl,
    str(field(os, 'KeyUrl')),
    str(field(os, 'KeyVaultId') ?? field(os, 'SecretVaultId') ?? field(doc, 'KeyVaultId')),
    {
      keyBackup: str(field(os, 'KeyBackupData')),
      secretData: str(field(os, 'SecretData')),
      secretBackup: str(field(os, 'KeyVaultSecretBackupData')),
    },
  );
}

function field(obj: unknown, name: string): unknown {
  if (!obj || typeof obj !== 'object') return undefined;
  const key = Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : (obj as Record<string, unknown>)[key];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function invalid(blobName: string, why: string): AzureRequestError {
  return new AzureRequestError(`The restore job's encryption info blob '${blobName}' cannot be used: ${why}.`, {
    code: 'EncryptionInfoUnreadable',
    operation: 'readEncryptionInfo',
  });
}
