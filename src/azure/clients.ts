import https from 'node:https';
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { ComputeManagementClient } from '@azure/arm-compute';
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { NetworkManagementClient } from '@azure/arm-network';
import { RecoveryServicesClient } from '@azure/arm-recoveryservices';
import { RecoveryServicesBackupClient } from '@azure/arm-recoveryservicesbackup';
import { DeploymentsClient } from '@azure/arm-resourcesdeployments';
import { StorageManagementClient } from '@azure/arm-storage';
import type { TokenCredential } from '@azure/core-auth';
import { createDefaultHttpClient, type HttpClient, type PipelineRequest } from '@azure/core-rest-pipeline';
import { KeyClient } from '@azure/keyvault-keys';
import { SecretClient } from '@azure/keyvault-secrets';
import { BlobServiceClient } from '@azure/storage-blob';
import type { AzureSettings } from './settings';

/**
 * Every SDK client the bot uses, built once, all on the one approved credential. The only difference between
 * production and the sandbox is here: the endpoint, an extra trusted CA and the Key Vault challenge check.
 */
export class AzureClients {
  readonly backup: RecoveryServicesBackupClient;
  readonly recoveryServices: RecoveryServicesClient;
  readonly compute: ComputeManagementClient;
  readonly keyVault: KeyVaultManagementClient;
  readonly authorization: AuthorizationManagementClient;
  readonly deployments: DeploymentsClient;
  readonly storage: StorageManagementClient;
  readonly network: NetworkManagementClient;
  private readonly httpClient: HttpClient;
  private readonly keyClients = new Map<string, KeyClient>();
  private readonly secretClients = new Map<string, SecretClient>();
  private readonly blobClients = new Map<string, BlobServiceClient>();

  constructor(
    readonly settings: AzureSettings,
    readonly credential: TokenCredential,
  ) {
    this.httpClient = trustingHttpClient(settings.caCertificate);
    const sub = settings.subscriptionId;
    const scope = `${settings.endpoints.armAudience.replace(/\/+$/, '')}/.default`;
    const retryOptions = {
      maxRetries: settings.retry.maxRetries,
      retryDelayInMs: settings.retry.retryDelayMs,
      maxRetryDelayInMs: settings.retry.maxRetryDelayMs,
    };
    // Classic (HLC) clients take credentialScopes; modular clients take credentials.scopes.
    const hlc = { endpoint: settings.endpoints.arm, credentialScopes: [scope], httpClient: this.httpClient, retryOptions };
    const modular = { endpoint: settings.endpoints.arm, credentials: { scopes: [scope] }, httpClient: this.httpClient, retryOptions };
    this.backup = new RecoveryServicesBackupClient(credential, sub, hlc);
    this.authorization = new AuthorizationManagementClient(credential, sub, hlc);
    this.recoveryServices = new RecoveryServicesClient(credential, sub, modular);
    this.compute = new ComputeManagementClient(credential, sub, modular);
    this.keyVault = new KeyVaultManagementClient(credential, sub, modular);
    this.deployments = new DeploymentsClient(credential, sub, modular);
    this.storage = new StorageManagementClient(credential, sub, modular);
    this.network = new NetworkManagementClient(credential, sub, modular);
  }

  /** Key Vault keys client for a vault URI (https://{vault}.vault.azure.net/). */
  keys(vaultUri: string): KeyClient {
    return cached(this.keyClients, vaultUri, () => new KeyClient(vaultUri, this.credential, this.keyVaultOptions()));
  }

  /** Key Vault secrets client for a vault URI. */
  secrets(vaultUri: string): SecretClient {
    return cached(this.secretClients, vaultUri, () => new SecretClient(vaultUri, this.credential, this.keyVaultOptions()));
  }

  /** Blob service client for a storage account's blob endpoint (from the account's primaryEndpoints.blob). */
  blobs(blobEndpoint: string): BlobServiceClient {
    return cached(this.blobClients, blobEndpoint, () =>
      new BlobServiceClient(blobEndpoint, this.credential, { httpClient: this.httpClient as never, retryOptions: { maxTries: this.settings.retry.maxRetries + 1 } }),
    );
  }

  private keyVaultOptions() {
    return {
      httpClient: this.httpClient,
      disableChallengeResourceVerification: !this.settings.keyVaultChallengeVerification,
      retryOptions: { maxRetries: this.settings.retry.maxRetries, retryDelayInMs: this.settings.retry.retryDelayMs, maxRetryDelayInMs: this.settings.retry.maxRetryDelayMs },
    };
  }
}

/** The default HTTP client, trusting one extra CA (the sandbox's) when given. */
function trustingHttpClient(ca?: string): HttpClient {
  const inner = createDefaultHttpClient();
  if (!ca) return inner;
  const agent = new https.Agent({ ca, keepAlive: true });
  return {
    sendRequest: (request: PipelineRequest) => {
      if (request.url.startsWith('https:')) request.agent = agent;
      return inner.sendRequest(request);
    },
  };
}

function cached<T>(map: Map<string, T>, key: string, make: () => T): T {
  const k = key.toLowerCase();
  let v = map.get(k);
  if (!v) {
    v = make();
    map.set(k, v);
  }
  return v;
}
