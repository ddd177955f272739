import type { Azure, JobError, KeyAndSecretPutBack, RestoreJobOutputs } from '../azure';
import { trackWrites, trailTags } from '../azure';
import type { RestorePlan } from './restorePlan';
import type { RunKind, RunRecord, StepContext, StepResult } from './types';

export const RESTORE_RUN_KIND = 'restore';

/** One run per approved request: starting it twice (two clicks, two replicas, a retried invoke) is a no-op. */
export const restoreRunId = (requestId: string): string => `restore:${requestId}`;

/** The steps in order; `putBackKeys` only when the plan says so. */
export const RESTORE_STEPS = ['restoreDisks', 'followJob', 'putBackKeys', 'createVm', 'deleteStaging'] as const;
export type RestoreStep = (typeof RESTORE_STEPS)[number];

/** Ids, names, URLs and progress only: never key or secret material. */
export interface RestoreCheckpoint {
  requestId: string;
  plan: RestorePlan;
  /** Set before the restore is triggered: a later attempt looks for the job started since then instead of a second. */
  triggeredAt?: string;
  /**
   * The VM's newest Restore job when this run triggered its own (another restore of the same VM moments earlier):
   * a later attempt that finds only that job knows the trigger never reached Azure, and does not take it for its own.
   */
  priorJobId?: string;
  jobId?: string;
  jobStatus?: string;
  progress?: number;
  /** The failed restore job's error, for the troubleshooting entry. */
  jobError?: JobError;
  outputs?: RestoreJobOutputs;
  putBack?: KeyAndSecretPutBack;
  vm?: { id: string; name: string; path: 'template' | 'compute'; osDiskId?: string; dataDiskIds: string[] };
  deleted?: string[];
  /** Entra object ids of the requester and the approver: tags on the restored VM, NIC and disks. */
  requestedBy?: string;
  approvedBy?: string;
  /** Client request ids of the run's Azure writes (src/azure/trail.ts), for the audit entry. */
  armRequestIds?: string[];
}

export type RestoreRun = RunRecord<RestoreCheckpoint>;

export interface RestoreRunOptions {
  restore: Azure['restore'];
  /** Wait between polls of the restore job (jobs carry no Retry-After; restores take minutes). */
  pollMs?: number;
  /** Updates the cards that show the run (the requester's and the approvers'). */
  onChange?: (run: RestoreRun) => Promise<void>;
}

/** A failed restore job is final: retrying would mean a second restore, which needs a new request. */
const JOB_FAILED = 'RestoreJobFailed';

/** Whether a person may retry a restore that failed at `step` (every step but a restore job that itself failed). */
export function restoreRetryable(step: string, error: { code: string }): boolean {
  return !(step === 'followJob' && error.code === JOB_FAILED);
}

type Step = (run: RestoreRun, ctx: StepContext<RestoreCheckpoint>) => Promise<StepResult<RestoreCheckpoint>>;

/**
 * A step whose Azure writes are kept on the checkpoint (`armRequestIds`): the run's audit entry lists them. A step
 * that fails keeps them too (a failed write is in the Activity Log as well).
 */
const traced =
  (step: Step): Step =>
  async (run, ctx) => {
    const ids: string[] = [];
    const kept = (cp: RestoreCheckpoint) => [...new Set([...(cp.armRequestIds ?? []), ...ids])];
    try {
      const result = await trackWrites(ids, () => step(run, ctx));
      if (!ids.length) return result;
      const cp = result.checkpoint ?? run.checkpoint;
      return { ...result, checkpoint: { ...cp, armRequestIds: kept(cp) } };
    } catch (err) {
      if (ids.length) await ctx.save({ armRequestIds: kept(run.checkpoint) }).catch(() => undefined);
      throw err;
    }
  };

/**
 * The restore of an approved plan as a durable run: restore the disks (the job id stored the moment Azure names it),
 * follow the job, put the key and secret back if the plan says so, create the VM (template or compute API, names
 * derived from the request id so a repeated step reuses them), delete the staged files (they hold wrapped keys).
 * Every step can run again after a crash without doing its work twice.
 */
export function restoreRunKind(options: RestoreRunOptions): RunKind<RestoreCheckpoint> {
  const { restore } = options;
  const pollMs = options.pollMs ?? 15_000;

  /** The newest Restore job of the plan's VM started since `since` (less a minute of clock skew), if any. */
  const newestJob = (plan: RestorePlan, since: string, signal: AbortSignal) =>
    restore.findRestoreJob(
      { name: plan.item.vault, resourceGroup: plan.item.vaultResourceGroup },
      plan.vm.name,
      new Date(since),
      { abortSignal: signal },
    );

  const restoreDisks: Step = async ({ checkpoint: cp }, ctx) => {
    if (cp.jobId) return { next: 'followJob', checkpoint: cp };
    const { plan } = cp;
    let triggeredAt = cp.triggeredAt;
    if (triggeredAt) {
      // A previous attempt may have reached Azure before the process died: find its job rather than start another.
      const found = await newestJob(plan, triggeredAt, ctx.signal);
      if (found && found !== cp.priorJobId) {
        await ctx.save({ jobId: found });
        return { next: 'followJob', checkpoint: { ...cp, jobId: found } };
      }
    } else {
      triggeredAt = new Date().toISOString();
      const priorJobId = await newestJob(plan, triggeredAt, ctx.signal);
      await ctx.save({ triggeredAt, ...(priorJobId ? { priorJobId } : {}) });
    }
    const { jobId } = await restore.beginRestoreDisks(
      {
        item: plan.item,
        recoveryPointName: plan.recoveryPoint.name,
        sourceVmId: plan.vm.id,
        stagingAccountId: plan.staging.id,
        targetResourceGroupId: plan.targetResourceGroup.id,
        region: plan.region,
      },
      { abortSignal: ctx.signal },
    );
    await ctx.save({ jobId });
    return { next: 'followJob', checkpoint: { ...cp, triggeredAt, jobId } };
  };

  const followJob: Step = async ({ checkpoint: cp }, ctx) => {
    const job = await restore.getRestoreJob(cp.plan.item, cp.jobId!, { abortSignal: ctx.signal });
    if (job.status === 'Completed' || job.status === 'CompletedWithWarnings') {
      if (!job.outputs) throw Object.assign(new Error('The restore job named no staged files.'), { code: JOB_FAILED });
      const next = cp.plan.encryption?.putBack ? 'putBackKeys' : 'createVm';
      return { next, checkpoint: { ...cp, jobStatus: job.status, progress: 100, outputs: job.outputs } };
    }
    if (job.status === 'Failed' || job.status === 'Cancelled') {
      const jobError = job.errors[0] ?? { message: `The restore job ended ${job.status}.`, recommendations: [] };
      await ctx.save({ jobStatus: job.status, jobError });
      throw Object.assign(new Error(jobError.message), { code: JOB_FAILED });
    }
    const progress = job.progressPercent;
    const changed = progress !== cp.progress || job.status !== cp.jobStatus;
    return {
      again: true,
      delayMs: pollMs,
      checkpoint: changed ? { ...cp, jobStatus: job.status, progress } : undefined,
    };
  };

  const putBackKeys: Step = async ({ checkpoint: cp }, ctx) => {
    const { plan } = cp;
    const enc = plan.encryption!;
    const source =
      enc.source === 'recoveryPoint'
        ? { recoveryPoint: { ...plan.item, recoveryPointName: plan.recoveryPoint.name } }
        : { restoreJob: cp.outputs! };
    const putBack = await restore.putBackKeyAndSecret(
      source,
      { id: enc.keyVault.id, vaultUri: enc.keyVault.vaultUri },
      plan.vm.osType,
      plan.vm.name,
      { abortSignal: ctx.signal },
    );
    return { next: 'createVm', checkpoint: { ...cp, putBack } };
  };

  const createVm: Step = async ({ checkpoint: cp }, ctx) => {
    const { plan } = cp;
    const enc = plan.encryption;
    const created = await restore.createVm(
      {
        requestId: cp.requestId,
        outputs: cp.outputs!,
        recoveryPointTime: new Date(plan.recoveryPoint.time),
        sourceVmName: plan.vm.name,
        osType: plan.vm.osType,
        targetResourceGroup: plan.targetResourceGroup.name,
        region: plan.region,
        subnetId: plan.subnet.id,
        vmName: plan.newVmName,
        encryption: enc && {
          pass: enc.pass,
          keyVault: { id: enc.keyVault.id, vaultUri: enc.keyVault.vaultUri },
          putBack: cp.putBack,
        },
        // The template path only where the point allows it; otherwise the layer picks what the job produced.
        path: plan.path === 'compute' ? 'compute' : undefined,
        tags: trailTags({ requestId: cp.requestId, requestedBy: cp.requestedBy, approvedBy: cp.approvedBy }),
      },
      { abortSignal: ctx.signal, pollIntervalMs: Math.min(pollMs, 5000) },
    );
    const vm = {
      id: created.vmId,
      name: created.vmName,
      path: created.path,
      osDiskId: created.osDiskId,
      dataDiskIds: created.dataDiskIds,
    };
    return { next: 'deleteStaging', checkpoint: { ...cp, vm } };
  };

  const deleteStaging: Step = async ({ checkpoint: cp }, ctx) => {
    const { deleted } = await restore.deleteStagingBlobs(cp.outputs!, { abortSignal: ctx.signal });
    return { next: 'done', checkpoint: { ...cp, deleted: [...(cp.deleted ?? []), ...deleted] } };
  };

  return {
    kind: RESTORE_RUN_KIND,
    firstStep: 'restoreDisks',
    steps: {
      restoreDisks: traced(restoreDisks),
      followJob,
      putBackKeys: traced(putBackKeys),
      createVm: traced(createVm),
      deleteStaging: traced(deleteStaging),
    },
    onChange: options.onChange,
    retryable: restoreRetryable,
  };
}
