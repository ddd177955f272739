import { DurableRunEngine } from '../../src/runs/engine';
import type { RunRecord } from '../../src/runs/types';
import { createLogger } from '../../src/log';
import { SqliteStorage, storeOn, type DurableStorage, type ListOptions } from '../../src/store';

const logger = createLogger({ level: 'silent' });

/** Counts what the backend hands out (listed or read): on Blob, one GET each, per replica, per sweep. */
function counting(inner: SqliteStorage): { storage: DurableStorage; reads: () => number } {
  let n = 0;
  const storage = Object.assign(Object.create(inner) as SqliteStorage, {
    list: async (prefix: string, options?: ListOptions) => {
      const items = await inner.list(prefix, options);
      n += items.length;
      return items;
    },
    read: async (keys: string[]) => {
      const items = await inner.read(keys);
      n += Object.keys(items).length;
      return items;
    },
  });
  return { storage, reads: () => n };
}

const run = (id: string, status: RunRecord['status']): RunRecord => ({
  id,
  kind: 'work',
  status,
  step: 'one',
  checkpoint: {},
  attempt: 0,
  createdAt: new Date().toISOString(),
  updatedAt: new Date().toISOString(),
});

describe('the run engine sweep reads only unfinished runs', () => {
  it('finds an unindexed run once at start-up, then reads only the index; finished runs leave it', async () => {
    const inner = new SqliteStorage(':memory:');
    const { storage, reads } = counting(inner);
    const store = storeOn(storage);
    const runs = store.records<RunRecord>('runs');
    // 200 finished runs, and one left running by a process that died before this version kept an index.
    for (let i = 0; i < 200; i++) await runs.create(`done:${i}`, run(`done:${i}`, 'succeeded'));
    await runs.create('left', run('left', 'running'));

    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const engine = new DurableRunEngine({ store: runs, logger, takeoverIntervalMs: 0, leaseMs: 60_000 });
    engine.register({
      kind: 'work',
      firstStep: 'one',
      steps: { one: async () => (await gate, { next: 'done', checkpoint: {} }) },
    });
    expect(await engine.resumeAll()).toBe(1); // the first sweep lists everything once
    const before = reads();
    await engine.resumeAll(); // a periodic sweep: the index (one entry) and that run
    expect(reads() - before).toBeLessThanOrEqual(3);

    release();
    await engine.idle();
    expect((await runs.get('left'))?.value.status).toBe('succeeded');
    expect(await inner.list('runs-open/')).toEqual([]); // a finished run leaves the index
    const after = reads();
    await engine.resumeAll();
    expect(reads() - after).toBe(0);
    await engine.stop();
    await store.close();
  });
});
