import type { ProviderContext } from '../../http/types';
import { job as makeJob } from '../../world/records';
import type { BackupJob, JobStatus } from '../../world/types';
import type { JobError } from './errors';

/** Starts a job (InProgress until `durationMs` from now on the engine clock) and records it in the world. */
export function startJob(
  ctx: ProviderContext,
  vault: string,
  vm: { name: string; resourceGroup: string },
  operation: BackupJob['operation'],
  opts: { userTriggered: boolean; durationMs: number },
): BackupJob {
  const now = ctx.engine.now();
  const j = makeJob(vault, { ...vm, subscriptionId: ctx.world.subscriptionId }, operation, 'InProgress', now);
  j.isUserTriggered = opts.userTriggered;
  j.dueAt = now + opts.durationMs;
  ctx.world.jobs.push(j);
  return j;
}

/** Ends a job now with its outcome. */
export function finishJob(
  ctx: ProviderContext,
  j: BackupJob,
  status: Exclude<JobStatus, 'InProgress'>,
  errors: JobError[] = [],
): void {
  j.status = status;
  j.endTime = ctx.engine.nowIso();
  j.errorDetails = errors;
}

/** Runs `decide` when the job is due: the outcome is read off the world at that moment. */
export const whenDue = (ctx: ProviderContext, j: BackupJob, decide: () => void): void =>
  ctx.engine.schedule(j.dueAt, () => {
    if (j.status === 'InProgress') decide();
  });
