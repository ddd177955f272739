/**
 * The run engine's sweep (every replica, every leaseMs / 2 = 15 s: "is there a run whose replica died?") with 10,000
 * finished runs in the store and a few unfinished ones another replica works. Measures one sweep's time and how many
 * records it reads (on Blob, each is one GET per replica per sweep), for the first sweep of a process (start-up) and
 * the periodic ones after it. Runs alone: `npx tsx bench/scenarios/runSweep.ts [finished]`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StoreItems } from 'botbuilder';
import { createLogger } from '../../src/log';
import { DurableRunEngine } from '../../src/runs/engine';
import type { RunRecord } from '../../src/runs/types';
import * as store from '../../src/store';
import type { DurableStorage, ListedItem, ListOptions } from '../../src/store';
import { medianOf } from '../support/stats';

export interface RunSweepResult {
  finishedRuns: number;
  unfinishedRuns: number;
  /** The first sweep of a process. */
  startup: { ms: number; recordsRead: number };
  /** Each later sweep (median of `sweeps`). */
  periodic: { ms: number; recordsRead: number; sweeps: number };
}

/** Counts the records a backend hands out (listed or read): what Blob would download. */
class Counting {
  read = 0;
  constructor(readonly inner: DurableStorage) {}
  wrap(): DurableStorage {
    return new Proxy(this.inner, {
      get: (target, prop, receiver) => {
        if (prop === 'list') {
          return async (prefix: string, options?: ListOptions): Promise<ListedItem[]> => {
            const items = await target.list(prefix, options);
            this.read += items.length;
            return items;
          };
        }
        if (prop === 'read') {
          return async (keys: string[]): Promise<StoreItems> => {
            const items = await target.read(keys);
            this.read += Object.keys(items).length;
            return items;
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }
}

export async function runSweep(finished = 10_000, unfinished = 5, sweeps = 20): Promise<RunSweepResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ade-bench-sweep-'));
  try {
    const counting = new Counting(new store.SqliteStorage(path.join(dir, 'bot.sqlite')));
    const storage = counting.wrap();
    // Signed as the bot stores them, where this version signs runs.
    const signer = 'RecordSigner' in store ? new store.RecordSigner(randomBytes(32)) : undefined;
    const s = store.storeOn(storage, { signer } as never);
    const runs: store.RecordStore<RunRecord> =
      'signed' in s && signer ? s.signed<RunRecord>('runs') : s.records<RunRecord>('runs');
    const at = new Date().toISOString();
    for (let i = 0; i < finished + unfinished; i++) {
      const done = i < finished;
      await runs.create(`bench:${i}`, {
        id: `bench:${i}`,
        kind: 'bench',
        status: done ? 'succeeded' : 'running',
        step: done ? 'done' : 'wait',
        checkpoint: { i },
        attempt: 0,
        // Another replica on another host works the unfinished ones (its lease is fresh).
        ...(done ? {} : { lease: { owner: 'other-host:1:abcd', until: Date.now() + 3600_000 } }),
        createdAt: at,
        updatedAt: at,
      });
      // Where the index of unfinished runs exists, the engine keeps it; seeding writes it as start() would.
      if (!done) await storage.create(`runs-open/bench:${i}`, { kind: 'bench', at });
    }
    const engine = new DurableRunEngine({
      store: runs,
      logger: createLogger({ level: 'silent' }),
      takeoverIntervalMs: 0,
      leaseMs: 3600_000,
    });
    engine.register({
      kind: 'bench',
      firstStep: 'wait',
      steps: { wait: async () => ({ next: 'done', checkpoint: {} }) },
    });

    const measure = async () => {
      counting.read = 0;
      const t0 = process.hrtime.bigint();
      await engine.resumeAll();
      return { ms: Number(process.hrtime.bigint() - t0) / 1e6, recordsRead: counting.read };
    };
    const startup = await measure();
    const periodic: { ms: number; recordsRead: number }[] = [];
    for (let i = 0; i < sweeps; i++) periodic.push(await measure());
    await engine.stop();
    await s.close();
    return {
      finishedRuns: finished,
      unfinishedRuns: unfinished,
      startup: { ms: round(startup.ms), recordsRead: startup.recordsRead },
      periodic: { ...medianOf(periodic), ms: round(medianOf(periodic).ms), sweeps },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (v: number) => Math.round(v * 100) / 100;

if (require.main === module) {
  const finished = Number(process.argv[2] ?? 10_000);
  void runSweep(finished).then((r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`));
}
