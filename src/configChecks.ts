import type { Settings } from './config';
import { ConfigError } from './configFields';

/* Start-up checks of the settings that would otherwise fail late, or open a hole: run by loadConfig (src/config.ts). */

/** Live mode holds Azure write access: it never starts anonymous, nor without knowing which identity is approved. */
export function checkLive(s: Settings): void {
  if (s.AZURE_MODE !== 'live') return;
  if (!s.BOT_APP_ID) {
    throw new ConfigError(
      'BOT_APP_ID',
      'is required in live mode (without it anyone could post activities to a bot that holds Azure write access)',
    );
  }
  // No subscription setting: the bot manages every subscription its identity can read (issue 17).
  const required = [
    'AZURE_TENANT_ID',
    'AZURE_MANAGED_IDENTITY_CLIENT_ID',
    'AZURE_APPROVED_IDENTITY_OBJECT_ID',
  ] as const;
  for (const name of required) {
    if (!s[name]) throw new ConfigError(name, 'is required in live mode (the managed identity the bot runs as)');
  }
  // Bearer tokens are only ever sent over TLS.
  for (const name of ['AZURE_ARM_ENDPOINT', 'AZURE_GRAPH_ENDPOINT'] as const) {
    if (!/^https:\/\//i.test(s[name])) {
      throw new ConfigError(name, `must be an https URL in live mode (got '${s[name]}')`);
    }
  }
  if (!s.APPROVERS_CONVERSATION_ID) {
    throw new ConfigError(
      'APPROVERS_CONVERSATION_ID',
      'is required in live mode (approval cards go to that conversation only, never to wherever an approver last talked)',
    );
  }
  if (!s.RECORD_SIGNING_KEY_SECRET_URI) {
    throw new ConfigError(
      'RECORD_SIGNING_KEY_SECRET_URI',
      'is required in live mode (the Key Vault secret holding the key approvals and runs are signed with)',
    );
  }
  if (!/^https:\/\/[^/\s]+\/secrets\/[^/\s]+(\/[^/\s]+)?\/?$/i.test(s.RECORD_SIGNING_KEY_SECRET_URI)) {
    throw new ConfigError(
      'RECORD_SIGNING_KEY_SECRET_URI',
      `must be a Key Vault secret URL, https://<vault>.vault.azure.net/secrets/<name> (got '${s.RECORD_SIGNING_KEY_SECRET_URI}')`,
    );
  }
}

/** The same rules botbuilder asserts at the first request, checked at start-up instead. */
export function checkBotRegistration(s: Settings): void {
  if (!s.BOT_APP_ID) return;
  if (s.BOT_APP_TYPE !== 'MultiTenant' && !s.BOT_TENANT_ID) {
    throw new ConfigError('BOT_TENANT_ID', `is required when BOT_APP_TYPE is ${s.BOT_APP_TYPE}`);
  }
  // One managed identity for everything: the bot's Bot Connector token and Azure's come from the same approved one.
  if (
    s.BOT_APP_TYPE === 'UserAssignedMSI' &&
    s.AZURE_MANAGED_IDENTITY_CLIENT_ID &&
    s.BOT_APP_ID.toLowerCase() !== s.AZURE_MANAGED_IDENTITY_CLIENT_ID.toLowerCase()
  ) {
    throw new ConfigError(
      'BOT_APP_ID',
      `must be the managed identity's client id AZURE_MANAGED_IDENTITY_CLIENT_ID when BOT_APP_TYPE is UserAssignedMSI (one approved identity; got '${s.BOT_APP_ID}')`,
    );
  }
  if (s.BOT_APP_TYPE === 'UserAssignedMSI' && s.BOT_APP_PASSWORD) {
    throw new ConfigError('BOT_APP_PASSWORD', 'must not be set when BOT_APP_TYPE is UserAssignedMSI');
  }
  if (s.BOT_APP_TYPE !== 'UserAssignedMSI' && !s.BOT_APP_PASSWORD) {
    throw new ConfigError('BOT_APP_PASSWORD', `is required when BOT_APP_TYPE is ${s.BOT_APP_TYPE}`);
  }
}

/** STORE=blob needs exactly one way in, and a container name Azure accepts. */
export function checkBlobStore(s: Settings): void {
  if (s.STORE !== 'blob') return;
  if (s.BLOB_CONNECTION_STRING && s.BLOB_ACCOUNT_URL) {
    throw new ConfigError('BLOB_CONNECTION_STRING', 'must not be set together with BLOB_ACCOUNT_URL (choose one)');
  }
  if (!s.BLOB_CONNECTION_STRING && !s.BLOB_ACCOUNT_URL) {
    throw new ConfigError(
      'BLOB_ACCOUNT_URL',
      'is required when STORE is blob (or BLOB_CONNECTION_STRING, for development against Azurite)',
    );
  }
  // Bearer tokens are only ever sent over TLS.
  if (s.BLOB_ACCOUNT_URL && !/^https:\/\/[^/\s]+/i.test(s.BLOB_ACCOUNT_URL)) {
    throw new ConfigError('BLOB_ACCOUNT_URL', `must be an https URL (got '${s.BLOB_ACCOUNT_URL}')`);
  }
  if (!/^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/.test(s.BLOB_CONTAINER)) {
    throw new ConfigError(
      'BLOB_CONTAINER',
      `must be 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit (got '${s.BLOB_CONTAINER}')`,
    );
  }
}
