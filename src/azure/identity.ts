import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { ManagedIdentityCredential } from '@azure/identity';
import { IdentityNotApprovedError } from './errors';
import type { AzureSettings } from './settings';

export type IdentityState =
  | { state: 'unknown' }
  | { state: 'approved'; objectId: string; tenantId: string }
  | {
      state: 'not-approved';
      running: { objectId: string; tenantId: string };
      approved: { objectId: string; tenantId: string };
    }
  | { state: 'unavailable'; reason: string };

/**
 * The one credential of the bot: the configured user-assigned managed identity, nothing else (no chain that
 * could pick up a developer's login). Every new token's claims are checked against the approved identity;
 * a token for anyone else is never handed to an SDK client, so no request leaves with it.
 */
export class ApprovedCredential implements TokenCredential {
  private readonly inner: TokenCredential;
  private lastToken?: string;
  private current: IdentityState = { state: 'unknown' };

  constructor(
    private readonly settings: Pick<AzureSettings, 'managedIdentityClientId' | 'approvedIdentity'>,
    inner?: TokenCredential,
  ) {
    this.inner = inner ?? new ManagedIdentityCredential({ clientId: settings.managedIdentityClientId });
  }

  /** What /healthz reports. */
  get state(): IdentityState {
    return this.current;
  }

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    let token: AccessToken | null;
    try {
      token = await this.inner.getToken(scopes, options);
    } catch (err) {
      this.current = { state: 'unavailable', reason: (err as Error).message.split('\n')[0] };
      throw err;
    }
    if (!token) return token;
    if (token.token !== this.lastToken) {
      const claims = decodeClaims(token.token);
      const approved = this.settings.approvedIdentity;
      const running = { objectId: String(claims.oid ?? ''), tenantId: String(claims.tid ?? '') };
      if (
        running.objectId.toLowerCase() !== approved.objectId.toLowerCase() ||
        running.tenantId.toLowerCase() !== approved.tenantId.toLowerCase()
      ) {
        this.current = { state: 'not-approved', running, approved };
        this.lastToken = undefined;
        throw new IdentityNotApprovedError({ ...running, appId: claims.appid as string | undefined }, approved);
      }
      this.current = { state: 'approved', ...running };
      this.lastToken = token.token;
    }
    return token;
  }

  /** Fetches an ARM token once so start-up (and /healthz) knows whether the identity is the approved one. */
  async check(scope: string): Promise<IdentityState> {
    try {
      await this.getToken(scope);
    } catch {
      /* state records why */
    }
    return this.current;
  }
}

/** Reads a JWT's payload without verifying it: the token came straight from the identity endpoint. */
function decodeClaims(jwt: string): Record<string, unknown> {
  const payload = jwt.split('.')[1];
  if (!payload) return {};
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}
