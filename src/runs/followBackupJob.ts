import type { Azure, JobError, JobStatus } from '../azure';
import type { RunKind, RunRecord } from './types';

export const FOLLOW_BACKUP_JOB = 'follow-backup-job';

/** What following a backup job keeps: ids, names, the job's last seen state, and where its card is. No secrets. */
export interface FollowBackupJobCheckpoint {
  vault: string;
  jobId: string;
  vm: string;
  /** ARM ids of the VM and the vault, for the card's portal links (absent in older records). */
  vmId?: string;
  vaultId?: string;
  /** The card that shows the job (conversation reference and message id), updated in place. */
  card: { reference: Record<string, unknown>; activityId?: string };
  /** The card's language. */
  locale: string;
  /** Who started the backup (the audit trail's `who`) and the turn's correlation id. */
  who: { aadObjectId?: string; name?: string };
  correlationId?: string;
  /** Shown on the card: when the recovery point expires (ISO date). */
  retainUntil: string;
  status: JobStatus;
  progressPercent?: number;
  startTime?: string;
  endTime?: string;
  /** The job's first error when it failed (code, title, message, recommendations). */
  error?: JobError;
}

export interface FollowBackupJobOptions {
  jobs: Pick<Azure['jobs'], 'get'>;
  /** How often the job is read while it runs. */
  pollMs: number;
  /** Shows the run's state (the card updated in place). Called after every stored change. */
  show(run: RunRecord<FollowBackupJobCheckpoint>): Promise<void>;
  /** Once, when the job has ended: the audit trail entry. */
  finished(checkpoint: FollowBackupJobCheckpoint): Promise<void>;
}

const RUNNING = /^(InProgress|Cancelling|NotStarted)$/i;

/**
 * Follows a backup job to Completed, Failed or Cancelled, durably: the run survives a restart and resumes reading the
 * job. Steps: `poll` reads the job (one GET per poll; a write only when its state changed) until it ends, then
 * `report` writes the audit entry. Needs `Microsoft.RecoveryServices/Vaults/backupJobs/read`.
 */
export function followBackupJobKind(options: FollowBackupJobOptions): RunKind<FollowBackupJobCheckpoint> {
  return {
    kind: FOLLOW_BACKUP_JOB,
    firstStep: 'poll',
    steps: {
      poll: async (run, ctx) => {
        const c = run.checkpoint;
        // The vault's ARM id when the run has it: it names the vault's subscription (issue 17), and costs no vault list.
        const job = await options.jobs.get(c.vaultId ?? c.vault, c.jobId, { abortSignal: ctx.signal });
        const seen: FollowBackupJobCheckpoint = {
          ...c,
          status: job.status,
          progressPercent: job.progressPercent,
          startTime: job.startTime?.toISOString(),
          endTime: job.endTime?.toISOString(),
          error: job.errors[0],
        };
        if (!RUNNING.test(job.status)) return { next: 'report', checkpoint: seen };
        const changed = seen.status !== c.status || seen.progressPercent !== c.progressPercent;
        return { again: true, delayMs: options.pollMs, checkpoint: changed ? seen : undefined };
      },
      report: async (run) => {
        await options.finished(run.checkpoint);
        return { next: 'done', checkpoint: run.checkpoint };
      },
    },
    onChange: (run) => options.show(run),
    retryable: (step) => step === 'poll',
  };
}

/** The run id for a job: following the same job twice is one run. */
export const followBackupJobId = (vault: string, jobId: string): string => `follow-job:${vault}:${jobId}`;
