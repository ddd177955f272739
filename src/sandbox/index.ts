import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { isAllowed, sameId } from './authorization/rbac';
import { Engine } from './engine';
import { createDispatcher, type Authenticate, type Authorize } from './http/dispatcher';
import { AzureError } from './http/errors';
import { Faults } from './http/faults';
import { RequestLog } from './http/requestLog';
import { Router } from './http/router';
import type { Caller, ProviderContext, SandboxRequest, SandboxResponse, SandboxTiming, Surface } from './http/types';
import { handleIdentityRequest } from './identity/endpoint';
import { TokenAuthority } from './identity/tokens';
import { PROVIDERS } from './providers';
import { keyVaultUnreachable } from './providers/keyVaultData';
import { stripBotAccess } from './world/bare';
import { loadWorld, readSeed } from './world/load';
import { readSubscriptionSeeds, seedFor, worldForPath, worldOf } from './world/subscriptions';
import type { World } from './world/types';

export type { SandboxTiming } from './http/types';
export type { World } from './world/types';

export interface SandboxOptions {
  /** Seed file (defaults to src/sandbox/world/seed.json). */
  seedFile?: string;
  timing?: Partial<SandboxTiming>;
  /** ARM listener port; 0 (default) = any free port. */
  armPort?: number;
  /** Managed-identity listener port; 0 (default) = any free port. */
  identityPort?: number;
  /**
   * 'none': the bot's identity starts with no role and no access policy and the custom roles are undefined (what
   * infra/ must grant), and `id-platform-engineer` holds Owner to deploy it (world/bare.ts). Default 'seeded'.
   */
  botAccess?: 'seeded' | 'none';
  /**
   * The further subscriptions of world/subscriptions.json (Contoso Finance, Research, Restricted; issue 17). Default:
   * loaded with the seeded world, left out with a `seedFile` of its own or `botAccess: 'none'` (the infra deployment
   * world is one subscription).
   */
  subscriptions?: boolean;
}

export interface Sandbox {
  /** The primary subscription's world (seed.json). */
  world: World;
  /** Every subscription's world, the primary first (issue 17). A request goes to the one its path names. */
  worlds: World[];
  engine: Engine;
  faults: Faults;
  log: RequestLog;
  tokens: TokenAuthority;
  /** PEM of the self-signed certificate every HTTPS listener serves; trust it as a CA. */
  ca: string;
  endpoints: {
    /** Azure Resource Manager (also serves /_sandbox admin routes). */
    arm: string;
    /** Microsoft Graph (directory look-ups): the same listener, under /v1.0. */
    graph: string;
    /** Blob service, path-style: {blob}/{account}/{container}/{name}. */
    blob: string;
    /** App Service style managed-identity endpoint (IDENTITY_ENDPOINT), plain http on loopback as App Service has it. */
    identity: string;
    /** The secret for X-IDENTITY-HEADER (IDENTITY_HEADER). */
    identityHeader: string;
    /** Key vault name -> data-plane origin (each vault has its own origin, as Key Vault clients require). */
    keyVaults: Record<string, string>;
  };
  close(): Promise<void>;
}

export const DEFAULT_TIMING: SandboxTiming = { lroMs: 1500, jobMs: 4000, retryAfterSeconds: 1 };

/** ARM token audiences the sandbox accepts (Azure's own, and the sandbox origin the SDKs default to). */
const ARM_AUDIENCES = ['https://management.azure.com', 'https://management.core.windows.net'];
const GRAPH_AUDIENCE = 'https://graph.microsoft.com';
const VAULT_AUDIENCE = 'https://vault.azure.net';
const STORAGE_AUDIENCE = 'https://storage.azure.com';
/** Key vaults that deployments may create while the sandbox runs (infra/main.json creates one). */
const SPARE_KEY_VAULT_LISTENERS = 2;

/** Starts the local Azure: ARM, Graph, managed identity, Key Vault data planes and Blob, over HTTPS on loopback. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const timing: SandboxTiming = { ...DEFAULT_TIMING, ...options.timing };
  const seed = readSeed(options.seedFile);
  const withSubscriptions = options.subscriptions ?? (!options.seedFile && options.botAccess !== 'none');
  const otherSeeds = withSubscriptions ? readSubscriptionSeeds().map((s) => seedFor(seed, s)) : [];
  const pems = await generate([{ name: 'commonName', value: 'ade-backup-bot sandbox' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  } as never);
  const tls = { key: pems.private, cert: pems.cert };
  const tokens = new TokenAuthority(seed.tenantId);
  const engine = new Engine();
  const faults = new Faults();
  const log = new RequestLog();
  const identityHeader = randomBytes(24).toString('hex');

  const servers: http.Server[] = [];
  const listen = async (server: http.Server, port = 0): Promise<number> => {
    servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return (server.address() as AddressInfo).port;
  };

  // Key vault listeners first: the world's key and secret URLs name their origins.
  const kvServers = new Map<string, https.Server>();
  const keyVaultUris: Record<string, string> = {};
  for (const kv of [...seed.keyVaults, ...otherSeeds.flatMap((s) => s.keyVaults)]) {
    const server = https.createServer(tls);
    const port = await listen(server);
    kvServers.set(kv.name, server);
    keyVaultUris[kv.name] = `https://127.0.0.1:${port}/`;
  }
  // Spare listeners for vaults a template creates (infra/main.json's own vault): each vault needs its own origin, and
  // a listener's port is only known after an asynchronous listen, which a deployment step cannot wait for.
  const spareKvServers: https.Server[] = [];
  const sparePorts = new Map<https.Server, number>();
  for (let i = 0; i < SPARE_KEY_VAULT_LISTENERS; i++) {
    const server = https.createServer(tls);
    sparePorts.set(server, await listen(server));
    spareKvServers.push(server);
  }
  const world = loadWorld(seed, { now: engine.now(), vaultUri: (name) => keyVaultUris[name] });
  if (options.botAccess === 'none') stripBotAccess(world, engine.nowIso());
  const worlds = [
    world,
    ...otherSeeds.map((s) => loadWorld(s, { now: engine.now(), vaultUri: (name) => keyVaultUris[name] })),
  ];
  /** The world that holds a key vault (names are unique across Azure), or a storage account. */
  const worldOfKeyVault = (name: string) => worlds.find((w) => w.keyVaults.some((k) => sameId(k.name, name))) ?? world;
  const worldOfAccount = (name: string | undefined) =>
    (name && worlds.find((w) => w.storageAccounts.some((a) => sameId(a.name, name)))) || world;

  const armServer = https.createServer(tls);
  const blobServer = https.createServer(tls);
  const identityServer = http.createServer();
  const armPort = await listen(armServer, options.armPort ?? 0);
  const blobPort = await listen(blobServer);
  const identityPort = await listen(identityServer, options.identityPort ?? 0);
  const armOrigin = `https://127.0.0.1:${armPort}`;
  const blobOrigin = `https://127.0.0.1:${blobPort}`;
  const identityOrigin = `http://127.0.0.1:${identityPort}`;

  const context: ProviderContext = {
    world,
    worlds,
    engine,
    timing,
    faults,
    log,
    urls: { arm: armOrigin, blob: blobOrigin, identity: `${identityOrigin}/msi/token` },
    keyVaultUri: (name) =>
      keyVaultUris[name] ?? worldOfKeyVault(name).keyVaults.find((k) => sameId(k.name, name))?.vaultUri,
    openKeyVault: (name) => {
      const known = Object.keys(keyVaultUris).find((k) => sameId(k, name));
      if (known) return keyVaultUris[known];
      const server = spareKvServers.shift();
      if (!server) throw new Error(`The sandbox has no listener left for a new key vault '${name}'.`);
      keyVaultUris[name] = `https://127.0.0.1:${sparePorts.get(server)}/`;
      wireKeyVault(name, server);
      return keyVaultUris[name];
    },
  };

  const router = (pick: (p: (typeof PROVIDERS)[number]) => unknown[] | undefined) =>
    new Router(PROVIDERS.flatMap((p) => (pick(p) ?? []) as never[]));
  const bearer = (req: SandboxRequest, audiences: string[], challenge?: string): Caller | SandboxResponse => {
    const header = String(req.headers.authorization ?? '');
    if (!header) {
      return challenge
        ? {
            status: 401,
            headers: { 'WWW-Authenticate': challenge },
            body: { error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' } },
          }
        : new AzureError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.", {
            headers: {
              'WWW-Authenticate':
                'Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="The authentication failed because of missing \'Authorization\' header."',
            },
          }).toResponse();
    }
    const m = /^Bearer\s+(.+)$/i.exec(header);
    const caller = m ? tokens.verify(m[1].trim()) : undefined;
    if (!caller) {
      return challenge
        ? {
            status: 401,
            headers: { 'WWW-Authenticate': challenge },
            body: { error: { code: 'Unauthorized', message: 'AKV10032: Invalid issuer or signature.' } },
          }
        : new AzureError(401, 'InvalidAuthenticationToken', 'The access token is invalid.').toResponse();
    }
    const aud = caller.audience.replace(/\/+$/, '').toLowerCase();
    if (!audiences.some((a) => a.replace(/\/+$/, '').toLowerCase() === aud)) {
      return challenge
        ? {
            status: 401,
            headers: { 'WWW-Authenticate': challenge },
            body: { error: { code: 'Unauthorized', message: 'AKV10022: Invalid audience.' } },
          }
        : new AzureError(
            401,
            'InvalidAuthenticationTokenAudience',
            `The access token has been obtained for wrong audience or resource '${caller.audience}'.`,
          ).toResponse();
    }
    if (!sameId(caller.tenantId, world.tenantId)) {
      return new AzureError(
        401,
        'InvalidAuthenticationTokenTenant',
        `The access token is from the wrong issuer '${caller.tenantId}'.`,
      ).toResponse();
    }
    return caller;
  };
  // A permission is checked in the world of the subscription its scope names (each subscription has its own roles).
  const armAuthorize: Authorize = (_req, caller, permission) =>
    isAllowed(worldForPath(worlds, permission.scope), caller.objectId, permission)
      ? undefined
      : new AzureError(
          403,
          'AuthorizationFailed',
          `The client '${caller.appId}' with object id '${caller.objectId}' does not have authorization to perform action '${permission.action}' over scope '${permission.scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
        );
  const kvAuthorize = PROVIDERS.find((p) => p.authorizeKeyVault)?.authorizeKeyVault;
  const blobAuthorize = PROVIDERS.find((p) => p.authorizeBlob)?.authorizeBlob;

  const dispatcher = (
    surface: Surface,
    r: Router,
    authenticate?: Authenticate,
    authorize?: Authorize,
    keyVaultName?: string,
    worldFor?: (req: SandboxRequest) => World,
    ctx: ProviderContext = context,
  ) =>
    createDispatcher({
      surface,
      router: r,
      faults,
      log,
      context: ctx,
      authenticate,
      authorize,
      keyVaultName,
      worldFor,
    });

  const armDispatch = dispatcher(
    'arm',
    router((p) => [...(p.arm ?? []), ...(p.graph ?? [])]),
    (req) => bearer(req, req.path.startsWith('/v1.0/') ? [GRAPH_AUDIENCE] : [...ARM_AUDIENCES, armOrigin]),
    armAuthorize,
    undefined,
    (req) => worldForPath(worlds, req.path),
  );
  // Admin routes name a subscription (`subscriptionId` in the query or body) or a VM, whose world they act on.
  const adminWorld = (req: SandboxRequest): World => {
    const named =
      req.query.get('subscriptionId') ?? (req.body as { subscriptionId?: string } | undefined)?.subscriptionId;
    const vm = (req.body as { vm?: unknown } | undefined)?.vm;
    return (
      worldOf(worlds, named ?? undefined) ??
      (typeof vm === 'string' ? worlds.find((w) => w.vms.some((v) => sameId(v.name, vm))) : undefined) ??
      world
    );
  };
  const adminDispatch = dispatcher(
    'admin',
    router((p) => p.admin),
    undefined,
    undefined,
    undefined,
    adminWorld,
  );
  armServer.on(
    'request',
    (req, res) =>
      void (req.url?.startsWith('/_sandbox/') || req.url === '/_sandbox' ? adminDispatch : armDispatch)(
        req,
        res,
        armOrigin,
      ),
  );

  const blobWorld = (req: SandboxRequest) => worldOfAccount(req.path.split('/').filter(Boolean)[0]);
  const blobDispatch = dispatcher(
    'blob',
    router((p) => p.blob),
    (req) => bearer(req, [STORAGE_AUDIENCE, `${STORAGE_AUDIENCE}/`]),
    blobAuthorize
      ? (req, caller, perm) => blobAuthorize(req, caller, perm, { ...context, world: blobWorld(req) })
      : undefined,
    undefined,
    blobWorld,
  );
  blobServer.on('request', (req, res) => void blobDispatch(req, res, blobOrigin));

  const kvRouter = router((p) => p.keyVault);
  const challenge = `Bearer authorization="https://login.microsoftonline.com/${world.tenantId}", resource="${VAULT_AUDIENCE}"`;
  function wireKeyVault(name: string, server: https.Server): void {
    const origin = keyVaultUris[name].replace(/\/$/, '');
    // The vault's own subscription's world (a vault a template creates lands in the primary).
    const kvContext = (): ProviderContext => ({ ...context, world: worldOfKeyVault(name) });
    const d = dispatcher(
      'keyvault',
      kvRouter,
      (req) => bearer(req, [VAULT_AUDIENCE], challenge),
      kvAuthorize ? (req, caller, perm) => kvAuthorize(req, caller, perm, kvContext()) : undefined,
      name,
      () => worldOfKeyVault(name),
    );
    server.on('request', (req, res) => {
      // A deleted vault's host name no longer resolves: the client's connection fails (see keyVaultUnreachable).
      if (keyVaultUnreachable(worldOfKeyVault(name), name)) return void req.socket.destroy();
      void d(req, res, origin);
    });
  }
  for (const [name, server] of kvServers) wireKeyVault(name, server);

  identityServer.on('request', (req, res) =>
    handleIdentityRequest(req, res, { world, tokens, identityHeader, log, armOrigin }),
  );

  return {
    world,
    worlds,
    engine,
    faults,
    log,
    tokens,
    ca: pems.cert,
    endpoints: {
      arm: armOrigin,
      graph: armOrigin,
      blob: blobOrigin,
      identity: `${identityOrigin}/msi/token`,
      identityHeader,
      keyVaults: { ...keyVaultUris },
    },
    close: async () => {
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections?.();
            }),
        ),
      );
    },
  };
}
