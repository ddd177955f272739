/** What the Azure layer needs from configuration (built by src/config.ts, passed in by src/index.ts). */
export interface AzureSettings {
  /**
   * The subscription these settings' clients address. For the bot as a whole: the first managed subscription (empty
   * when they are discovered), which single-subscription settings (no `subscriptionIds`) manage alone.
   */
  subscriptionId: string;
  /**
   * Issue 17: the subscriptions the bot manages (AZURE_SUBSCRIPTION_IDS). Absent: `subscriptionId` alone, asking
   * Azure nothing. Empty: every subscription the managed identity can read (GET /subscriptions).
   */
  subscriptionIds?: string[];
  /**
   * How old the subscription listing may grow before it is read again (AZURE_SUBSCRIPTIONS_REFRESH_MINUTES, default
   * 60): a subscription the identity is given a role in later is managed without a restart. 0 = once per process.
   */
  subscriptionsRefreshMs?: number;
  tenantId: string;
  /** Client id of the user-assigned managed identity every Azure call runs under. */
  managedIdentityClientId: string;
  /** The identity the bot is approved to run as; tokens for any other identity are refused. */
  approvedIdentity: { objectId: string; tenantId: string };
  endpoints: {
    /** Azure Resource Manager, e.g. https://management.azure.com */
    arm: string;
    /** Token audience for ARM, e.g. https://management.azure.com */
    armAudience: string;
    /** Microsoft Graph, e.g. https://graph.microsoft.com */
    graph: string;
  };
  /** Extra CA certificate (PEM) to trust for every Azure endpoint: the sandbox's. Absent in production. */
  caCertificate?: string;
  /**
   * Whether Key Vault clients check that the challenge's resource matches the vault's domain.
   * Always true in production; false only against the sandbox, whose vaults live on 127.0.0.1.
   */
  keyVaultChallengeVerification: boolean;
  /** Object id of Backup Management Service in the tenant; looked up in the directory when absent. */
  backupManagementServiceObjectId?: string;
  /** Role granted to Backup Management Service on RBAC key vaults: Key Vault Administrator, or a least-privilege custom role. */
  rbacKeyVaultRoleDefinitionId: string;
  retry: { maxRetries: number; retryDelayMs: number; maxRetryDelayMs: number };
}

/** Backup Management Service, Azure's first-party app (public cloud). */
export const BACKUP_MANAGEMENT_SERVICE_APP_ID = '262044b1-e2ce-469f-a196-69ab7ada62d3';
/** Built-in Key Vault Administrator, the role the docs name for Backup on RBAC key vaults. */
export const KEY_VAULT_ADMINISTRATOR_ROLE_ID = '00482a5a-887f-4fb3-b363-3b7fe8e74483';
