import { sameId } from '../../authorization/rbac';
import { accepted, page, parseEqFilter } from '../../http/arm';
import { badRequest } from '../../http/errors';
import type { ProviderContext, Route, SandboxRequest } from '../../http/types';
import type { ProtectedItem, RecoveryVault } from '../../world/types';
import { ITEM_PATH, trackOperation, vaultId, vaultRoute, VAULT_PATH } from './context';
import { finishJob, startJob } from './jobRunner';
import { itemPath, itemsOfVault, namesFor } from './names';
import { itemRefOf, protectedItemOf } from './itemRef';
import { validateProtection } from './protectionInput';
import { protectedItemBody } from './shapes';

const ITEMS = 'Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems';
const SUB = ITEM_PATH.slice(VAULT_PATH.length);
const PAGE = 200;
const LIST_FILTERS = [
  'backupmanagementtype',
  'itemtype',
  'workloadtype',
  'policyname',
  'containername',
  'friendlyname',
];

export const protectedItemRoutes: Route[] = [
  vaultRoute('protectedItems.get', 'GET', SUB, `${ITEMS}/read`, (req, ctx, v) => ({
    status: 200,
    body: protectedItemBody(ctx.world, v, protectedItemOf(req, ctx, v)),
  })),
  vaultRoute(
    'backupProtectedItems.list',
    'GET',
    '/backupProtectedItems',
    'Microsoft.RecoveryServices/Vaults/backupProtectedItems/read',
    (req, ctx, v) => {
      const f = parseEqFilter(req.query.get('$filter'));
      const unknown = Object.keys(f).find((k) => !LIST_FILTERS.includes(k));
      if (unknown)
        throw badRequest('BMSUserErrorInvalidFilter', `Filtering protected items on '${unknown}' is not supported.`);
      const match = (key: string, value: string) => f[key] === undefined || sameId(f[key], value);
      const items = itemsOfVault(ctx.world, v.name).filter(
        (p) =>
          match('backupmanagementtype', 'AzureIaasVM') &&
          match('itemtype', 'VM') &&
          match('workloadtype', 'VM') &&
          match('policyname', p.policyName) &&
          match('friendlyname', p.vmName) &&
          (f.containername === undefined ||
            [namesFor(refOf(p)).container, namesFor(refOf(p)).short].some((n) => sameId(n, f.containername))),
      );
      return {
        status: 200,
        body: page(
          req,
          items.map((p) => protectedItemBody(ctx.world, v, p)),
          PAGE,
        ),
      };
    },
  ),
  vaultRoute('protectedItems.createOrUpdate', 'PUT', SUB, `${ITEMS}/write`, (req, ctx, v) => {
    const ref = itemRefOf(req);
    const change = validateProtection(req, ctx, v, ref);
    if (change.kind === 'stop') {
      return itemOperation(req, ctx, v, change.item, 'DisableBackup', () => {
        change.item.protectionState = 'ProtectionStopped';
      });
    }
    const { vm, policyName } = change;
    const job = startJob(ctx, v.name, vm, 'ConfigureBackup', { userTriggered: true, durationMs: ctx.timing.lroMs });
    const op = ctx.engine.startOperation(ctx.timing.lroMs, () => {
      finishJob(ctx, job, 'Completed');
      const item = upsertItem(ctx, v, change.vmId, vm, policyName);
      return { status: 'Succeeded', properties: opProps(job.id), result: protectedItemBody(ctx.world, v, item) };
    });
    return opAccepted(
      req,
      ctx,
      v,
      ref,
      trackOperation(ctx.engine, op, { vault: v.name, kind: 'item', item: namesFor(ref).item }).id,
    );
  }),
  vaultRoute('protectedItems.delete', 'DELETE', SUB, `${ITEMS}/delete`, (req, ctx, v) => {
    const item = protectedItemOf(req, ctx, v);
    // Stop protection and delete backup data: the item and its recovery points go when the job ends.
    return itemOperation(req, ctx, v, item, 'DeleteBackupData', () => {
      const w = ctx.world;
      w.protectedItems = w.protectedItems.filter((p) => p !== item);
      w.recoveryPoints = w.recoveryPoints.filter((r) => !(sameId(r.vault, v.name) && sameId(r.vmId, item.vmId)));
    });
  }),
];

const refOf = (p: ProtectedItem) => ({ resourceGroup: p.vmResourceGroup, name: p.vmName });
export const opProps = (jobId: string) => ({ objectType: 'OperationStatusJobExtendedInfo', jobId });

/** 202 with the item's operationResults (Location) and operationsStatus (Azure-AsyncOperation) URLs. */
export function opAccepted(
  req: SandboxRequest,
  ctx: ProviderContext,
  v: RecoveryVault,
  ref: { resourceGroup: string; name: string },
  opId: string,
) {
  const base = itemPath(vaultId(ctx.world, v), ref);
  return accepted(
    req,
    ctx,
    { location: `${base}/operationResults/${opId}`, asyncOperation: `${base}/operationsStatus/${opId}` },
    {},
  );
}

/** A job-backed operation on an existing item (stop protection, delete data) whose effect lands when it ends. */
function itemOperation(
  req: SandboxRequest,
  ctx: ProviderContext,
  v: RecoveryVault,
  item: ProtectedItem,
  operation: 'DisableBackup' | 'DeleteBackupData',
  effect: () => void,
) {
  const job = startJob(ctx, v.name, refOf(item), operation, { userTriggered: true, durationMs: ctx.timing.lroMs });
  const op = ctx.engine.startOperation(ctx.timing.lroMs, () => {
    effect();
    finishJob(ctx, job, 'Completed');
    return { status: 'Succeeded', properties: opProps(job.id) };
  });
  const ref = refOf(item);
  return opAccepted(
    req,
    ctx,
    v,
    ref,
    trackOperation(ctx.engine, op, { vault: v.name, kind: 'item', item: namesFor(ref).item }).id,
  );
}

function upsertItem(
  ctx: ProviderContext,
  v: RecoveryVault,
  vmId: string,
  vm: { name: string; resourceGroup: string },
  policyName: string,
): ProtectedItem {
  const w = ctx.world;
  let item = w.protectedItems.find((p) => sameId(p.vault, v.name) && sameId(p.vmId, vmId));
  if (!item) {
    item = {
      vault: v.name,
      vmId,
      vmName: vm.name,
      vmResourceGroup: vm.resourceGroup,
      policyName,
      protectionState: 'IRPending',
    };
    w.protectedItems.push(item);
  } else {
    item.policyName = policyName;
    if (item.protectionState === 'ProtectionStopped')
      item.protectionState = item.lastRecoveryPointTime ? 'Protected' : 'IRPending';
  }
  return item;
}
