import { azureCall } from './call';
import type { AzureClients } from './clients';
import { InvalidInputError } from './errors';
import { keyVaultObjectName } from './names';
import type { OperationOptions } from './types';

const VAULT_SCOPE = 'https://vault.azure.net/.default';

/**
 * The bot's record signing key (src/store/signing.ts) in live mode: a Key Vault secret named by
 * RECORD_SIGNING_KEY_SECRET_URI (`https://<vault>.vault.azure.net/secrets/<name>[/<version>]`), read once at start-up as
 * the approved managed identity. Needs secrets get on that vault (access policy, or Key Vault Secrets User).
 * The value is returned to the caller only: never logged, never put in an error.
 */
export class SigningKeyOperations {
  constructor(private readonly clients: AzureClients) {}

  async read(secretUri: string, options: OperationOptions = {}): Promise<string> {
    const url = parseSecretUri(secretUri);
    const { name, version } = keyVaultObjectName(secretUri, 'secrets');
    return azureCall('readSigningKey', async () => {
      // The approved-identity check runs on the token before anything is sent to the vault.
      await this.clients.credential.getToken(VAULT_SCOPE, { abortSignal: options.abortSignal });
      const secret = await this.clients
        .secrets(url.origin)
        .getSecret(name, { version, abortSignal: options.abortSignal });
      if (!secret.value) throw new InvalidInputError('secretUri', 'The signing key secret has no value.');
      return secret.value;
    });
  }
}

/** An https Key Vault secret URL (bearer tokens never go over plain http). */
function parseSecretUri(secretUri: string): URL {
  let url: URL;
  try {
    url = new URL(secretUri);
  } catch {
    throw new InvalidInputError('secretUri', `'${secretUri}' is not a Key Vault secret URL.`);
  }
  if (url.protocol !== 'https:' || !/^\/secrets\/[^/]+(\/[^/]+)?\/?$/.test(url.pathname)) {
    throw new InvalidInputError('secretUri', `'${secretUri}' is not an https Key Vault secret URL.`);
  }
  return url;
}
