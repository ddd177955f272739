import { sameId } from '../../authorization/rbac';
import { page, parseBackupDate, parseEqFilter } from '../../http/arm';
import { backupNotFound, badRequest } from '../../http/errors';
import type { ProviderContext, Route, SandboxRequest } from '../../http/types';
import type { ProtectedItem, RecoveryPoint, RecoveryVault } from '../../world/types';
import { ITEM_PATH, VAULT_PATH, vaultRoute } from './context';
import { protectedItemOf } from './itemRef';
import { recoveryPointBody } from './shapes';

const SUB = ITEM_PATH.slice(VAULT_PATH.length);
const READ = 'Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints/read';
const FILTERS = [
  'startdate',
  'enddate',
  'restorepointquerytype',
  'extendedinfo',
  'movereadyrponly',
  'includesoftdeletedrp',
];
const PAGE = 200;

export const pointsOf = (ctx: ProviderContext, item: ProtectedItem): RecoveryPoint[] =>
  ctx.world.recoveryPoints.filter((r) => sameId(r.vault, item.vault) && sameId(r.vmId, item.vmId));

/** The recovery point the URL names (a numeric name), or Backup's not-found. */
export function recoveryPointOf(
  req: SandboxRequest,
  ctx: ProviderContext,
  v: RecoveryVault,
): { item: ProtectedItem; rp: RecoveryPoint } {
  const item = protectedItemOf(req, ctx, v);
  const rp = pointsOf(ctx, item).find((r) => r.name === req.params.recoveryPointId);
  if (!rp) throw backupNotFound(`Recovery point '${req.params.recoveryPointId}'`);
  return { item, rp };
}

/** Recovery points: list (startDate/endDate filter, newest first, no key material), get (with keyAndSecret). */
export const recoveryPointRoutes: Route[] = [
  vaultRoute('recoveryPoints.list', 'GET', `${SUB}/recoveryPoints`, READ, (req, ctx, v) => {
    const item = protectedItemOf(req, ctx, v);
    const f = parseEqFilter(req.query.get('$filter'));
    const unknown = Object.keys(f).find((k) => !FILTERS.includes(k));
    if (unknown)
      throw badRequest('BMSUserErrorInvalidFilter', `Filtering recovery points on '${unknown}' is not supported.`);
    const from = f.startdate !== undefined ? parseBackupDate(f.startdate) : undefined;
    const to = f.enddate !== undefined ? parseBackupDate(f.enddate) : undefined;
    const now = ctx.engine.now();
    const points = pointsOf(ctx, item)
      .filter(
        (r) => (from === undefined || Date.parse(r.time) >= from) && (to === undefined || Date.parse(r.time) <= to),
      )
      .sort((a, b) => Date.parse(b.time) - Date.parse(a.time))
      .map((r) => recoveryPointBody(ctx.world, v, r, now, false));
    return { status: 200, body: page(req, points, PAGE) };
  }),
  vaultRoute('recoveryPoints.get', 'GET', `${SUB}/recoveryPoints/{recoveryPointId}`, READ, (req, ctx, v) => {
    const { rp } = recoveryPointOf(req, ctx, v);
    return { status: 200, body: recoveryPointBody(ctx.world, v, rp, ctx.engine.now(), true) };
  }),
];
