import { randomBytes } from 'node:crypto';
import { AzureError } from '../../http/errors';
import type { Route } from '../../http/types';
import type { KeyVaultObject } from '../../world/types';
import { needs } from './access';
import { KEYS_API_VERSIONS } from './keys';
import { lifecycleRoutes, type KindBodies } from './lifecycle';
import { activeVersion, attributes, checkName, claimName, deletedConflict, objectUrl, SPECS, vaultOf } from './store';

/** Secrets add 2026-04-01 (what keyvault-secrets 4.12 sends) and the later previews. */
export const SECRETS_API_VERSIONS = [...KEYS_API_VERSIONS, '2026-04-01', '2026-05-01-preview', '2026-07-01-preview'];

const spec = SPECS.secrets;
/** Key Vault's limit on a secret value. */
const MAX_VALUE_BYTES = 25 * 1024;

/** Secret values appear only in GET and PUT answers, to a caller the data plane authorised for them. */
const properties: KindBodies['bundle'] = (kv, o) => ({
  id: objectUrl(kv, spec, o),
  ...(o.contentType !== undefined ? { contentType: o.contentType } : {}),
  attributes: attributes(o),
  ...(o.tags ? { tags: o.tags } : {}),
});
const bodies: KindBodies = { bundle: properties, item: properties };

const bad = (message: string) => new AzureError(400, 'BadParameter', message);

function parseTags(tags: unknown): Record<string, string> | undefined {
  if (tags === undefined || tags === null) return undefined;
  if (typeof tags !== 'object' || Array.isArray(tags) || Object.values(tags).some((v) => typeof v !== 'string')) {
    throw bad("Property 'tags' must map names to string values.");
  }
  if (Object.keys(tags).length > 15) throw bad('A secret can have at most 15 tags.');
  return { ...(tags as Record<string, string>) };
}

export const secretRoutes: Route[] = [
  ...lifecycleRoutes(spec, bodies, SECRETS_API_VERSIONS),
  ...['/secrets/{name}', '/secrets/{name}/{version}'].map((path): Route => ({
    id: 'keyVaultData.secrets.get',
    method: 'GET',
    path,
    apiVersions: SECRETS_API_VERSIONS,
    permission: needs('secrets', 'get'),
    handler: (req, ctx) => {
      const kv = vaultOf(ctx.world, req);
      const o = activeVersion(kv, spec, req.params.name, req.params.version);
      return { status: 200, body: { value: o.value, ...bodies.bundle(kv, o) } };
    },
  })),
  {
    // PUT /secrets/{name}: a new version. A soft-deleted name cannot be reused until recovered or purged.
    id: 'keyVaultData.secrets.set',
    method: 'PUT',
    path: '/secrets/{name}',
    apiVersions: SECRETS_API_VERSIONS,
    permission: needs('secrets', 'set'),
    handler: (req, ctx) => {
      const kv = vaultOf(ctx.world, req);
      const name = req.params.name;
      checkName(name);
      const b = req.body;
      if (typeof b?.value !== 'string') throw bad("Property 'value' is required.");
      if (Buffer.byteLength(b.value, 'utf8') > MAX_VALUE_BYTES)
        throw bad('Secret value is too large: the limit is 25 KB.');
      if (b.contentType !== undefined && b.contentType !== null && typeof b.contentType !== 'string')
        throw bad("Property 'contentType' must be a string.");
      const tags = parseTags(b.tags);
      const existing = kv.secrets.filter((o) => o.name.toLowerCase() === name.toLowerCase() && o.state !== 'purged');
      if (existing.some((o) => o.state !== 'active')) throw deletedConflict(spec, name);
      if (existing.length === 0) claimName(kv, spec, name, () => deletedConflict(spec, name));
      const secret: KeyVaultObject = {
        name: existing[0]?.name ?? name,
        version: randomBytes(16).toString('hex'),
        state: 'active',
        value: b.value,
        ...(typeof b.contentType === 'string' ? { contentType: b.contentType } : {}),
        ...(tags ? { tags } : {}),
        created: ctx.engine.nowIso(),
      };
      kv.secrets.push(secret);
      return { status: 200, body: { value: secret.value, ...bodies.bundle(kv, secret) } };
    },
  },
];
