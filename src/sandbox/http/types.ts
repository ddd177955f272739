import type { IncomingHttpHeaders } from 'node:http';
import type { World } from '../world/types';
import type { Engine } from '../engine';
import type { Faults } from './faults';
import type { RequestLog } from './requestLog';

/** Which of the sandbox's listeners received a request. */
export type Surface = 'arm' | 'keyvault' | 'blob' | 'identity' | 'admin';

/** The caller, from a verified sandbox token. */
export interface Caller {
  objectId: string;
  tenantId: string;
  appId: string;
  audience: string;
}

export interface SandboxRequest {
  surface: Surface;
  method: string;
  /** Decoded path, as received (original casing). */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or undefined when empty or not JSON. */
  body: any;
  rawBody: Buffer;
  /** Path parameters from the route template, decoded. */
  params: Record<string, string>;
  caller?: Caller;
  /** The origin that received the request, e.g. https://127.0.0.1:8443 — used for absolute Location / nextLink URLs. */
  origin: string;
  /** For the key vault surface: the vault this origin serves. */
  keyVaultName?: string;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  /** JSON-serialised unless a Buffer or string. */
  body?: unknown;
}

/** What a route needs from Azure RBAC (control plane) or the data plane. */
export interface Permission {
  action: string;
  scope: string;
  /** True for data actions (Microsoft.KeyVault/vaults/keys/read ...). */
  data?: boolean;
}

export interface Route {
  /** Stable id used by the request log and fault injection, e.g. 'backupJobs.list'. */
  id: string;
  method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH' | 'HEAD';
  /** Template: literal segments matched case-insensitively, {name} captures one segment. */
  path: string;
  /** Accepted api-version values. Empty/undefined = the route takes no api-version. */
  apiVersions?: readonly string[];
  /** The RBAC action needed; undefined = any authenticated caller. */
  permission?: (req: SandboxRequest, ctx: ProviderContext) => Permission | undefined;
  handler: (req: SandboxRequest, ctx: ProviderContext) => SandboxResponse | Promise<SandboxResponse>;
}

export interface SandboxTiming {
  /** How long an LRO (enable protection, restore trigger, deployments, VM create) stays InProgress. */
  lroMs: number;
  /** How long a backup or restore job runs before it completes or fails. */
  jobMs: number;
  /** Value of Retry-After on 202 responses and polls (seconds). Azure Backup sends 60; tests use 0. */
  retryAfterSeconds: number;
}

/** Everything a provider module may use. */
export interface ProviderContext {
  /** The world of the subscription the request names (its path, scope or key vault / account); the primary otherwise. */
  world: World;
  /**
   * Every subscription's world, the primary first (issue 17): routes that span subscriptions (GET /subscriptions,
   * Resource Graph) read them all. Absent in contexts built by hand: then `world` alone.
   */
  worlds?: World[];
  engine: Engine;
  timing: SandboxTiming;
  /** Origins of the listeners, for building absolute URLs. */
  urls: { arm: string; blob: string; identity: string };
  /** Look up a key vault's data-plane origin by name. */
  keyVaultUri(name: string): string | undefined;
  /**
   * Gives a vault that a template creates its own data-plane origin (one of the listeners the sandbox keeps spare);
   * throws when none is left. Absent where no listener can be opened.
   */
  openKeyVault?(name: string): string;
  faults: Faults;
  log: RequestLog;
}
