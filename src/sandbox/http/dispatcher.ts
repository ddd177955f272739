import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AzureError } from './errors';
import type { Faults } from './faults';
import type { RequestLog } from './requestLog';
import type { Router } from './router';
import type { Caller, Permission, ProviderContext, SandboxRequest, SandboxResponse, Surface } from './types';

const MAX_BODY = 4 * 1024 * 1024;

/** How a surface authenticates: a caller, or the response to send instead (401). */
export type Authenticate = (req: SandboxRequest) => Caller | SandboxResponse;
/** How a surface authorises: undefined when allowed, else the error to send (403). */
export type Authorize = (req: SandboxRequest, caller: Caller, permission: Permission) => AzureError | undefined;

export interface DispatcherOptions {
  surface: Surface;
  router: Router;
  faults: Faults;
  log: RequestLog;
  context: ProviderContext;
  authenticate?: Authenticate;
  authorize?: Authorize;
  /** For key vault listeners: the vault this origin serves. */
  keyVaultName?: string;
  /** The world a request addresses (the subscription in its path, issue 17); the context's own world otherwise. */
  worldFor?: (req: SandboxRequest) => ProviderContext['world'];
}

/**
 * The one place every request passes through: body parsing, settling the clock, routing, fault injection,
 * api-version check, authentication, authorisation, Azure error bodies, common headers and the request log.
 */
export function createDispatcher(opts: DispatcherOptions) {
  const remaining = remainingRequests();
  return async (req: IncomingMessage, res: ServerResponse, origin: string): Promise<void> => {
    // Concatenate rather than resolve: '{scope}' paths arrive as '//subscriptions/...', which URL resolution would
    // read as a host. ARM accepts the doubled slash.
    const url = new URL(`${origin}${req.url ?? '/'}`);
    const method = (req.method ?? 'GET').toUpperCase();
    let routeId: string | undefined;
    let caller: Caller | undefined;
    let fault: string | undefined;
    let response: SandboxResponse;
    try {
      const rawBody = await readBody(req);
      opts.context.engine.settle();
      const { match, pathKnown } = opts.router.match(method, url.pathname);
      routeId = match?.route.id;
      const faults = opts.faults.take({ routeId, method, surface: opts.surface });
      for (const f of faults) {
        if (f.kind === 'latency') await sleep(f.latencyMs ?? 1000);
      }
      const hard = faults.find((f) => f.kind !== 'latency');
      if (hard?.kind === 'drop') {
        fault = 'drop';
        opts.log.record({
          surface: opts.surface,
          method,
          path: url.pathname,
          query: url.search.slice(1),
          routeId,
          status: 0,
          fault,
        });
        req.socket.destroy();
        return;
      }
      if (hard?.kind === 'throttle') {
        fault = 'throttle';
        const retry = String(hard.retryAfterSeconds ?? 1);
        response = new AzureError(429, 'TooManyRequests', 'The request is being throttled.', {
          headers: { 'Retry-After': retry, 'x-ms-ratelimit-remaining-subscription-reads': '0' },
        }).toResponse();
      } else if (hard?.kind === 'error') {
        fault = 'error';
        const status = hard.status ?? 500;
        response = new AzureError(
          status,
          status === 503 ? 'ServiceUnavailable' : 'InternalServerError',
          'The server encountered an internal error. Please retry the request.',
        ).toResponse();
      } else {
        const sreq: SandboxRequest = {
          surface: opts.surface,
          method,
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: parseJson(rawBody),
          rawBody,
          params: match?.params ?? {},
          origin,
          keyVaultName: opts.keyVaultName,
        };
        // Authentication comes first, as in Azure: an anonymous caller learns nothing about routes.
        const who = opts.authenticate?.(sreq);
        if (who && 'status' in who) {
          response = who;
        } else {
          if (who) {
            sreq.caller = who;
            caller = who;
          }
          if (!match) {
            response = pathKnown
              ? new AzureError(
                  405,
                  'MethodNotAllowed',
                  `The requested resource does not support http method '${method}'.`,
                ).toResponse()
              : new AzureError(
                  404,
                  'NoRouteFound',
                  `The sandbox has no route for ${method} ${url.pathname}.`,
                ).toResponse();
          } else {
            const world = opts.worldFor?.(sreq);
            response = await serve(
              sreq,
              match.route,
              world && world !== opts.context.world ? { ...opts, context: { ...opts.context, world } } : opts,
            );
          }
        }
      }
    } catch (err) {
      response =
        err instanceof AzureError
          ? err.toResponse()
          : new AzureError(500, 'InternalServerError', `Sandbox error: ${(err as Error).message}`).toResponse();
    }
    opts.log.record({
      surface: opts.surface,
      method,
      path: url.pathname,
      query: url.search.slice(1),
      routeId,
      status: response.status,
      principalId: caller?.objectId,
      fault,
      clientRequestId: headerValue(req.headers['x-ms-client-request-id']),
    });
    if (opts.surface === 'arm' && !response.headers?.['x-ms-ratelimit-remaining-subscription-reads'])
      response = { ...response, headers: { ...(response.headers ?? {}), ...remaining(method) } };
    send(res, response, req.headers);
  };
}

async function serve(
  req: SandboxRequest,
  route: NonNullable<ReturnType<Router['match']>['match']>['route'],
  opts: DispatcherOptions,
): Promise<SandboxResponse> {
  if (route.apiVersions && route.apiVersions.length > 0) {
    const v = req.query.get('api-version');
    if (!v) {
      return new AzureError(
        400,
        'MissingApiVersionParameter',
        'The api-version query parameter (?api-version=) is required for all requests.',
      ).toResponse();
    }
    if (!route.apiVersions.includes(v)) {
      return new AzureError(
        400,
        'InvalidApiVersionParameter',
        `The api-version '${v}' is invalid. The supported versions are '${route.apiVersions.join(',')}'.`,
      ).toResponse();
    }
  }
  if (req.caller) {
    const permission = route.permission?.(req, opts.context);
    if (permission && opts.authorize) {
      const denied = opts.authorize(req, req.caller, permission);
      if (denied) return denied.toResponse();
    }
  }
  return route.handler(req, opts.context);
}

function send(res: ServerResponse, response: SandboxResponse, reqHeaders: IncomingMessage['headers']): void {
  const headers: Record<string, string> = {
    'x-ms-request-id': randomUUID(),
    'x-ms-correlation-request-id': String(reqHeaders['x-ms-client-request-id'] ?? randomUUID()),
    ...(response.headers ?? {}),
  };
  let payload: Buffer | undefined;
  if (Buffer.isBuffer(response.body)) {
    payload = response.body;
  } else if (typeof response.body === 'string') {
    payload = Buffer.from(response.body, 'utf8');
    headers['content-type'] ??= 'text/plain; charset=utf-8';
  } else if (response.body !== undefined) {
    payload = Buffer.from(JSON.stringify(response.body), 'utf8');
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  headers['content-length'] = String(payload?.length ?? 0);
  res.writeHead(response.status, headers);
  res.end(payload);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new AzureError(413, 'RequestEntityTooLarge', 'The request body is too large.'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(raw: Buffer): any {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const headerValue = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/**
 * ARM's remaining-requests headers on every ARM answer: `x-ms-ratelimit-remaining-subscription-reads` for reads,
 * `-writes` for writes, counting down from the documented 12,000 reads / 1,200 writes per hour per subscription
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling#remaining-requests).
 * Azure now uses a token bucket per region; the sandbox keeps the simpler hourly count, which is enough for clients
 * that only read the header.
 */
function remainingRequests() {
  const HOUR = 3_600_000;
  let windowStart = Date.now();
  let reads = 0;
  let writes = 0;
  return (method: string): Record<string, string> => {
    if (Date.now() - windowStart >= HOUR) {
      windowStart = Date.now();
      reads = writes = 0;
    }
    if (method === 'GET' || method === 'HEAD') {
      reads++;
      return { 'x-ms-ratelimit-remaining-subscription-reads': String(Math.max(0, 12_000 - reads)) };
    }
    writes++;
    return { 'x-ms-ratelimit-remaining-subscription-writes': String(Math.max(0, 1_200 - writes)) };
  };
}
