import { isAllowed, sameId } from '../../authorization/rbac';
import { rgId } from '../../http/arm';
import { AzureError, resourceGroupNotFound } from '../../http/errors';
import type { Route } from '../../http/types';
import { ITEM_PATH, trackOperation, VAULT_PATH, vaultId, vaultRoute } from './context';
import { invalidInput, linkedAuthorizationFailed } from './errors';
import { itemRefOf } from './itemRef';
import { startJob, whenDue } from './jobRunner';
import { namesFor } from './names';
import { opAccepted, opProps } from './protectedItems';
import { recoveryPointOf } from './recoveryPoints';
import { completeRestore } from './restoreOutputs';

const SUB = ITEM_PATH.slice(VAULT_PATH.length);
const RESTORE =
  'Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints/restore/action';
const ACCOUNT_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Storage\/storageAccounts\/([^/]+)$/i;
const RG_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)$/i;

/**
 * Restore disks (IaasVMRestoreRequest, recoveryType RestoreDisks): a real LRO. The trigger checks the staging account
 * (exists, in the vault's region), the target resource group (exists, the caller may write disks there) and refuses
 * OriginalLocation for an encrypted VM; the Restore job then runs `jobMs` and leaves disks and staging blobs behind.
 */
export const restoreRoutes: Route[] = [
  vaultRoute('restores.trigger', 'POST', `${SUB}/recoveryPoints/{recoveryPointId}/restore`, RESTORE, (req, ctx, v) => {
    const { world } = ctx;
    const ref = itemRefOf(req);
    const { item, rp } = recoveryPointOf(req, ctx, v);
    const p = req.body?.properties;
    if (!p || p.objectType !== 'IaasVMRestoreRequest')
      throw invalidInput("The body must be {properties: {objectType: 'IaasVMRestoreRequest', ...}}.");
    if (p.recoveryType === 'OriginalLocation' && rp.encryption) {
      throw new AzureError(
        400,
        'UserErrorOriginalLocationRestoreNotSupportedForEncryptedVm',
        'Replacing the existing VM (OriginalLocation) is not supported for VMs encrypted with Azure Disk Encryption. Restore the disks instead.',
      );
    }
    if (p.recoveryType !== 'RestoreDisks')
      throw invalidInput(`recoveryType '${p.recoveryType ?? ''}' is not supported by the sandbox: use 'RestoreDisks'.`);
    if (p.sourceResourceId !== undefined && !sameId(p.sourceResourceId, item.vmId))
      throw invalidInput('sourceResourceId is not the protected VM.');
    if (p.recoveryPointId !== undefined && p.recoveryPointId !== rp.name)
      throw invalidInput('recoveryPointId does not match the recovery point in the URL.');
    if (p.region !== undefined && !sameId(String(p.region).replace(/\s+/g, ''), v.location)) {
      throw invalidInput(`region must be the vault's region '${v.location}' (cross-region restore is not enabled).`);
    }
    if (
      p.restoreDiskLunList !== undefined &&
      (!Array.isArray(p.restoreDiskLunList) || p.restoreDiskLunList.some((l: unknown) => !Number.isInteger(l)))
    ) {
      throw invalidInput('restoreDiskLunList must be a list of LUNs.');
    }

    const am = ACCOUNT_ID.exec(String(p.storageAccountId ?? ''));
    const account = am
      ? world.storageAccounts.find((s) => sameId(s.name, am[3]) && sameId(s.resourceGroup, am[2]))
      : undefined;
    if (!account)
      throw new AzureError(
        400,
        'UserErrorStorageAccountNotFound',
        `The staging storage account '${p.storageAccountId ?? ''}' does not exist.`,
      );
    if (!sameId(account.location, v.location)) {
      // Azure publishes no Backup-specific code for this; the sandbox borrows ARM's documented one.
      throw new AzureError(
        400,
        'StorageAccountLocationMismatch',
        `The staging storage account '${account.name}' is in '${account.location}'; it must be in the vault's region '${v.location}'.`,
      );
    }
    // The Azure CLI's restore_disks sends targetResourceGroupId only when the point's isManagedVirtualMachine is true
    // (azure-cli command_modules/backup/custom.py); for an unmanaged point the disks come back as VHD blobs in the
    // staging account and no resource group is used.
    const gm = RG_ID.exec(String(p.targetResourceGroupId ?? ''));
    if (!gm && !rp.unmanaged)
      throw invalidInput(
        'targetResourceGroupId is required: the sandbox restores managed disks into a resource group.',
      );
    const rg = gm ? world.resourceGroups.find((g) => sameId(g.name, gm[2])) : undefined;
    if (gm && (!rg || !sameId(gm[1], world.subscriptionId))) throw resourceGroupNotFound(gm[2]);

    const caller = req.caller;
    const accountId = String(p.storageAccountId);
    const checks: [string, string][] = [['Microsoft.Storage/storageAccounts/write', accountId]];
    if (rg) checks.push(['Microsoft.Compute/disks/write', rgId(world.subscriptionId, rg.name)]);
    for (const [action, scope] of checks) {
      if (caller && !isAllowed(world, caller.objectId, { action, scope })) {
        throw linkedAuthorizationFailed(caller, RESTORE, `${vaultId(world, v)}`, action, scope);
      }
    }

    const job = startJob(ctx, v.name, { name: item.vmName, resourceGroup: item.vmResourceGroup }, 'Restore', {
      userTriggered: true,
      durationMs: ctx.timing.jobMs,
    });
    job.recoveryPoint = rp.name;
    job.propertyBag = {
      'Job Type': 'Recover disks',
      'Target Storage Account Name': account.name,
      ...(rg ? { 'Target resource group': rg.name } : {}),
      'Recovery point time': rp.time,
    };
    const target = {
      account: account.name,
      resourceGroup: rg?.name,
      luns: p.restoreDiskLunList as number[] | undefined,
    };
    whenDue(ctx, job, () => completeRestore(ctx, v, job, rp, target));
    const op = ctx.engine.startOperation(ctx.timing.lroMs, () => ({
      status: 'Succeeded',
      properties: opProps(job.id),
    }));
    return opAccepted(
      req,
      ctx,
      v,
      ref,
      trackOperation(ctx.engine, op, { vault: v.name, kind: 'item', item: namesFor(ref).item }).id,
    );
  }),
];
