import { inspect } from 'node:util';

/**
 * A VM's key and secret as Azure Backup kept them: the key's backup blob, the wrapped BEK and (BEK-only VMs) the
 * secret's backup blob. It stays inside src/azure: the material sits in private fields, so logging, JSON or
 * `util.inspect` of this object shows the URLs and nothing else.
 */
export class KeyAndSecretMaterial {
  readonly #keyBackup?: string;
  readonly #secretData?: string;
  readonly #secretBackup?: string;

  constructor(
    readonly secretUrl: string,
    readonly keyUrl: string | undefined,
    /** Key vault ARM id the key and secret came from, when the source names it. */
    readonly keyVaultId: string | undefined,
    material: { keyBackup?: string; secretData?: string; secretBackup?: string },
  ) {
    this.#keyBackup = material.keyBackup || undefined;
    this.#secretData = material.secretData || undefined;
    this.#secretBackup = material.secretBackup || undefined;
  }

  /** Base64 Key Vault backup of the KEK (BEK+KEK VMs). */
  get keyBackup(): string | undefined {
    return this.#keyBackup;
  }

  /** The wrapped BEK (base64), stored as the secret's value as-is. */
  get secretData(): string | undefined {
    return this.#secretData;
  }

  /** Base64 Key Vault backup of the BEK secret (BEK-only VMs). */
  get secretBackup(): string | undefined {
    return this.#secretBackup;
  }

  toJSON(): Record<string, unknown> {
    return { secretUrl: this.secretUrl, keyUrl: this.keyUrl, keyVaultId: this.keyVaultId, material: '[redacted]' };
  }

  [inspect.custom](): string {
    return `KeyAndSecretMaterial ${JSON.stringify(this.toJSON())}`;
  }
}
