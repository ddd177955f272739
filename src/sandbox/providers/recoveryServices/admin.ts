import { sameId } from '../../authorization/rbac';
import { AzureError } from '../../http/errors';
import type { ProviderContext, Route } from '../../http/types';
import { job as makeJob, keyVaultPermissionError } from '../../world/records';
import type { BackupJob, JobStatus, ProtectedItem } from '../../world/types';
import { backupFailure, backupInProgress, runBackup } from './backupRun';
import { JOB_ERRORS, NAMED_FAILURES } from './errors';
import { finishJob, whenDue } from './jobRunner';
import { keyVaultBlocking } from './keyVaultAccess';
import { revokeBackupGrant } from './revokeGrant';

const STATUSES: JobStatus[] = ['InProgress', 'Completed', 'CompletedWithWarnings', 'Failed', 'Cancelled'];
const OPERATIONS: BackupJob['operation'][] = [
  'Backup',
  'Restore',
  'ConfigureBackup',
  'DisableBackup',
  'DeleteBackupData',
];
const MAX_BULK = 100_000;
const KEY_VAULT_ERROR = 'UserErrorKeyVaultPermissionsNotConfigured';

function protectedVm(ctx: ProviderContext, vm: unknown): ProtectedItem {
  if (typeof vm !== 'string' || !vm)
    throw new AzureError(400, 'InvalidRequest', 'Body must name the protected VM: {"vm": "<name>"}.');
  const item = ctx.world.protectedItems.find((p) => sameId(p.vmName, vm) && p.protectionState !== 'ProtectionStopped');
  if (!item) throw new AzureError(404, 'NotProtected', `No vault protects a VM named '${vm}'.`);
  return item;
}

/**
 * Demo and benchmark controls (no token, loopback): make a scheduled backup fail now, run a scheduled backup,
 * create many jobs at once.
 */
export const adminRoutes: Route[] = [
  {
    // A scheduled backup that fails now. With "error": that error — UserErrorKeyVaultPermissionsNotConfigured first
    // takes Backup's key vault access away (so the failure has its real cause and the Grant button repairs it), the
    // others are documented errors with no state behind them. Without: the real reason when the world has one (key
    // vault, agent, VM gone), else ExtensionSnapshotFailedNoNetwork.
    id: 'admin.backups.fail',
    method: 'POST',
    path: '/_sandbox/backups/fail',
    handler: (req, ctx) => {
      const item = protectedVm(ctx, req.body?.vm);
      const named = req.body?.error;
      const allowed = [KEY_VAULT_ERROR, ...NAMED_FAILURES] as readonly string[];
      if (named !== undefined && !allowed.includes(named)) {
        throw new AzureError(400, 'InvalidRequest', `"error" must be one of ${allowed.join(', ')}.`);
      }
      if (named === KEY_VAULT_ERROR) revokeBackupGrant(ctx.world, item);
      const failure =
        named && named !== KEY_VAULT_ERROR
          ? JOB_ERRORS[named as (typeof NAMED_FAILURES)[number]]
          : (backupFailure(ctx.world, item) ?? JOB_ERRORS.ExtensionSnapshotFailedNoNetwork);
      const job = runBackup(ctx, item, { userTriggered: false, failWith: failure });
      return { status: 201, body: { jobId: job.id, vault: job.vault, status: job.status, error: failure.name } };
    },
  },
  {
    id: 'admin.backups.run',
    method: 'POST',
    path: '/_sandbox/backups/run',
    handler: (req, ctx) => {
      const item = protectedVm(ctx, req.body?.vm);
      if (backupInProgress(ctx.world, item)) {
        throw new AzureError(
          400,
          'UserErrorBackupOperationInProgress',
          'Unable to initiate backup as another backup operation is currently in progress.',
        );
      }
      const job = runBackup(ctx, item, { userTriggered: false });
      return { status: 202, body: { jobId: job.id, vault: job.vault, status: job.status } };
    },
  },
  {
    id: 'admin.jobs.bulk',
    method: 'POST',
    path: '/_sandbox/jobs/bulk',
    handler: (req, ctx) => {
      const b = req.body ?? {};
      const count = b.count;
      const status: JobStatus = b.status ?? 'Failed';
      const operation: BackupJob['operation'] = b.operation ?? 'Backup';
      const spreadMs = b.spreadMs ?? 0;
      if (!Number.isInteger(count) || count < 1 || count > MAX_BULK)
        throw new AzureError(400, 'InvalidRequest', `"count" must be 1-${MAX_BULK}.`);
      if (!STATUSES.includes(status))
        throw new AzureError(400, 'InvalidRequest', `"status" must be one of ${STATUSES.join(', ')}.`);
      if (!OPERATIONS.includes(operation))
        throw new AzureError(400, 'InvalidRequest', `"operation" must be one of ${OPERATIONS.join(', ')}.`);
      if (typeof spreadMs !== 'number' || spreadMs < 0)
        throw new AzureError(400, 'InvalidRequest', '"spreadMs" must be a non-negative number.');
      const vaults = targetVaults(ctx, b.vault, b.vaults);
      const vms = ctx.world.vms.filter((v) => v.kind === 'arm');
      const now = ctx.engine.now();
      for (let i = 0; i < count; i++) {
        const vm = vms[i % vms.length];
        const start = count > 1 ? now - spreadMs + Math.floor((spreadMs * i) / (count - 1)) : now;
        const j = makeJob(
          vaults[i % vaults.length],
          { ...vm, subscriptionId: ctx.world.subscriptionId },
          operation,
          status,
          start,
        );
        if (status === 'InProgress') {
          j.endTime = undefined;
          j.dueAt = now + ctx.timing.jobMs;
          whenDue(ctx, j, () => finishJob(ctx, j, 'Completed'));
        } else {
          j.endTime = new Date(Math.min(start + 60_000, now)).toISOString();
          if (status === 'Failed') {
            const kv = keyVaultBlocking(ctx.world, vm);
            j.errorDetails = [kv ? keyVaultPermissionError() : JOB_ERRORS.ExtensionSnapshotFailedNoNetwork];
          }
        }
        ctx.world.jobs.push(j);
      }
      return { status: 201, body: { created: count, vaults } };
    },
  },
];

/** The named vault, or with {vaults: N} the benchmark vaults rsv-bench-001..N in rg-backup (created as needed). */
function targetVaults(ctx: ProviderContext, vault: unknown, n: unknown): string[] {
  const w = ctx.world;
  if (n !== undefined) {
    if (!Number.isInteger(n) || (n as number) < 1 || (n as number) > 999)
      throw new AzureError(400, 'InvalidRequest', '"vaults" must be 1-999.');
    return Array.from({ length: n as number }, (_, i) => {
      const name = `rsv-bench-${String(i + 1).padStart(3, '0')}`;
      if (!w.recoveryVaults.some((v) => sameId(v.name, name)))
        w.recoveryVaults.push({ name, resourceGroup: 'rg-backup', location: 'eastasia' });
      return name;
    });
  }
  const name = typeof vault === 'string' ? vault : 'rsv-prod-eastasia';
  const found = w.recoveryVaults.find((v) => sameId(v.name, name));
  if (!found) throw new AzureError(404, 'VaultNotFound', `No vault named '${name}'.`);
  return [found.name];
}
