import { page } from '../../http/arm';
import { AzureError } from '../../http/errors';
import type { Route } from '../../http/types';
import type { KeyVault, KeyVaultObject } from '../../world/types';
import { needs } from './access';
import { backupValue, readBackup } from './backup';
import {
  activeVersion,
  claimName,
  deletedNotFound,
  deletedProps,
  deletedVersions,
  latest,
  named,
  objectsOf,
  pageSize,
  recovering,
  vaultOf,
  type KindSpec,
} from './store';

/** How a kind renders its objects: the full bundle (without secret values) and the list item. */
export interface KindBodies {
  bundle(kv: KeyVault, o: KeyVaultObject): Record<string, unknown>;
  item(kv: KeyVault, o: KeyVaultObject): Record<string, unknown>;
}

/** Latest object per name among `objects`. */
function latestPerName(objects: KeyVaultObject[]): KeyVaultObject[] {
  const names = [...new Set(objects.map((o) => o.name.toLowerCase()))];
  return names.map((n) => latest(objects.filter((o) => o.name.toLowerCase() === n))!);
}

/**
 * The routes keys and secrets share: list, versions, soft delete, deleted look-ups, recover, purge, backup and
 * restore. Soft delete is immediate; recovery completes after `timing.lroMs` (GET answers 404 meanwhile), as Key
 * Vault's asynchronous recovery does.
 */
export function lifecycleRoutes(spec: KindSpec, bodies: KindBodies, apiVersions: readonly string[]): Route[] {
  const { kind, deleted } = spec;
  const id = (op: string) => `keyVaultData.${kind}.${op}`;
  const deletedId = (op: string) => `keyVaultData.${kind === 'keys' ? 'deletedKeys' : 'deletedSecrets'}.${op}`;
  const deletedBundle = (kv: KeyVault, o: KeyVaultObject) => ({
    ...bodies.bundle(kv, o),
    ...deletedProps(kv, spec, o),
  });
  return [
    {
      id: id('list'),
      method: 'GET',
      path: `/${kind}`,
      apiVersions,
      permission: needs(kind, 'list'),
      handler: (req, ctx) => {
        const kv = vaultOf(ctx.world, req);
        const items = latestPerName(objectsOf(kv, kind).filter((o) => o.state === 'active')).map((o) =>
          bodies.item(kv, o),
        );
        return { status: 200, body: page(req, items, pageSize(req)) };
      },
    },
    {
      id: id('listVersions'),
      method: 'GET',
      path: `/${kind}/{name}/versions`,
      apiVersions,
      permission: needs(kind, 'list'),
      handler: (req, ctx) => {
        const kv = vaultOf(ctx.world, req);
        const items = named(kv, kind, req.params.name, 'active').map((o) => bodies.item(kv, o));
        return { status: 200, body: page(req, items, pageSize(req)) };
      },
    },
    {
      id: id('restore'),
      method: 'POST',
      path: `/${kind}/restore`,
      apiVersions,
      permission: needs(kind, 'restore'),
      handler: (req, ctx) => {
        const kv = vaultOf(ctx.world, req);
        const restored = readBackup(ctx.world, kv, spec, req.body);
        const name = restored[0].name;
        claimName(
          kv,
          spec,
          name,
          () =>
            new AzureError(
              409,
              'Conflict',
              `There was a conflict restoring the ${spec.noun} '${name}'. This can happen if either: a second ${spec.noun} with the same name was created after the first ${spec.noun} was deleted; thus trying to restore a ${spec.noun} whose name is already in use. To fix this, rename the second ${spec.noun} to something else so that the restore works. The second probable cause of this exception is when multiple operations are performed in parallel against the ${spec.noun}. To avoid this error, perform operations against a ${spec.noun} in a sequential manner.`,
            ),
        );
        objectsOf(kv, kind).push(...restored);
        return { status: 200, body: bodies.bundle(kv, latest(restored)!) };
      },
    },
    {
      id: id('backup'),
      method: 'POST',
      path: `/${kind}/{name}/backup`,
      apiVersions,
      permission: needs(kind, 'backup'),
      handler: (req, ctx) => {
        const kv = vaultOf(ctx.world, req);
        activeVersion(kv, spec, req.params.name);
        return { status: 200, body: { value: backupValue(spec, kv, named(kv, kind, req.params.name, 'active')) } };
      },
    },
    {
      id: id('delete'),
      method: 'DELETE',
      path: `/${kind}/{name}`,
      apiVersions,
      permission: needs(kind, 'delete'),
      handler: (req, ctx) => {
        const kv = vaultOf(ctx.world, req);
        const current = activeVersion(kv, spec, req.params.name);
        const now = ctx.engine.nowIso();
        for (const o of named(kv, kind, req.params.name, 'active'))
          Object.assign(o, { state: 'deleted', deletedDate: now });
        return { status: 200, body: deletedBundle(kv, current) };
      },
    },
    {
      id: deletedId('list'),
      method: 'GET',
      path: `/${deleted}`,
      apiVersions,
      permission: needs(kind, 'list'),
      handler: (req, ctx) => {
        const kv = vaultOf(ctx.world, req);
        const gone = objectsOf(kv, kind).filter((o) => o.state === 'deleted' && !recovering.has(o));
        const items = latestPerName(gone).map((o) => ({ ...bodies.item(kv, o), ...deletedProps(kv, spec, o) }));
        return { status: 200, body: page(req, items, pageSize(req)) };
      },
    },
    {
      id: deletedId('get'),
      method: 'GET',
      path: `/${deleted}/{name}`,
      apiVersions,
      permission: needs(kind, 'get'),
      handler: (req, ctx) => {
        const kv = vaultOf(ctx.world, req);
        const o = latest(deletedVersions(kv, spec, req.params.name));
        if (!o) throw deletedNotFound(spec, req.params.name);
        return { status: 200, body: deletedBundle(kv, o) };
      },
    },
    {
      id: deletedId('recover'),
      method: 'POST',
      path: `/${deleted}/{name}/recover`,
      apiVersions,
      permission: needs(kind, 'recover'),
      handler: (req, ctx) => {
        const kv = vaultOf(ctx.world, req);
        const versions = deletedVersions(kv, spec, req.params.name);
        if (versions.length === 0) throw deletedNotFound(spec, req.params.name);
        versions.forEach((o) => recovering.add(o));
        ctx.engine.schedule(ctx.engine.now() + ctx.timing.lroMs, () => {
          for (const o of versions) {
            recovering.delete(o);
            if (o.state !== 'deleted') continue;
            o.state = 'active';
            delete o.deletedDate;
          }
        });
        return { status: 200, body: bodies.bundle(kv, latest(versions)!) };
      },
    },
    {
      id: deletedId('purge'),
      method: 'DELETE',
      path: `/${deleted}/{name}`,
      apiVersions,
      permission: needs(kind, 'purge'),
      handler: (req, ctx) => {
        const kv = vaultOf(ctx.world, req);
        if (named(kv, kind, req.params.name, 'deleted').some((o) => recovering.has(o))) {
          throw new AzureError(
            409,
            'Conflict',
            `The ${spec.noun} '${req.params.name}' is being recovered; retry when that operation has finished.`,
          );
        }
        const versions = deletedVersions(kv, spec, req.params.name);
        if (versions.length === 0) throw deletedNotFound(spec, req.params.name);
        versions.forEach((o) => (o.state = 'purged'));
        return { status: 204 };
      },
    },
  ];
}
