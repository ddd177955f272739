import type { Logger } from '../log';
import type { RecordStore } from '../store';
import type { RunRecord } from './types';

/** An entry of the index of unfinished runs: the sweep reads these, not every run ever stored. */
interface OpenRun {
  kind: string;
  at: string;
}

/**
 * The index of runs that may still need work: `<collection>-open/<id>`, one entry per run. An entry is written
 * before its run exists and dropped once the run has finished, so a crash in between leaves an entry the sweep drops,
 * never a run it cannot find. The first sweep of a process lists every run once and rebuilds the index from it (runs
 * stored by an older version, an entry lost to a crash).
 */
export class OpenRunIndex {
  private readonly open: RecordStore<OpenRun>;
  /** Whether this process has rebuilt the index from a full listing. */
  private indexed = false;

  constructor(
    private readonly runs: RecordStore<RunRecord>,
    private readonly logger: Logger,
    private readonly iso: () => string,
  ) {
    this.open = runs.sibling<OpenRun>(`${runs.collection}-open`);
  }

  /** Records a run as open (create-if-absent: an existing entry is kept). */
  async add(id: string, kind: string): Promise<void> {
    await this.open.create(id, { kind, at: this.iso() });
  }

  /** The ids of every open run; the first call of a process rebuilds the index from the runs themselves. */
  async ids(): Promise<string[]> {
    if (!this.indexed) {
      for (const { id, value } of await this.runs.list()) {
        if (value.status === 'running') await this.add(id, value.kind);
      }
      this.indexed = true;
    }
    return (await this.open.list()).map(({ id }) => id);
  }

  /** Drops an entry whose run is gone or finished. */
  async drop(id: string): Promise<void> {
    await this.open.delete(id);
  }

  /** Drops a finished run from the index; a failure to do so is logged (the next sweep drops it). */
  async closed(run: RunRecord): Promise<void> {
    if (run.status === 'running') return;
    await this.open
      .delete(run.id)
      .catch((err: unknown) =>
        this.logger.warn({ err, runId: run.id }, 'could not drop a finished run from the index'),
      );
  }
}
