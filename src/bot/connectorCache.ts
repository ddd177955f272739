import type { TeamsAdapter } from '@microsoft/teams-ai';

/**
 * Turn cost (issue 17, bench/profile.md): botbuilder's CloudAdapter builds a new Bot Connector client and a new user
 * token client for every turn and every proactive send, and each construction builds an HTTP pipeline (policies, proxy
 * settings read from the environment). The clients hold no per-turn state (the credentials cache their own tokens), and
 * botbuilder's older BotFrameworkAdapter kept one per service URL; this keeps one per (bot app id, service URL,
 * audience), and one user token client per bot app id. Bounded: a bot talks to a handful of service URLs.
 */

interface Claim {
  type: string;
  value: string;
}
interface ClaimsLike {
  claims?: Claim[];
}
interface Factory {
  create(serviceUrl: string, audience?: string): Promise<unknown>;
}
interface AuthLike {
  authenticateRequest(
    activity: unknown,
    authHeader: string,
  ): Promise<{ claimsIdentity?: ClaimsLike; connectorFactory?: Factory }>;
  createConnectorFactory(claims: ClaimsLike): Factory;
  createUserTokenClient(claims: ClaimsLike): Promise<unknown>;
}

const MAX_ENTRIES = 64;

/** The bot's app id in the claims (`appid` v1, `azp` v2 tokens); '' when anonymous. */
const appIdOf = (claims?: ClaimsLike): string =>
  claims?.claims?.find((c) => c.type === 'appid' || c.type === 'azp')?.value ?? '';

function remember<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let hit = cache.get(key);
  if (!hit) {
    if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
    hit = make();
    // A failed construction is not kept: the next turn tries again.
    hit.catch(() => cache.delete(key));
    cache.set(key, hit);
  }
  return hit;
}

/** Makes the adapter reuse its Bot Connector and user token clients across turns. Returns the adapter. */
export function reuseConnectorClients(adapter: TeamsAdapter): TeamsAdapter {
  const auth = (adapter as unknown as { botFrameworkAuthentication?: AuthLike }).botFrameworkAuthentication;
  if (!auth) return adapter;
  const connectors = new Map<string, Promise<unknown>>();
  const tokenClients = new Map<string, Promise<unknown>>();
  const caching = (factory: Factory, claims?: ClaimsLike): Factory => ({
    create: (serviceUrl, audience) =>
      remember(connectors, `${appIdOf(claims)}|${serviceUrl}|${audience ?? ''}`, () =>
        factory.create(serviceUrl, audience),
      ),
  });
  const authenticate = auth.authenticateRequest.bind(auth);
  const createFactory = auth.createConnectorFactory.bind(auth);
  const createTokenClient = auth.createUserTokenClient.bind(auth);
  auth.authenticateRequest = async (activity, header) => {
    const result = await authenticate(activity, header);
    if (result.connectorFactory) result.connectorFactory = caching(result.connectorFactory, result.claimsIdentity);
    return result;
  };
  auth.createConnectorFactory = (claims) => caching(createFactory(claims), claims);
  auth.createUserTokenClient = (claims) => remember(tokenClients, appIdOf(claims), () => createTokenClient(claims));
  return adapter;
}
