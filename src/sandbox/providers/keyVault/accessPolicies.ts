import { sameId } from '../../authorization/rbac';
import { resourceId } from '../../http/arm';
import { badRequest } from '../../http/errors';
import type { Route } from '../../http/types';
import type { AccessPolicy, KeyVault } from '../../world/types';
import { findVault, KEY_VAULT_API_VERSIONS, VAULT_TYPE, vaultId } from './vaults';

type Category = 'keys' | 'secrets' | 'certificates';
const CATEGORIES: Category[] = ['keys', 'secrets', 'certificates'];

/** Permission names Key Vault accepts per category (compared case-insensitively; the portal sends 'Get', the CLI 'get'). */
const KNOWN: Record<Category, string[]> = {
  keys: [
    'all',
    'encrypt',
    'decrypt',
    'wrapkey',
    'unwrapkey',
    'sign',
    'verify',
    'get',
    'list',
    'create',
    'update',
    'import',
    'delete',
    'backup',
    'restore',
    'recover',
    'purge',
    'release',
    'rotate',
    'getrotationpolicy',
    'setrotationpolicy',
  ],
  secrets: ['all', 'get', 'list', 'set', 'delete', 'backup', 'restore', 'recover', 'purge'],
  certificates: [
    'all',
    'get',
    'list',
    'delete',
    'create',
    'import',
    'update',
    'managecontacts',
    'getissuers',
    'listissuers',
    'setissuers',
    'deleteissuers',
    'manageissuers',
    'recover',
    'purge',
    'backup',
    'restore',
  ],
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Validates the body's entries the way ARM does before touching the vault. */
export function parseEntries(body: any): AccessPolicy[] {
  const list = body?.properties?.accessPolicies;
  if (!Array.isArray(list) || list.length === 0) {
    throw badRequest('BadRequest', "The request must contain 'properties.accessPolicies' with at least one entry.");
  }
  return list.map((e: any, i: number): AccessPolicy => {
    const at = `accessPolicies[${i}]`;
    if (typeof e?.tenantId !== 'string' || !GUID.test(e.tenantId))
      throw badRequest('BadRequest', `Invalid value found at ${at}.tenantId.`);
    if (typeof e.objectId !== 'string' || e.objectId.trim() === '')
      throw badRequest('BadRequest', `Invalid value found at ${at}.objectId.`);
    if (
      e.applicationId !== undefined &&
      e.applicationId !== null &&
      (typeof e.applicationId !== 'string' || !GUID.test(e.applicationId))
    ) {
      throw badRequest('BadRequest', `Invalid value found at ${at}.applicationId.`);
    }
    if (!e.permissions || typeof e.permissions !== 'object')
      throw badRequest('BadRequest', `Invalid value found at ${at}.permissions.`);
    const permissions: AccessPolicy['permissions'] = {};
    for (const c of CATEGORIES) {
      const values = e.permissions[c];
      if (values === undefined || values === null) continue;
      if (!Array.isArray(values)) throw badRequest('BadRequest', `Invalid value found at ${at}.permissions.${c}.`);
      values.forEach((v: unknown, j: number) => {
        if (typeof v !== 'string' || !KNOWN[c].includes(v.toLowerCase())) {
          throw badRequest('BadRequest', `Invalid value found at ${at}.permissions.${c}[${j}]: '${String(v)}'.`);
        }
      });
      permissions[c] = [...values];
    }
    return {
      tenantId: e.tenantId,
      objectId: e.objectId,
      ...(e.applicationId ? { applicationId: e.applicationId } : {}),
      permissions,
    };
  });
}

const sameEntry = (a: AccessPolicy, b: AccessPolicy) =>
  sameId(a.tenantId, b.tenantId) &&
  sameId(a.objectId, b.objectId) &&
  (a.applicationId ?? '').toLowerCase() === (b.applicationId ?? '').toLowerCase();

const union = (existing: string[] = [], added: string[] = []) => [
  ...existing,
  ...added.filter((p, i) => !existing.some((e) => sameId(e, p)) && added.findIndex((q) => sameId(q, p)) === i),
];

/**
 * add: merges permissions into the entry for the same identity (idempotent) or appends one; replace: the identity's
 * permissions become exactly the given ones; remove: takes the listed permissions away and drops an emptied entry.
 */
export function applyAccessPolicyUpdate(kv: KeyVault, kind: string, entries: AccessPolicy[]): void {
  for (const entry of entries) {
    const index = kv.accessPolicies.findIndex((p) => sameEntry(p, entry));
    const current = index >= 0 ? kv.accessPolicies[index] : undefined;
    if (kind === 'add') {
      if (!current) kv.accessPolicies.push(structuredClone(entry));
      else
        for (const c of CATEGORIES)
          if (entry.permissions[c]) current.permissions[c] = union(current.permissions[c], entry.permissions[c]);
    } else if (kind === 'replace') {
      if (current) current.permissions = structuredClone(entry.permissions);
      else kv.accessPolicies.push(structuredClone(entry));
    } else if (current) {
      for (const c of CATEGORIES) {
        const removed = entry.permissions[c] ?? [];
        if (current.permissions[c])
          current.permissions[c] = current.permissions[c]!.filter((p) => !removed.some((r) => sameId(r, p)));
      }
      if (CATEGORIES.every((c) => (current.permissions[c] ?? []).length === 0)) kv.accessPolicies.splice(index, 1);
    }
  }
}

/**
 * PUT .../vaults/{name}/accessPolicies/{add|replace|remove} (vaults.updateAccessPolicy). Needs
 * Microsoft.KeyVault/vaults/accessPolicies/write on the vault. Answers 200 with the entries it was given, as the
 * service does. An RBAC vault stores the entries too, but its data plane ignores them.
 */
export const accessPolicyRoutes: Route[] = [
  {
    id: 'keyVault.vaults.updateAccessPolicy',
    method: 'PUT',
    path: '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.KeyVault/vaults/{vaultName}/accessPolicies/{operationKind}',
    apiVersions: KEY_VAULT_API_VERSIONS,
    permission: (req) => ({
      action: 'Microsoft.KeyVault/vaults/accessPolicies/write',
      scope: resourceId(req.params.subscriptionId, req.params.resourceGroupName, VAULT_TYPE, req.params.vaultName),
    }),
    handler: (req, ctx) => {
      const { subscriptionId, resourceGroupName, vaultName } = req.params;
      const kind = req.params.operationKind.toLowerCase();
      if (!['add', 'replace', 'remove'].includes(kind)) {
        throw badRequest(
          'BadRequest',
          `The access policy operation '${req.params.operationKind}' is not valid. Use 'add', 'replace' or 'remove'.`,
        );
      }
      const kv = findVault(ctx.world, subscriptionId, resourceGroupName, vaultName);
      const entries = parseEntries(req.body);
      applyAccessPolicyUpdate(kv, kind, entries);
      return {
        status: 200,
        body: {
          id: `${vaultId(ctx.world, kv)}/accessPolicies/${kind}`,
          name: kind,
          type: 'Microsoft.KeyVault/vaults/accessPolicies',
          location: kv.location,
          properties: { accessPolicies: entries },
        },
      };
    },
  },
];
