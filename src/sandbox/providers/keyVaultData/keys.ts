import { createHash } from 'node:crypto';
import type { Route } from '../../http/types';
import { needs } from './access';
import { lifecycleRoutes, type KindBodies } from './lifecycle';
import { activeVersion, attributes, objectUrl, SPECS, vaultOf } from './store';

/** Data-plane versions for keys: 7.0 to 7.6 with their previews, then date versions; keyvault-keys 4.10 sends 2025-07-01. */
export const KEYS_API_VERSIONS = [
  '7.0',
  '7.1-preview',
  '7.1',
  '7.2-preview',
  '7.2',
  '7.3-preview',
  '7.3',
  '7.4-preview.1',
  '7.4',
  '7.5-preview.1',
  '7.5',
  '7.6-preview.1',
  '7.6-preview.2',
  '7.6',
  '2025-06-01-preview',
  '2025-07-01',
  '2026-01-01-preview',
  '2026-03-01-preview',
];

const spec = SPECS.keys;
const KEY_OPS = ['encrypt', 'decrypt', 'sign', 'verify', 'wrapKey', 'unwrapKey'];

/**
 * A 2048-bit RSA modulus derived from the stored material, so the public key is stable across reads and restores.
 * Only the public half (n, e) ever leaves the sandbox, as with a real software-protected key.
 */
function modulus(material: string): Buffer {
  const blocks = [0, 1, 2, 3].map((i) => createHash('sha512').update(`sandbox-rsa-n:${i}:${material}`).digest());
  const n = Buffer.concat(blocks);
  n[0] |= 0x80;
  n[n.length - 1] |= 0x01;
  return n;
}

const bodies: KindBodies = {
  bundle: (kv, o) => ({
    key: {
      kid: objectUrl(kv, spec, o),
      kty: 'RSA',
      key_ops: KEY_OPS,
      n: modulus(o.value).toString('base64url'),
      e: 'AQAB',
    },
    attributes: attributes(o),
    ...(o.tags ? { tags: o.tags } : {}),
  }),
  item: (kv, o) => ({ kid: objectUrl(kv, spec, o), attributes: attributes(o), ...(o.tags ? { tags: o.tags } : {}) }),
};

/** GET /keys/{name}[/{version}] (after /keys/{name}/versions, which the shared routes register first). */
export const keyRoutes: Route[] = [
  ...lifecycleRoutes(spec, bodies, KEYS_API_VERSIONS),
  ...['/keys/{name}', '/keys/{name}/{version}'].map((path): Route => ({
    id: 'keyVaultData.keys.get',
    method: 'GET',
    path,
    apiVersions: KEYS_API_VERSIONS,
    permission: needs('keys', 'get'),
    handler: (req, ctx) => {
      const kv = vaultOf(ctx.world, req);
      return { status: 200, body: bodies.bundle(kv, activeVersion(kv, spec, req.params.name, req.params.version)) };
    },
  })),
];
