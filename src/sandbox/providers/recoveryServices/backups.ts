import { AzureError } from '../../http/errors';
import type { Route } from '../../http/types';
import { ITEM_PATH, trackOperation, VAULT_PATH, vaultRoute } from './context';
import { backupInProgress, runBackup } from './backupRun';
import { invalidInput } from './errors';
import { namesFor } from './names';
import { itemRefOf, protectedItemOf } from './itemRef';
import { opAccepted, opProps } from './protectedItems';

const SUB = ITEM_PATH.slice(VAULT_PATH.length);

/**
 * Backup now (IaasVMBackupRequest): 202 with the item's operation URLs; the operation succeeds quickly naming the
 * Backup job, which runs `jobMs` and then succeeds or fails on what the world says at that moment.
 */
export const backupRoutes: Route[] = [
  vaultRoute(
    'backups.trigger',
    'POST',
    `${SUB}/backup`,
    'Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/backup/action',
    (req, ctx, v) => {
      const ref = itemRefOf(req);
      const item = protectedItemOf(req, ctx, v);
      const p = req.body?.properties;
      if (!p || p.objectType !== 'IaasVMBackupRequest')
        throw invalidInput("The body must be {properties: {objectType: 'IaasVMBackupRequest', ...}}.");
      if (p.recoveryPointExpiryTimeInUTC !== undefined) {
        const expiry = Date.parse(p.recoveryPointExpiryTimeInUTC);
        if (Number.isNaN(expiry) || expiry <= ctx.engine.now())
          throw invalidInput('recoveryPointExpiryTimeInUTC must be a date-time in the future.');
      }
      if (item.protectionState === 'ProtectionStopped') {
        throw new AzureError(
          400,
          'UserErrorProtectionStopped',
          'Protection is stopped for this item; resume protection before taking a backup.',
        );
      }
      if (backupInProgress(ctx.world, item)) {
        throw new AzureError(
          400,
          'UserErrorBackupOperationInProgress',
          'Unable to initiate backup as another backup operation is currently in progress.',
        );
      }
      const job = runBackup(ctx, item, { userTriggered: true });
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
    },
  ),
];
