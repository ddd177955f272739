import type { Azure, CreateVmPlan, JobError, KeyAndSecretPutBack, RestoreJobOutputs } from '../azure';
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
  /** Jobs with this run's identity that existed before its trigger (none of them is this run's). */
  priorJobIds?: string[];
  jobId?: string;
  jobStatus?: string;
  progress?: number;
  /** The failed restore job's error, for the troubleshooting entry. */
  jobError?: JobError;
  outputs?: RestoreJobOutputs;
  putBack?: KeyAndSecretPutBack;
  vm?: {
    id: string;
    name: string;
    path: 'template' | 'compute';
    osDiskId?: string;
    dataDiskIds: string[];
    /** Dual pass: the ADE command the operator runs (no secret in it). */
    adeCommand?: string;
  };
  deleted?: string[];
  /** When the staged files of a run that ended otherwise than by its last step were deleted (src/runs/stagingSweep.ts). */
  stagingDeletedAt?: string;
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
  /**
   * The run's approval, checked at its start and on every resume or retry (a matching approval: decided approved, by
   * an approver other than the requester, for this very plan). Required: a run nobody approved never restores.
   */
  authorize: (run: RestoreRun) => Promise<{ code: string; message: string } | undefined>;
}

/** The code a run without a matching approval fails with; never retryable (it needs a new, approved request). */
export const RUN_NOT_APPROVED = 'RunNotApproved';

/** Clock skew allowed between the bot and Azure when matching a job's start time. */
const SKEW_MS = 60_000;
/** How long after the trigger this run's job may have started (the trigger's own retries included). */
const MATCH_WINDOW_MS = 15 * 60_000;

/** A failed restore job is final: retrying would mean a second restore, which needs a new request. */
const JOB_FAILED = 'RestoreJobFailed';

/** Whether a person may retry a restore that failed at `step` (every step but a restore job that itself failed). */
export function restoreRetryable(step: string, error: { code: string }): boolean {
  if (error.code === RUN_NOT_APPROVED) return false;
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

  /**
   * This run's own Restore job, found on the run's identity rather than the VM name alone: the plan's VM, started in
   * the run's trigger window (from a minute before `triggeredAt`, for clock skew, to MATCH_WINDOW_MS after it),
   * restoring to the plan's staging account and target resource group; jobs seen before the trigger are not it.
   * Two requests for the same VM (to different targets, or one triggered later) never adopt each other's job.
   */
  const ownJobs = async (plan: RestorePlan, triggeredAt: string, signal: AbortSignal) => {
    const at = Date.parse(triggeredAt);
    const from = new Date(at - SKEW_MS);
    const to = new Date(at + MATCH_WINDOW_MS);
    const same = (a: string | undefined, b: string) => a === undefined || a.toLowerCase() === b.toLowerCase();
    const jobs = await restore.listRestoreJobs(
      {
        name: plan.item.vault,
        resourceGroup: plan.item.vaultResourceGroup,
        // The vault's subscription (issue 17): the item's, else the VM's own (Backup protects a VM from there).
        subscriptionId: plan.item.vaultSubscriptionId ?? /^\/subscriptions\/([^/]+)/i.exec(plan.vm.id)?.[1],
      },
      plan.vm.name,
      { from, to },
      { abortSignal: signal },
    );
    return jobs
      .filter((j) => {
        const start = j.startTime?.getTime();
        return start !== undefined && start >= from.getTime() && start <= to.getTime();
      })
      .filter(
        (j) => same(j.stagingAccount, plan.staging.name) && same(j.targetResourceGroup, plan.targetResourceGroup.name),
      )
      .map((j) => j.id);
  };

  const restoreDisks: Step = async ({ checkpoint: cp }, ctx) => {
    if (cp.jobId) return { next: 'followJob', checkpoint: cp };
    const { plan } = cp;
    let triggeredAt = cp.triggeredAt;
    if (triggeredAt) {
      // A previous attempt may have reached Azure before the process died: find its job rather than start another.
      const before = new Set([...(cp.priorJobIds ?? []), ...(cp.priorJobId ? [cp.priorJobId] : [])]);
      const found = (await ownJobs(plan, triggeredAt, ctx.signal)).find((id) => !before.has(id));
      if (found) {
        await ctx.save({ jobId: found });
        return { next: 'followJob', checkpoint: { ...cp, jobId: found } };
      }
    } else {
      triggeredAt = new Date().toISOString();
      const priorJobIds = await ownJobs(plan, triggeredAt, ctx.signal);
      await ctx.save({ triggeredAt, ...(priorJobIds.length ? { priorJobIds } : {}) });
    }
    const { jobId } = await restore.beginRestoreDisks(
      {
        item: plan.item,
        recoveryPointName: plan.recoveryPoint.name,
        sourceVmId: plan.vm.id,
        stagingAccountId: plan.staging.id,
        targetResourceGroupId: plan.targetResourceGroup.id,
        managedDisks: plan.recoveryPoint.managedDisks,
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
      enc.kekVault && { id: enc.kekVault.id, vaultUri: enc.kekVault.vaultUri },
    );
    return { next: 'createVm', checkpoint: { ...cp, putBack } };
  };

  const createVm: Step = async ({ checkpoint: cp }, ctx) => {
    const { plan } = cp;
    const created = await restore.createVm(
      createVmPlan(
        cp,
        { vm: plan.newVmName, nic: plan.newNicName },
        trailTags({ requestId: cp.requestId, requestedBy: cp.requestedBy, approvedBy: cp.approvedBy }),
      ),
      { abortSignal: ctx.signal, pollIntervalMs: Math.min(pollMs, 5000) },
    );
    const vm = {
      id: created.vmId,
      name: created.vmName,
      path: created.path,
      osDiskId: created.osDiskId,
      dataDiskIds: created.dataDiskIds,
      ...(created.adeCommand ? { adeCommand: created.adeCommand } : {}),
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
    authorize: options.authorize,
    retryable: restoreRetryable,
  };
}

/**
 * What `restore.createVm` is given for an approved plan: a restore's VM and a rehearsal's are built alike, from the
 * plan through the compute API (or the template only as checked against the plan), with the key and secret put back.
 */
export function createVmPlan(
  cp: Pick<RestoreCheckpoint, 'requestId' | 'plan' | 'outputs' | 'putBack'>,
  names: { vm: string; nic?: string },
  tags: Record<string, string>,
): CreateVmPlan {
  const { plan } = cp;
  const enc = plan.encryption;
  return {
    requestId: cp.requestId,
    outputs: cp.outputs!,
    recoveryPointTime: new Date(plan.recoveryPoint.time),
    sourceVmName: plan.vm.name,
    osType: plan.vm.osType,
    targetResourceGroup: plan.targetResourceGroup.name,
    region: plan.region,
    subnetId: plan.subnet.id,
    vmName: names.vm,
    nicName: names.nic,
    encryption: enc && {
      pass: enc.pass,
      keyVault: { id: enc.keyVault.id, vaultUri: enc.keyVault.vaultUri },
      ...(enc.kekVault ? { kekVault: { id: enc.kekVault.id, vaultUri: enc.kekVault.vaultUri } } : {}),
      putBack: cp.putBack,
      aadClientId: enc.aadClientId,
    },
    path: plan.path,
    tags,
  };
}
