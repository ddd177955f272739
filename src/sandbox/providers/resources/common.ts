import { createHash } from 'node:crypto';
import { isAllowed, sameId } from '../../authorization/rbac';
import { absoluteUrl } from '../../http/arm';
import { AzureError, resourceGroupNotFound } from '../../http/errors';
import type { Caller, Permission, ProviderContext, SandboxRequest } from '../../http/types';
import type { ResourceGroup } from '../../world/types';

/** ARM answers 404 SubscriptionNotFound for a subscription it does not know (after RBAC). */
export function requireSubscription(req: SandboxRequest, ctx: ProviderContext): void {
  const sub = req.params.subscriptionId;
  if (sub !== undefined && !sameId(sub, ctx.world.subscriptionId)) {
    throw new AzureError(404, 'SubscriptionNotFound', `The subscription '${sub}' could not be found.`);
  }
}

/** The resource group named in the path, or ARM's 404 ResourceGroupNotFound. Checks the subscription too. */
export function requireResourceGroup(
  req: SandboxRequest,
  ctx: ProviderContext,
  name = req.params.resourceGroupName,
): ResourceGroup {
  requireSubscription(req, ctx);
  const rg = ctx.world.resourceGroups.find((r) => sameId(r.name, name));
  if (!rg) throw resourceGroupNotFound(name);
  return rg;
}

/** ARM's 403 for a missing role, worded as the dispatcher words it. */
export function authorizationFailed(caller: Caller, action: string, scope: string): AzureError {
  return new AzureError(
    403,
    'AuthorizationFailed',
    `The client '${caller.appId}' with object id '${caller.objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
  );
}

/**
 * Checks a permission on a resource the request links to (a subnet a NIC joins, the key vault a disk's keys live in).
 * ARM answers 403 LinkedAuthorizationFailed when the caller may write the resource but not act on the linked one.
 */
export function requireLinkedAccess(
  ctx: ProviderContext,
  caller: Caller | undefined,
  own: Permission,
  linked: Permission,
): void {
  if (!caller || isAllowed(ctx.world, caller.objectId, linked)) return;
  throw new AzureError(
    403,
    'LinkedAuthorizationFailed',
    `The client '${caller.appId}' with object id '${caller.objectId}' has permission to perform action '${own.action}' on scope '${own.scope}'; however, it does not have permission to perform action(s) '${linked.action}' on the linked scope(s) '${linked.scope}' (respectively) or the linked scope(s) are invalid.`,
  );
}

/** Checks a permission the way the dispatcher does, for work ARM does on the caller's behalf (deployments). */
export function requireAccess(ctx: ProviderContext, caller: Caller | undefined, permission: Permission): void {
  if (caller && !isAllowed(ctx.world, caller.objectId, permission))
    throw authorizationFailed(caller, permission.action, permission.scope);
}

/** A GUID derived from a seed, so ids that Azure generates once (vmId, resourceGuid) stay stable across reads. */
export function stableGuid(seed: string): string {
  const h = createHash('sha1').update(seed.toLowerCase()).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A weak ETag in ARM's W/"guid" form. */
export const weakEtag = (seed: string): string => `W/"${stableGuid(`etag:${seed}`)}"`;

/** The parts of an ARM resource id: /subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{type}/{name}[/{type}/{name}...]. */
export interface ParsedId {
  subscriptionId: string;
  resourceGroup: string;
  /** e.g. Microsoft.Network/virtualNetworks/subnets */
  type: string;
  /** Names from the outermost resource inward, e.g. ['vnet-app', 'snet-app']. */
  names: string[];
}

export function parseResourceId(id: string | undefined): ParsedId | undefined {
  if (!id) return undefined;
  const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/(.+)$/i.exec(id.trim());
  if (!m) return undefined;
  const rest = m[4].split('/').filter(Boolean);
  if (rest.length < 2 || rest.length % 2 !== 0) return undefined;
  const types = rest.filter((_, i) => i % 2 === 0);
  const names = rest.filter((_, i) => i % 2 === 1);
  return { subscriptionId: m[1], resourceGroup: m[2], type: `${m[3]}/${types.join('/')}`, names };
}

/** Headers of a long-running PUT/PATCH/DELETE: absolute Azure-AsyncOperation (and Location) URLs and Retry-After. */
export function lroHeaders(
  req: SandboxRequest,
  ctx: ProviderContext,
  paths: { asyncOperation: string; location?: string },
): Record<string, string> {
  const headers: Record<string, string> = {
    'Azure-AsyncOperation': absoluteUrl(req, paths.asyncOperation),
    'Retry-After': String(ctx.timing.retryAfterSeconds),
  };
  if (paths.location) headers.Location = absoluteUrl(req, paths.location, { monitor: 'true' });
  return headers;
}

/** Whether a list item may be shown: ARM filters generic lists down to what the caller may read. */
export const canRead = (ctx: ProviderContext, caller: Caller | undefined, type: string, id: string): boolean =>
  !caller || isAllowed(ctx.world, caller.objectId, { action: `${type}/read`, scope: id });
