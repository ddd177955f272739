import type { Azure } from '../azure';
import { describeFailure, isAbort } from './failures';
import { cleanupTags, merge, ownTags } from './rehearsalTags';
import type { RehearsalCheckpoint, RehearsalRun } from './rehearsalTypes';
import type { StepContext, StepResult } from './types';

type Step = (run: RehearsalRun, ctx: StepContext<RehearsalCheckpoint>) => Promise<StepResult<RehearsalCheckpoint>>;

export interface CleanupOptions {
  azure: Pick<Azure, 'restore' | 'rehearsal'>;
  pollMs: number;
  checkTimeoutMs: number;
  cleanupAttempts: number;
  now: () => number;
}

/**
 * A rehearsal's clean-up step: deletes the VM, then NICs, then disks it recorded, each only if it carries the
 * rehearsal's tag (src/azure/rehearsal.ts deleteIfOurs), then the staged blobs; retried `cleanupAttempts` times
 * (backing off), then the run moves on to its report with what is left. Runs whatever happened before.
 */
export function cleanupStep(options: CleanupOptions): Step {
  const { azure, pollMs, checkTimeoutMs, cleanupAttempts, now } = options;
  const iso = () => new Date(now()).toISOString();
  /**
   * A restore job the run stopped following (a step failed meanwhile) may still make disks: clean-up waits for it to
   * end, then records and tags its disks like followJob does, so they are deleted too. Undefined when there is
   * nothing to wait for; 'wait' while the job runs (bounded by the check timeout, then the disks count as left).
   */
  const adoptLateDisks = async (
    cp: RehearsalCheckpoint,
    runId: string,
    signal: AbortSignal,
  ): Promise<'wait' | Partial<RehearsalCheckpoint> | undefined> => {
    if (!cp.jobId || cp.outputs || cp.jobStatus === 'Failed' || cp.jobStatus === 'Cancelled') return undefined;
    const job = await azure.restore.getRestoreJob(cp.plan.item, cp.jobId, { abortSignal: signal });
    if (job.status === 'Failed' || job.status === 'Cancelled') return { jobStatus: job.status };
    if (!job.outputs) return 'wait';
    const disks = await azure.rehearsal.restoredDiskIds(
      job.outputs,
      cp.plan.targetResourceGroup.name,
      cp.plan.vm.name,
      {
        abortSignal: signal,
        targetResourceGroupId: cp.plan.targetResourceGroup.id,
      },
    );
    await azure.rehearsal.tagDisks(disks, ownTags(runId, cp), { abortSignal: signal });
    return { jobStatus: job.status, outputs: job.outputs, created: merge(cp.created, disks) };
  };

  const cleanup: Step = async (run, ctx) => {
    const { id } = run;
    let cp = run.checkpoint;
    let jobError: string | undefined;
    try {
      const late = await adoptLateDisks(cp, id, ctx.signal);
      const waitedMs = cp.failureAt ? now() - Date.parse(cp.failureAt) : 0;
      if (late === 'wait' && waitedMs < checkTimeoutMs)
        return { again: true, delayMs: pollMs, checkpoint: cp.failureAt ? cp : { ...cp, failureAt: iso() } };
      if (late === 'wait')
        jobError = `The restore job ${cp.jobId} was still running: its disks are not cleaned up yet.`;
      else if (late) cp = { ...cp, ...late };
    } catch (err) {
      if (isAbort(err) || ctx.signal.aborted) throw err;
      jobError = describeFailure(err, 'cleanup').message;
    }
    const state = cp.cleanup ?? { attempts: 0, deleted: [], left: [] };
    const attempt = state.attempts + 1;
    const deleted = [...state.deleted];
    const left: string[] = [];
    const notOurs: string[] = [];
    let error: string | undefined = jobError;
    // The VM first (its NIC and disks are attached to it), then NICs, then disks.
    const order = (x: string) => (/\/virtualMachines\//i.test(x) ? 0 : /\/networkInterfaces\//i.test(x) ? 1 : 2);
    const own = [...(cp.created ?? [])].filter((x) => !deleted.includes(x)).sort((a, b) => order(a) - order(b));
    for (const resource of own) {
      try {
        const outcome = await azure.rehearsal.deleteIfOurs(resource, cleanupTags(id, cp), { abortSignal: ctx.signal });
        if (outcome === 'notOurs') notOurs.push(resource);
        else deleted.push(resource);
      } catch (err) {
        if (isAbort(err) || ctx.signal.aborted) throw err;
        error ??= describeFailure(err, 'cleanup').message;
        left.push(resource);
      }
    }
    let stagingDeleted = state.stagingDeleted ?? false;
    if (cp.outputs && !stagingDeleted) {
      try {
        await azure.restore.deleteStagingBlobs(cp.outputs, { abortSignal: ctx.signal });
        stagingDeleted = true;
      } catch (err) {
        if (isAbort(err) || ctx.signal.aborted) throw err;
        error ??= describeFailure(err, 'cleanup').message;
      }
    }
    const pending = left.length > 0 || (!!cp.outputs && !stagingDeleted) || !!jobError;
    const next = {
      attempts: attempt,
      deleted,
      left,
      notOurs,
      stagingDeleted,
      ...(jobError ? { jobPending: true } : {}),
      ...(error ? { error } : {}),
    };
    if (pending && attempt < cleanupAttempts) {
      return { again: true, delayMs: pollMs * attempt, checkpoint: { ...cp, cleanup: next } };
    }
    return {
      next: 'report',
      checkpoint: { ...cp, cleanup: next, times: { ...(cp.times ?? { startedAt: iso() }), endedAt: iso() } },
    };
  };

  return cleanup;
}
