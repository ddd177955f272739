import { absoluteUrl, operationStatusBody } from '../../http/arm';
import { AzureError } from '../../http/errors';
import type { Route, SandboxRequest, SandboxResponse, ProviderContext } from '../../http/types';
import { COMPUTE_API_VERSIONS, DISK_API_VERSIONS } from '../resources/apiVersions';

/**
 * Compute's operation URLs. Without `monitor=true` they are the Azure-AsyncOperation status; with it they are the
 * Location: 202 while running, then the final resource (200) or nothing (204), as the SDK's final GET expects.
 * No permission: ARM lets the caller who started an operation follow it.
 */
function operation(req: SandboxRequest, ctx: ProviderContext): SandboxResponse {
  const op = ctx.engine.getOperation(req.params.operationId);
  if (!op) throw new AzureError(404, 'NotFound', `The operation '${req.params.operationId}' was not found.`);
  const retry = { 'Retry-After': String(ctx.timing.retryAfterSeconds) };
  if (req.query.get('monitor') === 'true') {
    if (op.status === 'InProgress')
      return { status: 202, headers: { ...retry, Location: absoluteUrl(req, req.path, { monitor: 'true' }) } };
    return op.result !== undefined ? { status: 200, body: op.result } : { status: 204 };
  }
  return { status: 200, headers: op.status === 'InProgress' ? retry : undefined, body: operationStatusBody(op) };
}

export const operationRoutes: Route[] = [
  {
    id: 'compute.operations.get',
    method: 'GET',
    path: '/subscriptions/{subscriptionId}/providers/Microsoft.Compute/locations/{location}/operations/{operationId}',
    apiVersions: COMPUTE_API_VERSIONS,
    handler: operation,
  },
  {
    id: 'disks.operations.get',
    method: 'GET',
    path: '/subscriptions/{subscriptionId}/providers/Microsoft.Compute/locations/{location}/DiskOperations/{operationId}',
    apiVersions: DISK_API_VERSIONS,
    handler: operation,
  },
];
