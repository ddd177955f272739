import { randomUUID } from 'node:crypto';

/**
 * One clock for everything that takes time in the sandbox: long-running operations and jobs.
 * Work is settled lazily: every request first calls `settle()`, which runs every task that is due,
 * in order. Tests make time pass by waiting (timings are short) or by `advance(ms)`.
 */
export class Engine {
  private offsetMs = 0;
  private readonly tasks: { at: number; seq: number; run: () => void }[] = [];
  private seq = 0;
  readonly operations = new Map<string, Operation>();

  now(): number {
    return Date.now() + this.offsetMs;
  }

  nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  /** Moves the sandbox clock forward (admin endpoint and tests). */
  advance(ms: number): void {
    this.offsetMs += ms;
    this.settle();
  }

  /** Runs `run` once the clock reaches `at`. */
  schedule(at: number, run: () => void): void {
    this.tasks.push({ at, seq: this.seq++, run });
    this.tasks.sort((a, b) => a.at - b.at || a.seq - b.seq);
  }

  settle(): void {
    const now = this.now();
    while (this.tasks.length > 0 && this.tasks[0].at <= now) {
      const task = this.tasks.shift()!;
      task.run();
    }
  }

  /**
   * Starts a long-running operation. `complete` runs once, when the operation is due, and decides its outcome
   * (and applies its consequences to the world).
   */
  startOperation(durationMs: number, complete: () => OperationOutcome, id: string = randomUUID()): Operation {
    const op: Operation = { id, status: 'InProgress', startTime: this.nowIso() };
    this.operations.set(id.toLowerCase(), op);
    this.schedule(this.now() + durationMs, () => {
      const outcome = complete();
      op.status = outcome.status;
      op.endTime = this.nowIso();
      op.error = outcome.error;
      op.properties = outcome.properties;
      op.result = outcome.result;
    });
    return op;
  }

  /** An operation that is already finished (Azure answers some requests synchronously but still hands out an id). */
  finishedOperation(outcome: OperationOutcome, id: string = randomUUID()): Operation {
    const op: Operation = { id, startTime: this.nowIso(), endTime: this.nowIso(), ...outcome };
    this.operations.set(id.toLowerCase(), op);
    return op;
  }

  getOperation(id: string): Operation | undefined {
    this.settle();
    return this.operations.get(id.toLowerCase());
  }
}

export interface OperationOutcome {
  status: 'Succeeded' | 'Failed' | 'Canceled';
  error?: { code: string; message: string };
  /** Extra properties on the operation status body, e.g. { objectType: 'OperationStatusJobExtendedInfo', jobId }. */
  properties?: Record<string, unknown>;
  /** The final resource body, for operations whose final GET returns one. */
  result?: unknown;
}

export interface Operation {
  id: string;
  status: 'InProgress' | 'Succeeded' | 'Failed' | 'Canceled';
  startTime: string;
  endTime?: string;
  error?: { code: string; message: string };
  properties?: Record<string, unknown>;
  result?: unknown;
}
