import type { Logger } from '../log';
import type { RecordStore } from '../store';

/**
 * Durable long-running work (a restore run, a backup job being followed to its end) that survives a restart:
 * advanced step by step, with a checkpoint stored after each step (and inside a step via `save`), claimed by one
 * replica at a time through a lease in the store, resumed on start from the last checkpoint.
 * Checkpoints hold ids, names and URLs — never key or secret material.
 */

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface RunRecord<C extends object = Record<string, unknown>> {
  /** Unique and deterministic for the work, e.g. `restore:<requestId>`, `follow-job:<vault>:<jobId>`: starting twice is a no-op. */
  id: string;
  kind: string;
  status: RunStatus;
  /** The step to run next (or the step that failed). */
  step: string;
  checkpoint: C;
  /** Attempts of the current step. */
  attempt: number;
  error?: { code: string; message: string; step: string; requestId?: string };
  /** The replica working on it, until when. */
  lease?: { owner: string; until: number };
  createdAt: string;
  updatedAt: string;
}

export interface StepContext<C extends object> {
  signal: AbortSignal;
  /** Stores part of the checkpoint now, before the step ends (e.g. a restore job id as soon as Azure names it). */
  save(patch: Partial<C>): Promise<void>;
}

export type StepResult<C extends object> =
  /** Go to `next` (or finish with 'done') with the new checkpoint. */
  | { next: string | 'done'; checkpoint: C }
  /** Run the same step again after `delayMs` (polling a job); the checkpoint may change. */
  | { again: true; delayMs: number; checkpoint?: C };

export interface RunKind<C extends object> {
  kind: string;
  firstStep: string;
  steps: Record<string, (run: RunRecord<C>, ctx: StepContext<C>) => Promise<StepResult<C>>>;
  /** Called after every stored change (step done, failure, finish): update the cards that show this run. */
  onChange?: (run: RunRecord<C>) => Promise<void>;
  /**
   * Checked before this replica works a run, at its start and on every resume or retry: a refusal fails the run at
   * its current step with the refusal's code, before any step runs (nothing is done in Azure).
   */
  authorize?: (run: RunRecord<C>) => Promise<{ code: string; message: string } | undefined>;
  /** Whether a failure of this step may be retried by a person (Retry button). */
  retryable?: (step: string, error: NonNullable<RunRecord<C>['error']>) => boolean;
}

export interface RunEngine {
  register<C extends object>(kind: RunKind<C>): void;
  /** Starts the run, or returns the existing one with that id (never starts the same work twice). */
  start<C extends object>(kind: string, id: string, checkpoint: C): Promise<RunRecord<C>>;
  get<C extends object>(id: string): Promise<RunRecord<C> | undefined>;
  /** Re-runs a failed run from its failed step. */
  retry(id: string): Promise<RunRecord | undefined>;
  /** On start: picks up every unfinished run (expired lease or none) from its last checkpoint. */
  resumeAll(): Promise<number>;
  /** Stops working (releases leases); unfinished runs stay stored for the next start. */
  stop(): Promise<void>;
}

/** How a DurableRunEngine (src/runs/engine.ts) is set up. */
export interface RunEngineOptions {
  /** Where runs live (one record per run, changed only by compare-and-set). */
  store: RecordStore<RunRecord>;
  logger: Logger;
  /** This replica's name in leases; unique per process by default. */
  owner?: string;
  /** How long a claim lasts without renewal. A dead replica's runs are taken over once it lapses. */
  leaseMs?: number;
  /** How often this replica looks for runs whose lease lapsed (0 = only on resumeAll). Default leaseMs / 2. */
  takeoverIntervalMs?: number;
  /** Attempts of one step on transient errors (429, 5xx, dropped connections) before the run fails. */
  maxAttempts?: number;
  /** Wait before attempt n+1 of a step after a transient error. */
  retryDelayMs?: (attempt: number) => number;
  now?: () => number;
  /** Whether a lease's owner is known to be dead (default: a process of this host that no longer exists). */
  isDead?: (owner: string) => boolean;
}
