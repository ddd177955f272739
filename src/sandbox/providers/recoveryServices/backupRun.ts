import { sameId } from '../../authorization/rbac';
import type { ProviderContext } from '../../http/types';
import { keyVaultPermissionError, snapshotKeys } from '../../world/records';
import type { BackupJob, ProtectedItem, RecoveryPoint, World } from '../../world/types';
import { JOB_ERRORS, type JobError } from './errors';
import { finishJob, startJob, whenDue } from './jobRunner';
import { findVmById } from './names';
import { keyVaultBlocking } from './keyVaultAccess';

/** Why a backup of the item would fail if it ran now, read off the world; undefined when it would succeed. */
export function backupFailure(world: World, item: ProtectedItem): JobError | undefined {
  const vm = findVmById(world, item.vmId);
  if (!vm) return JOB_ERRORS.BCMV2VMNotFound;
  if (!vm.agentReady) return JOB_ERRORS.UserErrorGuestAgentStatusUnavailable;
  const kv = keyVaultBlocking(world, vm);
  return kv ? keyVaultPermissionError() : undefined;
}

export const backupInProgress = (world: World, item: ProtectedItem): BackupJob | undefined =>
  world.jobs.find(
    (j) =>
      j.operation === 'Backup' && j.status === 'InProgress' && sameId(j.vault, item.vault) && sameId(j.vmId, item.vmId),
  );

/**
 * Starts a Backup job for the item. It runs `jobMs` on the engine clock; its outcome is decided by the world when it
 * ends (so a grant made meanwhile counts). `failWith` forces a failure now (the admin "scheduled backup failed" route).
 */
export function runBackup(
  ctx: ProviderContext,
  item: ProtectedItem,
  opts: { userTriggered: boolean; failWith?: JobError },
): BackupJob {
  const vm = { name: item.vmName, resourceGroup: item.vmResourceGroup };
  const j = startJob(ctx, item.vault, vm, 'Backup', {
    userTriggered: opts.userTriggered,
    durationMs: opts.failWith ? 0 : ctx.timing.jobMs,
  });
  if (opts.failWith) conclude(ctx, j, item, opts.failWith);
  else
    whenDue(ctx, j, () => {
      const current = ctx.world.protectedItems.find((p) => sameId(p.vault, item.vault) && sameId(p.vmId, item.vmId));
      if (!current) return finishJob(ctx, j, 'Cancelled');
      conclude(ctx, j, current, backupFailure(ctx.world, current));
    });
  return j;
}

function conclude(ctx: ProviderContext, j: BackupJob, item: ProtectedItem, failure: JobError | undefined): void {
  const { world } = ctx;
  item.lastBackupTime = j.startTime;
  if (failure) {
    finishJob(ctx, j, 'Failed', [failure]);
    item.lastBackupStatus = 'Failed';
    if (item.protectionState !== 'ProtectionStopped') item.protectionState = 'ProtectionError';
    return;
  }
  const vm = findVmById(world, item.vmId)!;
  const rp: RecoveryPoint = {
    vault: item.vault,
    vmId: item.vmId,
    name: uniqueName(world, item, Date.parse(j.startTime)),
    time: j.startTime,
    type: 'AppConsistent',
    encryption: vm.encryption ? { ...vm.encryption, osType: vm.osType } : undefined,
    ...snapshotKeys(world, vm),
    vmSize: vm.vmSize,
    osType: vm.osType,
  };
  world.recoveryPoints.push(rp);
  finishJob(ctx, j, 'Completed');
  item.lastBackupStatus = 'Completed';
  item.lastRecoveryPointTime = rp.time;
  if (item.protectionState !== 'ProtectionStopped') item.protectionState = 'Protected';
}

/** Numeric recovery point names, unique per item. */
function uniqueName(world: World, item: ProtectedItem, t: number): string {
  let n = t;
  const taken = (name: string) => world.recoveryPoints.some((r) => sameId(r.vmId, item.vmId) && r.name === name);
  while (taken(String(n))) n++;
  return String(n);
}
