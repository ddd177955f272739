import { createHash, createPublicKey, timingSafeEqual, verify, type JsonWebKey, type KeyObject } from 'node:crypto';

/**
 * Whether the token in the webhook URL is the configured one. Both are hashed first, so the comparison is constant
 * time on equal-length digests whatever the lengths given; an empty or missing token never matches.
 */
export function tokenMatches(given: unknown, expected: string | undefined): boolean {
  if (!expected || typeof given !== 'string' || given === '') return false;
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** Azure Monitor action groups' first-party app (the caller of a secure webhook). */
export const ACTION_GROUPS_APP_ID = '461e8683-5575-4561-ac7f-899cc907d62a';
/** The app role the action group's service principal is assigned on our app registration. */
export const SECURE_WEBHOOK_ROLE = 'ActionGroupsSecureWebhook';

export interface EntraWebhookOptions {
  tenantId: string;
  /** Our app registration's Application ID URI or client id: the token's audience. */
  audience: string;
  /** Signing keys (JWKS) of the tenant; defaults to Microsoft Entra's endpoint. Tests serve their own. */
  jwksUri?: string;
  now?: () => number;
}

type Jwk = JsonWebKey & { kid?: string };
const CLOCK_SKEW_S = 300;
const KEYS_TTL_MS = 24 * 3_600_000;

/**
 * An action group's secure webhook: a Microsoft Entra access token (RS256) issued to Azure Monitor for our app.
 * Checked: signature against the tenant's published keys, issuer (v1 or v2 endpoint of the tenant), audience,
 * lifetime, the caller being the action groups app, and the ActionGroupsSecureWebhook role.
 */
export class EntraWebhookVerifier {
  private keys?: { at: number; byKid: Map<string, KeyObject> };
  private lastFetch = 0;

  constructor(private readonly options: EntraWebhookOptions) {}

  async verify(authorization: string | undefined): Promise<boolean> {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    const parts = token?.split('.');
    if (!token || parts?.length !== 3) return false;
    try {
      const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as { alg?: string; kid?: string };
      const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
      if (header.alg !== 'RS256' || !header.kid) return false;
      const key = await this.key(header.kid);
      if (!key) return false;
      const signed = verify(
        'RSA-SHA256',
        Buffer.from(`${parts[0]}.${parts[1]}`),
        key,
        Buffer.from(parts[2], 'base64url'),
      );
      return signed && this.claimsOk(claims);
    } catch {
      return false;
    }
  }

  private claimsOk(c: Record<string, unknown>): boolean {
    const { tenantId, audience } = this.options;
    const now = Math.floor((this.options.now ?? Date.now)() / 1000);
    const issuers = [`https://sts.windows.net/${tenantId}/`, `https://login.microsoftonline.com/${tenantId}/v2.0`];
    const aud = Array.isArray(c.aud) ? c.aud : [c.aud];
    const roles = Array.isArray(c.roles) ? c.roles : [];
    return (
      issuers.includes(String(c.iss)) &&
      aud.includes(audience) &&
      typeof c.exp === 'number' &&
      c.exp + CLOCK_SKEW_S > now &&
      (typeof c.nbf !== 'number' || c.nbf - CLOCK_SKEW_S <= now) &&
      (c.appid === ACTION_GROUPS_APP_ID || c.azp === ACTION_GROUPS_APP_ID) &&
      roles.includes(SECURE_WEBHOOK_ROLE)
    );
  }

  /** The signing key by id, from the tenant's JWKS (cached for a day; re-read once for an unknown kid). */
  private async key(kid: string): Promise<KeyObject | undefined> {
    const fresh = this.keys && Date.now() - this.keys.at < KEYS_TTL_MS;
    // An unknown kid re-reads the keys (they rotate), at most once a minute whatever callers send.
    if (!fresh || (!this.keys!.byKid.has(kid) && Date.now() - this.lastFetch > 60_000)) await this.loadKeys();
    return this.keys?.byKid.get(kid);
  }

  private async loadKeys(): Promise<void> {
    this.lastFetch = Date.now();
    const uri =
      this.options.jwksUri ?? `https://login.microsoftonline.com/${this.options.tenantId}/discovery/v2.0/keys`;
    const res = await fetch(uri, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`JWKS ${res.status}`);
    const body = (await res.json()) as { keys?: Jwk[] };
    const byKid = new Map<string, KeyObject>();
    for (const jwk of body.keys ?? []) {
      if (jwk.kid && jwk.kty === 'RSA') byKid.set(jwk.kid, createPublicKey({ key: jwk, format: 'jwk' }));
    }
    this.keys = { at: Date.now(), byKid };
  }
}
