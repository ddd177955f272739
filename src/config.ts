import path from 'node:path';
import { z } from 'zod';
import type { AzureSettings } from './azure/settings';
import {
  ConfigError,
  idList,
  integer,
  oneOf,
  optionalText,
  subscriptionIdList,
  text,
  toggle,
  url,
} from './configFields';
import { checkBlobStore, checkBotRegistration, checkLive } from './configChecks';
import type { RehearsalNetworkSetting } from './azure/rehearsal';
import { rehearsalNetworks, SANDBOX_REHEARSAL_SUBNET } from './configRehearsal';
import { sandboxUserDefaults } from './sandboxUsers';

export { ConfigError } from './configFields';

/**
 * Every setting, by its environment variable name: one schema, read once at start-up. To add a setting, add one
 * line here and map it in `toConfig` below (and document it in README.md's configuration reference).
 * With no configuration at all the bot runs in sandbox mode against the local Azure.
 */
const schema = z.object({
  AZURE_MODE: oneOf(['sandbox', 'live'], 'sandbox'),
  PORT: integer(1, 65535, 3978),
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),

  BOT_APP_ID: optionalText(),
  BOT_APP_PASSWORD: optionalText(),
  BOT_APP_TYPE: oneOf(['SingleTenant', 'UserAssignedMSI', 'MultiTenant'], 'SingleTenant'),
  BOT_TENANT_ID: optionalText(),
  // How long a turn waits for Azure before answering with a "working on it" card (Teams allows a card action 5 s).
  REPLY_WITHIN_MS: integer(100, 4000, 1500),

  ALLOWED_TENANT_IDS: idList(),
  OPERATOR_IDS: idList(),
  APPROVER_IDS: idList(),
  OPERATOR_GROUP_IDS: idList(),
  APPROVER_GROUP_IDS: idList(),

  STORE: oneOf(['sqlite', 'blob'], 'sqlite'),
  SQLITE_PATH: text('.data/bot.sqlite'),
  BLOB_CONNECTION_STRING: optionalText(),
  BLOB_ACCOUNT_URL: optionalText(),
  BLOB_CONTAINER: text('ade-backup-bot'),
  // The key approvals and runs are signed with: a Key Vault secret in live mode, a local file in sandbox mode.
  RECORD_SIGNING_KEY_SECRET_URI: optionalText(),
  RECORD_SIGNING_KEY_FILE: optionalText(),
  // How long finished things are kept (days), and how often the retention sweep runs.
  RETENTION_RUNS_DAYS: integer(1, 3650, 30),
  RETENTION_APPROVALS_DAYS: integer(1, 3650, 90),
  RETENTION_LEDGER_DAYS: integer(1, 3650, 30),
  RETENTION_AUDIT_DAYS: integer(1, 3650, 365),
  RETENTION_SWEEP_MINUTES: integer(1, 24 * 60, 60),

  AZURE_SUBSCRIPTION_ID: optionalText(),
  // Issue 17: the subscriptions the bot manages; unset (and AZURE_SUBSCRIPTION_ID unset): every one it can read.
  AZURE_SUBSCRIPTION_IDS: subscriptionIdList(),
  // How old the discovered or checked subscription listing may grow before it is read again (0 = once per process).
  AZURE_SUBSCRIPTIONS_REFRESH_MINUTES: integer(0, 24 * 60, 60),
  AZURE_TENANT_ID: optionalText(),
  AZURE_MANAGED_IDENTITY_CLIENT_ID: optionalText(),
  AZURE_APPROVED_IDENTITY_OBJECT_ID: optionalText(),
  AZURE_ARM_ENDPOINT: url('https://management.azure.com'),
  AZURE_GRAPH_ENDPOINT: url('https://graph.microsoft.com'),
  AZURE_CA_FILE: optionalText(),
  BACKUP_MANAGEMENT_SERVICE_OBJECT_ID: optionalText(),
  KEY_VAULT_BACKUP_ROLE_ID: text('00482a5a-887f-4fb3-b363-3b7fe8e74483'),
  ALLOW_BEK_ONLY: toggle(false),

  APPROVAL_TTL_MINUTES: integer(1, 7 * 24 * 60, 240),
  APPROVERS_CONVERSATION_ID: optionalText(),
  WATCH_INTERVAL_SECONDS: integer(10, 24 * 3600, 300),
  WATCH_LEASE_SECONDS: integer(5, 3600, 90),
  RPO_HOURS: integer(1, 24 * 30, 26),
  ALERT_WEBHOOK_TOKEN: optionalText(),
  ALERT_WEBHOOK_AUDIENCE: optionalText(),
  STORM_THRESHOLD: integer(1, 1000, 10),
  STORM_WINDOW_MINUTES: integer(1, 24 * 60, 15),
  RATE_LIMIT_REQUESTS: integer(1, 1000, 5),
  RATE_LIMIT_WINDOW_MINUTES: integer(1, 24 * 60, 10),
  // Per user and window: refused commands and clicks beyond this many are answered, not recorded again.
  REFUSED_LIMIT: integer(1, 1000, 10),

  // `audit export`: the bot's public base URL for one-time links, their lifetime, and the manifest's supportsFiles.
  PUBLIC_URL: optionalText(),
  AUDIT_EXPORT_LINK_MINUTES: integer(1, 60, 10),
  TEAMS_SUPPORTS_FILES: toggle(false),
  // The weekly posture digest to every subscribed conversation (Monday 08:00 UTC onwards, once a week).
  POSTURE_DIGEST: oneOf(['off', 'weekly'], 'off'),
  // Restore rehearsals: the isolated subnets, comma-separated, one per subscription (Azure restores only within the
  // vault's subscription): each a full subnet id, or `<resource group>/<virtual network>/<subnet>` in the primary
  // subscription; unpeered and tagged ade-backup-bot:purpose=rehearsal; the sandbox's rg-rehearsal and
  // rg-fin-rehearsal by default in sandbox mode), how many at once, how long a standing approval lasts, how long the
  // checks wait for the VM.
  REHEARSAL_SUBNET: optionalText(),
  // When REHEARSAL_SUBNET's virtual network does not exist: the address space a rehearsal makes it with (in the
  // existing resource group, unpeered, tagged); unset = it must exist.
  REHEARSAL_NETWORK_PREFIX: optionalText(),
  REHEARSAL_MAX_CONCURRENT: integer(1, 50, 2),
  REHEARSAL_STANDING_DAYS: integer(1, 365, 90),
  REHEARSAL_CHECK_TIMEOUT_MINUTES: integer(1, 240, 15),
  // OpenTelemetry traces and metrics to Azure Monitor Application Insights; unset = telemetry off.
  APPLICATIONINSIGHTS_CONNECTION_STRING: optionalText(),
});

/** Every setting's name, in the schema's order (env/ templates and their test list them all). */
export const SETTING_NAMES: readonly string[] = Object.keys(schema.shape);

/** The sandbox world's tenant (src/sandbox/world/seed.json), which the Agents Playground of `npm start` uses. */
export const SANDBOX_TENANT_ID = '11111111-1111-4111-8111-111111111111';

export type Settings = z.infer<typeof schema>;

/** Settings whose values are never echoed in an error message. */
export const SECRET_SETTINGS: ReadonlySet<string> = new Set([
  'BOT_APP_PASSWORD',
  'ALERT_WEBHOOK_TOKEN',
  'BLOB_CONNECTION_STRING',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
]);

export type Mode = 'sandbox' | 'live';
export type BotAppType = Settings['BOT_APP_TYPE'];

export interface Config {
  mode: Mode;
  port: number;
  logLevel: Settings['LOG_LEVEL'];
  /** The Bot Framework registration. No app id = anonymous (sandbox mode and the Agents Playground only). */
  bot: {
    appId?: string;
    appPassword?: string;
    appType: BotAppType;
    tenantId?: string;
    /** REPLY_WITHIN_MS: a turn's longest wait on Azure before it answers with a progress card. */
    replyWithinMs: number;
  };
  /** Who may do what: Entra object ids (from.aadObjectId) and group ids, tenants whose users may talk to the bot. */
  access: {
    allowedTenantIds: string[];
    operatorIds: string[];
    approverIds: string[];
    operatorGroupIds: string[];
    approverGroupIds: string[];
  };
  /**
   * Where durable state lives. `blob`: Azure Blob Storage, by connection string (development, Azurite) or by account
   * URL as the managed identity (production; the identity needs Storage Blob Data Contributor on the container).
   */
  store: {
    kind: 'sqlite' | 'blob';
    sqlitePath: string;
    blob: { connectionString?: string; accountUrl?: string; container: string };
  };
  /**
   * The key approval and run records are signed with (src/store/signing.ts): live mode reads it from the Key Vault
   * secret `secretUri`; sandbox mode generates it once into `keyFile` (beside the SQLite file by default).
   */
  signing: { secretUri?: string; keyFile: string };
  /** Days finished runs, decided approvals, delivery-ledger claims and audit entries are kept (src/store/retention.ts). */
  retention: { runsDays: number; approvalsDays: number; ledgerDays: number; auditDays: number; sweepMinutes: number };
  azure: {
    subscriptionId?: string;
    /**
     * The managed subscriptions: AZURE_SUBSCRIPTION_IDS, else AZURE_SUBSCRIPTION_ID as a list of one; undefined =
     * every subscription the managed identity can read (GET /subscriptions).
     */
    subscriptionIds?: string[];
    /** AZURE_SUBSCRIPTIONS_REFRESH_MINUTES: how old the subscription listing may grow before it is read again. */
    subscriptionsRefreshMinutes: number;
    tenantId?: string;
    managedIdentityClientId?: string;
    approvedIdentityObjectId?: string;
    armEndpoint: string;
    graphEndpoint: string;
    caFile?: string;
    backupManagementServiceObjectId?: string;
    keyVaultBackupRoleId: string;
    allowBekOnly: boolean;
  };
  approvals: { ttlMinutes: number; approversConversationId?: string };
  /**
   * Failed-backup notifications. Alerts authenticate by the token in the webhook URL, or (secure webhook) by a
   * Microsoft Entra token for the app registration named by `alertWebhookAudience` in AZURE_TENANT_ID.
   * More than `stormThreshold` failures for one conversation within `stormWindowMinutes` become one digest card.
   */
  notifications: {
    watchIntervalSeconds: number;
    /** WATCH_LEASE_SECONDS: a dead watcher replica's lease lapses after this long, and another one takes over. */
    leaseSeconds: number;
    rpoHours: number;
    alertWebhookToken?: string;
    alertWebhookAudience?: string;
    stormThreshold: number;
    stormWindowMinutes: number;
  };
  /** Per user: how many requests (restores, access grants) may be started per window (src/bot/rateLimit.ts). */
  rateLimit: { requests: number; windowMinutes: number; refused: number };
  /** `audit export`: links served at PUBLIC_URL (sandbox mode: where the bot listens); files when Teams allows them. */
  auditExport: { publicUrl?: string; linkMinutes: number; supportsFiles: boolean };
  /** POSTURE_DIGEST: the weekly posture digest per subscribed conversation (default off). */
  postureDigest: 'off' | 'weekly';
  /** REHEARSAL_*: restore rehearsals (docs/rehearsal.md); no network = rehearsals not configured. */
  rehearsal: {
    /** One per subscription (no subscriptionId = the primary one); empty = rehearsals not configured. */
    networks: RehearsalNetworkSetting[];
    maxConcurrent: number;
    standingDays: number;
    checkTimeoutMinutes: number;
  };
  /** APPLICATIONINSIGHTS_CONNECTION_STRING: where traces and metrics go (a credential: never logged). */
  telemetry: { connectionString?: string };
}

/**
 * Reads and validates the configuration. Throws ConfigError (one readable line naming the setting) on the first
 * wrong setting; src/index.ts and scripts/start.ts print that line and stop.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0] ?? 'configuration');
    const raw = env[name];
    const got = raw === undefined || SECRET_SETTINGS.has(name) ? '' : ` (got '${raw}')`;
    throw new ConfigError(name, `${issue.message}${got}`);
  }
  const s = parsed.data;
  checkLive(s);
  checkBotRegistration(s);
  if (s.ALERT_WEBHOOK_AUDIENCE && !s.AZURE_TENANT_ID) {
    throw new ConfigError(
      'AZURE_TENANT_ID',
      'is required with ALERT_WEBHOOK_AUDIENCE (the tenant that issues the secure webhook token)',
    );
  }
  checkBlobStore(s);
  const ai = s.APPLICATIONINSIGHTS_CONNECTION_STRING;
  if (ai && !/(^|;)\s*(InstrumentationKey|IngestionEndpoint)=/i.test(ai)) {
    throw new ConfigError(
      'APPLICATIONINSIGHTS_CONNECTION_STRING',
      'must be an Application Insights connection string (InstrumentationKey=…;IngestionEndpoint=…)',
    );
  }
  if (s.PUBLIC_URL && !/^https:\/\/[^/]+/i.test(s.PUBLIC_URL) && s.AZURE_MODE === 'live') {
    throw new ConfigError('PUBLIC_URL', `must be an https URL in live mode (got '${s.PUBLIC_URL}')`);
  }
  return toConfig(s);
}

function toConfig(s: Settings): Config {
  const sandbox = s.AZURE_MODE === 'sandbox';
  // Sandbox mode lets the Playground's users in (an operator, an approver); live mode denies by default.
  const defaults = sandbox ? sandboxUserDefaults() : { operatorIds: [], approverIds: [] };
  return {
    mode: s.AZURE_MODE,
    port: s.PORT,
    logLevel: s.LOG_LEVEL,
    bot: {
      appId: s.BOT_APP_ID,
      appPassword: s.BOT_APP_PASSWORD,
      appType: s.BOT_APP_TYPE,
      tenantId: s.BOT_TENANT_ID,
      replyWithinMs: s.REPLY_WITHIN_MS,
    },
    access: {
      allowedTenantIds: s.ALLOWED_TENANT_IDS.length ? s.ALLOWED_TENANT_IDS : defaultTenants(s),
      operatorIds: s.OPERATOR_IDS.length ? s.OPERATOR_IDS : defaults.operatorIds,
      approverIds: s.APPROVER_IDS.length ? s.APPROVER_IDS : defaults.approverIds,
      operatorGroupIds: s.OPERATOR_GROUP_IDS,
      approverGroupIds: s.APPROVER_GROUP_IDS,
    },
    store: {
      kind: s.STORE,
      sqlitePath: s.SQLITE_PATH,
      blob: { connectionString: s.BLOB_CONNECTION_STRING, accountUrl: s.BLOB_ACCOUNT_URL, container: s.BLOB_CONTAINER },
    },
    signing: {
      secretUri: s.RECORD_SIGNING_KEY_SECRET_URI,
      keyFile: s.RECORD_SIGNING_KEY_FILE ?? path.join(path.dirname(s.SQLITE_PATH), 'record-signing.key'),
    },
    retention: {
      runsDays: s.RETENTION_RUNS_DAYS,
      approvalsDays: s.RETENTION_APPROVALS_DAYS,
      ledgerDays: s.RETENTION_LEDGER_DAYS,
      auditDays: s.RETENTION_AUDIT_DAYS,
      sweepMinutes: s.RETENTION_SWEEP_MINUTES,
    },
    azure: {
      subscriptionId: s.AZURE_SUBSCRIPTION_IDS?.[0] ?? s.AZURE_SUBSCRIPTION_ID,
      subscriptionIds: s.AZURE_SUBSCRIPTION_IDS ?? (s.AZURE_SUBSCRIPTION_ID ? [s.AZURE_SUBSCRIPTION_ID] : undefined),
      subscriptionsRefreshMinutes: s.AZURE_SUBSCRIPTIONS_REFRESH_MINUTES,
      tenantId: s.AZURE_TENANT_ID,
      managedIdentityClientId: s.AZURE_MANAGED_IDENTITY_CLIENT_ID,
      approvedIdentityObjectId: s.AZURE_APPROVED_IDENTITY_OBJECT_ID,
      armEndpoint: s.AZURE_ARM_ENDPOINT,
      graphEndpoint: s.AZURE_GRAPH_ENDPOINT,
      caFile: s.AZURE_CA_FILE,
      backupManagementServiceObjectId: s.BACKUP_MANAGEMENT_SERVICE_OBJECT_ID,
      keyVaultBackupRoleId: s.KEY_VAULT_BACKUP_ROLE_ID,
      allowBekOnly: s.ALLOW_BEK_ONLY,
    },
    approvals: { ttlMinutes: s.APPROVAL_TTL_MINUTES, approversConversationId: s.APPROVERS_CONVERSATION_ID },
    notifications: {
      watchIntervalSeconds: s.WATCH_INTERVAL_SECONDS,
      leaseSeconds: s.WATCH_LEASE_SECONDS,
      rpoHours: s.RPO_HOURS,
      alertWebhookToken: s.ALERT_WEBHOOK_TOKEN,
      alertWebhookAudience: s.ALERT_WEBHOOK_AUDIENCE,
      stormThreshold: s.STORM_THRESHOLD,
      stormWindowMinutes: s.STORM_WINDOW_MINUTES,
    },
    rateLimit: {
      requests: s.RATE_LIMIT_REQUESTS,
      windowMinutes: s.RATE_LIMIT_WINDOW_MINUTES,
      refused: s.REFUSED_LIMIT,
    },
    auditExport: {
      publicUrl: s.PUBLIC_URL,
      linkMinutes: s.AUDIT_EXPORT_LINK_MINUTES,
      supportsFiles: s.TEAMS_SUPPORTS_FILES,
    },
    postureDigest: s.POSTURE_DIGEST,
    rehearsal: {
      networks: rehearsalNetworks(
        s.REHEARSAL_SUBNET ?? (sandbox ? SANDBOX_REHEARSAL_SUBNET : undefined),
        s.REHEARSAL_NETWORK_PREFIX,
      ),
      maxConcurrent: s.REHEARSAL_MAX_CONCURRENT,
      standingDays: s.REHEARSAL_STANDING_DAYS,
      checkTimeoutMinutes: s.REHEARSAL_CHECK_TIMEOUT_MINUTES,
    },
    telemetry: { connectionString: s.APPLICATIONINSIGHTS_CONNECTION_STRING },
  };
}

/**
 * Without ALLOWED_TENANT_IDS only the bot's own tenant is let in: the sandbox world's (the Playground's) in sandbox
 * mode, AZURE_TENANT_ID (and BOT_TENANT_ID) in live mode.
 */
function defaultTenants(s: Settings): string[] {
  if (s.AZURE_MODE === 'sandbox') return [SANDBOX_TENANT_ID];
  return [...new Set([s.AZURE_TENANT_ID, s.BOT_TENANT_ID].filter((id): id is string => !!id))];
}

/** The Azure layer's settings in live mode: real endpoints, the configured managed identity, nothing trusted extra. */
export function liveAzureSettings(config: Config, readFile: (file: string) => string): AzureSettings {
  const a = config.azure;
  return {
    ...managedSubscriptions(a),
    tenantId: a.tenantId!,
    managedIdentityClientId: a.managedIdentityClientId!,
    approvedIdentity: { objectId: a.approvedIdentityObjectId!, tenantId: a.tenantId! },
    endpoints: { arm: a.armEndpoint, armAudience: a.armEndpoint, graph: a.graphEndpoint },
    caCertificate: a.caFile ? readFile(a.caFile) : undefined,
    keyVaultChallengeVerification: true,
    backupManagementServiceObjectId: a.backupManagementServiceObjectId,
    rbacKeyVaultRoleDefinitionId: a.keyVaultBackupRoleId,
    retry: { maxRetries: 4, retryDelayMs: 1000, maxRetryDelayMs: 60_000 },
  };
}

/**
 * The Azure layer's subscription settings (issue 17): the configured list (AZURE_SUBSCRIPTION_IDS, or
 * AZURE_SUBSCRIPTION_ID as a list of one, checked against what the identity can read), or an empty list (every
 * subscription the identity can read). `subscriptionId` is the first configured one ('' when discovered).
 */
export function managedSubscriptions(
  a: Config['azure'],
): Pick<AzureSettings, 'subscriptionId' | 'subscriptionIds' | 'subscriptionsRefreshMs'> {
  return {
    subscriptionId: a.subscriptionIds?.[0] ?? '',
    subscriptionIds: a.subscriptionIds ?? [],
    subscriptionsRefreshMs: a.subscriptionsRefreshMinutes * 60_000,
  };
}
