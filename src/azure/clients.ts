import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { ComputeManagementClient } from '@azure/arm-compute';
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { NetworkManagementClient } from '@azure/arm-network';
import { RecoveryServicesClient } from '@azure/arm-recoveryservices';
import { RecoveryServicesBackupClient } from '@azure/arm-recoveryservicesbackup';
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import { DeploymentsClient } from '@azure/arm-resourcesdeployments';
import { StorageManagementClient } from '@azure/arm-storage';
import type { TokenCredential } from '@azure/core-auth';
import {
  bearerTokenAuthenticationPolicy,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  RestError,
  type HttpClient,
  type HttpMethods,
  type Pipeline,
} from '@azure/core-rest-pipeline';
import { KeyClient } from '@azure/keyvault-keys';
import { SecretClient } from '@azure/keyvault-secrets';
import { BlobServiceClient } from '@azure/storage-blob';
import { trustingHttpClient, v1HttpClient } from '../http/azureHttp';
import { discriminatorIndexOf, flattenDiscriminators } from './discriminators';
import type { AzureSettings } from './settings';
import { SubscriptionDirectory } from './subscriptions';
import { trailHttpClient } from './trail';

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
  /** Azure Resource Graph: name look-ups in one query (src/azure/resourceGraph.ts). */
  readonly resourceGraph: ResourceGraphClient;
  private readonly httpClient: HttpClient;
  private readonly keyClients = new Map<string, KeyClient>();
  private readonly secretClients = new Map<string, SecretClient>();
  private readonly blobClients = new Map<string, BlobServiceClient>();
  private readonly armPipeline: Pipeline;
  private readonly graphPipeline: Pipeline;
  /**
   * Every managed subscription and its clients (issue 17): `of(resourceId)` picks the clients of the subscription a
   * resource is in; `all()` the clients of every readable managed subscription. Shared by the clients it builds.
   */
  readonly subscriptions: SubscriptionDirectory;

  constructor(
    readonly settings: AzureSettings,
    readonly credential: TokenCredential,
    directory?: SubscriptionDirectory,
    /** The HTTP client (and its keep-alive connections) of the first subscription's clients, shared by the others. */
    httpClient?: HttpClient,
  ) {
    this.subscriptions =
      directory ??
      new SubscriptionDirectory(
        settings,
        credential,
        this,
        (s, d) => new AzureClients(s, credential, d, this.httpClient),
      );
    // Every write carries an x-ms-client-request-id the audit entry records (trail.ts).
    this.httpClient = httpClient ?? trailHttpClient(trustingHttpClient(settings.caCertificate));
    const sub = settings.subscriptionId;
    const scope = `${settings.endpoints.armAudience.replace(/\/+$/, '')}/.default`;
    const retryOptions = {
      maxRetries: settings.retry.maxRetries,
      retryDelayInMs: settings.retry.retryDelayMs,
      maxRetryDelayInMs: settings.retry.maxRetryDelayMs,
    };
    // Classic (HLC) clients take credentialScopes; modular clients take credentials.scopes.
    const hlc = {
      endpoint: settings.endpoints.arm,
      credentialScopes: [scope],
      httpClient: this.httpClient,
      retryOptions,
    };
    const modular = {
      endpoint: settings.endpoints.arm,
      credentials: { scopes: [scope] },
      httpClient: this.httpClient,
      retryOptions,
    };
    this.backup = indexedDiscriminators(new RecoveryServicesBackupClient(credential, sub, hlc));
    this.authorization = indexedDiscriminators(new AuthorizationManagementClient(credential, sub, hlc));
    this.recoveryServices = new RecoveryServicesClient(credential, sub, modular);
    this.compute = new ComputeManagementClient(credential, sub, modular);
    this.keyVault = new KeyVaultManagementClient(credential, sub, modular);
    this.deployments = new DeploymentsClient(credential, sub, modular);
    this.storage = new StorageManagementClient(credential, sub, modular);
    this.network = new NetworkManagementClient(credential, sub, modular);
    this.resourceGraph = new ResourceGraphClient(credential, modular);
    this.armPipeline = restPipeline(credential, scope, retryOptions);
    // Graph's audience is fixed whatever URL serves it (the sandbox serves Graph on its ARM listener).
    this.graphPipeline = restPipeline(credential, GRAPH_SCOPE, retryOptions);
  }

  /**
   * The clients of the subscription a resource id names (this one's when it is the same). A subscription the bot does
   * not manage or cannot read is SubscriptionNotManagedError, before anything is sent.
   */
  async of(resourceOrSubscriptionId: string, options: { abortSignal?: AbortSignal } = {}): Promise<AzureClients> {
    return this.subscriptions.of(resourceOrSubscriptionId, options);
  }

  /** The clients of every managed subscription the identity can read, in the configured order. */
  all(options: { abortSignal?: AbortSignal } = {}): Promise<AzureClients[]> {
    return this.subscriptions.readable(options);
  }

  /**
   * A raw ARM request for the few calls no SDK on our list covers (generic resources list). `path` starts with
   * /subscriptions/... and carries its api-version. Same credential, retries and trust as the SDK clients.
   */
  armRequest<T = unknown>(
    method: HttpMethods,
    path: string,
    body?: unknown,
    options: RawRequestOptions = {},
  ): Promise<T> {
    // nextLinks come back absolute; the token goes to the ARM endpoint only.
    const arm = new URL(this.settings.endpoints.arm);
    const url = new URL(path, arm);
    if (url.origin !== arm.origin) throw new Error(`Refusing to send an ARM token to ${url.origin}.`);
    return this.send<T>(this.armPipeline, url.toString(), method, body, options);
  }

  /**
   * A Microsoft Graph request (no Graph SDK on our list): `path` starts with /v1.0/. The token is for Graph's
   * audience, from the same approved credential.
   */
  graphRequest<T = unknown>(
    method: HttpMethods,
    path: string,
    body?: unknown,
    options: RawRequestOptions = {},
  ): Promise<T> {
    const graph = this.settings.endpoints.graph.replace(/\/+$/, '');
    return this.send<T>(this.graphPipeline, `${graph}${path}`, method, body, options);
  }

  private async send<T>(
    pipeline: Pipeline,
    url: string,
    method: HttpMethods,
    body: unknown,
    options: RawRequestOptions,
  ): Promise<T> {
    const request = createPipelineRequest({
      url,
      method,
      abortSignal: options.abortSignal,
      headers: createHttpHeaders({
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      }),
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const response = await pipeline.sendRequest(this.httpClient, request);
    const parsed = response.bodyAsText ? safeJson(response.bodyAsText) : undefined;
    if (response.status >= 400) {
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      const err = new RestError(error?.message ?? `HTTP ${response.status}`, {
        code: error?.code,
        statusCode: response.status,
        request,
        response,
      });
      (err as RestError & { details?: unknown }).details = parsed;
      throw err;
    }
    return parsed as T;
  }

  /** Key Vault keys client for a vault URI (https://{vault}.vault.azure.net/). */
  keys(vaultUri: string): KeyClient {
    return cached(this.keyClients, vaultUri, () => new KeyClient(vaultUri, this.credential, this.keyVaultOptions()));
  }

  /** Key Vault secrets client for a vault URI. */
  secrets(vaultUri: string): SecretClient {
    return cached(
      this.secretClients,
      vaultUri,
      () => new SecretClient(vaultUri, this.credential, this.keyVaultOptions()),
    );
  }

  /** Blob service client for a storage account's blob endpoint (from the account's primaryEndpoints.blob). */
  blobs(blobEndpoint: string): BlobServiceClient {
    return cached(
      this.blobClients,
      blobEndpoint,
      () =>
        new BlobServiceClient(blobEndpoint, this.credential, {
          httpClient: v1HttpClient(this.httpClient) as never,
          retryOptions: { maxTries: this.settings.retry.maxRetries + 1 },
        }),
    );
  }

  private keyVaultOptions() {
    return {
      httpClient: this.httpClient,
      disableChallengeResourceVerification: !this.settings.keyVaultChallengeVerification,
      retryOptions: {
        maxRetries: this.settings.retry.maxRetries,
        retryDelayInMs: this.settings.retry.retryDelayMs,
        maxRetryDelayInMs: this.settings.retry.maxRetryDelayMs,
      },
    };
  }
}

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

/**
 * A classic (HLC) client whose models' discriminator index is completed on its first request (discriminators.ts):
 * polymorphic bodies then resolve in one look-up instead of a search per object.
 */
function indexedDiscriminators<C extends { sendOperationRequest: (args: never, spec: never) => Promise<unknown> }>(
  client: C,
): C {
  const send = client.sendOperationRequest.bind(client) as (args: unknown, spec: unknown) => Promise<unknown>;
  client.sendOperationRequest = ((args: unknown, spec: unknown) => {
    const index = discriminatorIndexOf(spec);
    if (index) flattenDiscriminators(index);
    return send(args, spec);
  }) as C['sendOperationRequest'];
  return client;
}

export interface RawRequestOptions {
  abortSignal?: AbortSignal;
}

/** A bare pipeline (retries, bearer token for one audience) for requests no SDK client covers. */
function restPipeline(
  credential: TokenCredential,
  scope: string,
  retryOptions: { maxRetries: number; retryDelayInMs: number; maxRetryDelayInMs: number },
): Pipeline {
  const pipeline = createPipelineFromOptions({ retryOptions });
  pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential, scopes: scope }));
  return pipeline;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
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
