import type { Azure } from '../azure';
import type { Logger } from '../log';
import type { RecordStore } from '../store';
import { RESTORE_RUN_KIND, restoreRetryable, type RestoreCheckpoint } from './restoreRun';
import type { RunRecord } from './types';

type Run = RunRecord<RestoreCheckpoint>;

export interface StagingSweepDeps {
  runs: RecordStore<RunRecord>;
  restore: Pick<Azure['restore'], 'deleteStagingBlobs'>;
  logger: Logger;
  /** How long a failed run may still be retried (APPROVAL_TTL_MINUTES): its staged files wait that long. */
  retryWithinMs: number;
  now?: () => number;
}

/** Whether a restore run is over for good: succeeded, or failed with no retry possible (not retryable, or expired). */
export function restoreRunOver(run: Run, now: number, retryWithinMs: number): boolean {
  if (run.status === 'succeeded' || run.status === 'cancelled') return true;
  if (run.status !== 'failed') return false;
  if (!run.error || !restoreRetryable(run.step, run.error)) return true;
  return Date.parse(run.updatedAt) + retryWithinMs <= now;
}

/**
 * The staged files of a restore (the VM config, the template and the encryption info, which holds the wrapped key
 * and secret) deleted once the run is over, however it ended: at once when it cannot be retried, else when its retry
 * expires; and, swept periodically, whatever a run that crashed or was stopped left behind. Records the deletion in
 * the run's checkpoint (`stagingDeletedAt`) so each run's files are deleted once.
 */
export class StagingSweep {
  private readonly now: () => number;

  constructor(private readonly deps: StagingSweepDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Deletes the run's staged files if it is over and they are still there; true when it deleted now. */
  async cleanUp(run: Run): Promise<boolean> {
    const cp = run.checkpoint;
    if (run.kind !== RESTORE_RUN_KIND || !cp?.outputs || cp.stagingDeletedAt) return false;
    if (run.status === 'succeeded' && cp.deleted) return false; // its own last step deleted them
    if (!restoreRunOver(run, this.now(), this.deps.retryWithinMs)) return false;
    const { deleted } = await this.deps.restore.deleteStagingBlobs(cp.outputs);
    await this.deps.runs.update(run.id, (cur) => {
      const c = cur as unknown as Run | undefined;
      if (!c || c.status === 'running') return undefined;
      const stagingDeletedAt = new Date(this.now()).toISOString();
      return { ...c, checkpoint: { ...c.checkpoint, stagingDeletedAt } } as unknown as RunRecord;
    });
    this.deps.logger.info(
      { runId: run.id, status: run.status, deleted: deleted.length },
      'staged restore files deleted',
    );
    return true;
  }

  /** Every restore run that is over and still has staged files. */
  async sweep(): Promise<number> {
    let cleaned = 0;
    for (const { value } of await this.deps.runs.list()) {
      try {
        if (await this.cleanUp(value as unknown as Run)) cleaned++;
      } catch (err) {
        this.deps.logger.warn(
          { err, runId: value.id },
          'staged restore files could not be deleted; the sweep tries again',
        );
      }
    }
    return cleaned;
  }
}
