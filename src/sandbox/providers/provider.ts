import type { AzureError } from '../http/errors';
import type { Caller, Permission, ProviderContext, Route, SandboxRequest } from '../http/types';

/**
 * A resource provider module of the sandbox: the routes it serves on each surface. Providers map routes to
 * operations on the world and decide consequences; cross-cutting concerns (tokens, RBAC, faults, log, error
 * bodies) are the dispatcher's.
 */
export interface Provider {
  name: string;
  /** Routes on the ARM listener (management.azure.com). */
  arm?: Route[];
  /** Routes on the Microsoft Graph surface (served by the ARM listener under /v1.0). */
  graph?: Route[];
  /** Routes on every key vault's data-plane listener (req.keyVaultName tells which vault). */
  keyVault?: Route[];
  /** Routes on the blob listener (path-style: /{account}/{container}/{blob}). */
  blob?: Route[];
  /** Routes under /_sandbox on the ARM listener: no token needed (loopback only). */
  admin?: Route[];
  /** Key vault data-plane authorisation (access policies or RBAC), supplied by the key vault data provider. */
  authorizeKeyVault?: (
    req: SandboxRequest,
    caller: Caller,
    permission: Permission,
    ctx: ProviderContext,
  ) => AzureError | undefined;
  /** Blob data-plane authorisation, supplied by the storage provider. */
  authorizeBlob?: (
    req: SandboxRequest,
    caller: Caller,
    permission: Permission,
    ctx: ProviderContext,
  ) => AzureError | undefined;
}
