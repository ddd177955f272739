import type { IncomingMessage, ServerResponse } from 'node:http';
import { sameId } from '../authorization/rbac';
import type { RequestLog } from '../http/requestLog';
import type { World } from '../world/types';
import type { TokenAuthority } from './tokens';

/**
 * The App Service style managed-identity endpoint (what IDENTITY_ENDPOINT / IDENTITY_HEADER point at):
 * GET /msi/token?api-version=2019-08-01&resource=<aud>&client_id=<uami client id>, header X-IDENTITY-HEADER.
 * Answers { access_token, expires_on, resource, token_type, client_id } as App Service does.
 */
export function handleIdentityRequest(
  req: IncomingMessage,
  res: ServerResponse,
  deps: { world: World; tokens: TokenAuthority; identityHeader: string; log: RequestLog; armOrigin: string },
): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const reply = (status: number, body: unknown) => {
    deps.log.record({
      surface: 'identity',
      method: req.method ?? 'GET',
      path: url.pathname,
      query: redactQuery(url),
      routeId: 'identity.token',
      status,
    });
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.method !== 'GET' || url.pathname !== '/msi/token') {
    return reply(404, { error: 'not_found', error_description: 'Use GET /msi/token.' });
  }
  if (req.headers['x-identity-header'] !== deps.identityHeader) {
    return reply(401, { error: 'unauthorized', error_description: 'X-IDENTITY-HEADER is missing or wrong.' });
  }
  const resource = url.searchParams.get('resource');
  if (!url.searchParams.get('api-version') || !resource) {
    return reply(400, { error: 'invalid_request', error_description: 'api-version and resource are required.' });
  }
  const clientId = url.searchParams.get('client_id');
  const principalId = url.searchParams.get('principal_id') ?? url.searchParams.get('object_id');
  const identity = deps.world.identities.find(
    (i) => (clientId && sameId(i.clientId, clientId)) || (principalId && sameId(i.objectId, principalId)),
  );
  if (!identity) {
    return reply(400, {
      error: 'invalid_request',
      error_description: 'Identity not found. Name a user-assigned identity by client_id.',
    });
  }
  const audience = resource.replace(/\/\.default$/, '');
  const { token, expiresOn } = deps.tokens.issue({ objectId: identity.objectId, appId: identity.clientId, audience });
  return reply(200, {
    access_token: token,
    expires_on: String(expiresOn),
    resource: audience,
    token_type: 'Bearer',
    client_id: identity.clientId,
  });
}

function redactQuery(url: URL): string {
  return url.search.slice(1);
}
