import { createSign, createVerify, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import type { Caller } from '../http/types';

/**
 * Issues and verifies the sandbox's access tokens: RS256 JWTs shaped like Entra ID's
 * (oid, tid, appid, aud, iss, iat, nbf, exp). Keys are generated at start and never leave the process.
 */
export class TokenAuthority {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  readonly keyId = randomUUID();

  constructor(readonly tenantId: string) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
  }

  issue(claims: { objectId: string; appId: string; audience: string }, lifetimeSeconds = 3600): TokenResult {
    const now = Math.floor(Date.now() / 1000);
    const payload = {
      aud: claims.audience,
      iss: `https://sts.windows.net/${this.tenantId}/`,
      iat: now,
      nbf: now,
      exp: now + lifetimeSeconds,
      oid: claims.objectId,
      sub: claims.objectId,
      tid: this.tenantId,
      appid: claims.appId,
      idtyp: 'app',
      ver: '1.0',
    };
    const header = { typ: 'JWT', alg: 'RS256', kid: this.keyId };
    const unsigned = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    const signature = createSign('RSA-SHA256').update(unsigned).sign(this.privateKey);
    return { token: `${unsigned}.${b64url(signature)}`, expiresOn: payload.exp };
  }

  /** The caller, or undefined when the token is malformed, forged or expired. */
  verify(token: string): Caller | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    try {
      const ok = createVerify('RSA-SHA256')
        .update(`${parts[0]}.${parts[1]}`)
        .verify(this.publicKey, Buffer.from(parts[2], 'base64url'));
      if (!ok) return undefined;
      const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
      if (typeof payload.exp !== 'number' || payload.exp * 1000 < Date.now()) return undefined;
      return { objectId: payload.oid, tenantId: payload.tid, appId: payload.appid, audience: payload.aud };
    } catch {
      return undefined;
    }
  }
}

export interface TokenResult {
  token: string;
  /** Seconds since epoch. */
  expiresOn: number;
}

function b64url(input: string | Buffer): string {
  return Buffer.from(input).toString('base64url');
}
