import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { DurableRunEngine } from '../../src/runs/engine';
import type { RunKind, RunRecord } from '../../src/runs/types';
import { createLogger } from '../../src/log';
import { SqliteStorage, storeOn, type RecordStore } from '../../src/store';

interface Cp {
  done: string[];
  jobId?: string;
  polls?: number;
}

const logger = createLogger({ level: 'silent' });
const FAST = { leaseMs: 200, retryDelayMs: () => 5 };

function setup() {
  const store = storeOn(new SqliteStorage(':memory:'));
  const runs = store.records<RunRecord>('runs') as RecordStore<RunRecord>;
  const engines: DurableRunEngine[] = [];
  const engine = (options: Partial<ConstructorParameters<typeof DurableRunEngine>[0]> = {}) => {
    const e = new DurableRunEngine({ store: runs, logger, ...FAST, ...options });
    engines.push(e);
    return e;
  };
  return { store, runs, engine, close: async () => Promise.all(engines.map((e) => e.stop())) };
}

/** A three-step kind whose steps record themselves; `behaviour` can make a step throw or hang. */
function kindOf(
  calls: string[],
  behaviour: Partial<Record<string, (cp: Cp, n: number, signal: AbortSignal) => Promise<void>>> = {},
) {
  const counts: Record<string, number> = {};
  const changes: RunRecord<Cp>[] = [];
  const step =
    (name: string, next: string) =>
    async (run: RunRecord<Cp>, ctx: { signal: AbortSignal; save(p: Partial<Cp>): Promise<void> }) => {
      counts[name] = (counts[name] ?? 0) + 1;
      calls.push(name);
      await behaviour[name]?.(run.checkpoint, counts[name], ctx.signal);
      if (name === 'b') await ctx.save({ jobId: 'job-1' });
      return { next, checkpoint: { ...run.checkpoint, done: [...run.checkpoint.done, name] } };
    };
  const kind: RunKind<Cp> = {
    kind: 'test',
    firstStep: 'a',
    steps: { a: step('a', 'b'), b: step('b', 'c'), c: step('c', 'done') },
    onChange: async (run) => {
      changes.push(run);
    },
    retryable: (stepName, error) => error.code !== 'NotSafe',
  };
  return { kind, changes };
}

const until = async (check: () => Promise<boolean> | boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('DurableRunEngine', () => {
  it('runs the steps in order, storing each checkpoint, and reports every change', async () => {
    const t = setup();
    const calls: string[] = [];
    const { kind, changes } = kindOf(calls);
    const engine = t.engine();
    engine.register(kind);
    await engine.start('test', 'run-1', { done: [] });
    await engine.idle('run-1');
    const run = await engine.get<Cp>('run-1');
    expect(run).toMatchObject({
      status: 'succeeded',
      step: 'done',
      checkpoint: { done: ['a', 'b', 'c'], jobId: 'job-1' },
    });
    expect(run?.lease).toBeUndefined();
    expect(calls).toEqual(['a', 'b', 'c']);
    expect(changes.map((c) => `${c.status}:${c.step}`)).toEqual([
      'running:a',
      'running:b',
      'running:b', // the save inside step b
      'running:c',
      'succeeded:done',
    ]);
    await t.close();
  });

  it('starts the same work once, however often it is started', async () => {
    const t = setup();
    const calls: string[] = [];
    const engine = t.engine();
    engine.register(kindOf(calls).kind);
    await Promise.all([1, 2, 3].map(() => engine.start('test', 'run-once', { done: [] })));
    await engine.idle();
    await engine.start('test', 'run-once', { done: [] });
    await engine.idle();
    expect(calls).toEqual(['a', 'b', 'c']);
    await t.close();
  });

  it('retries a step on transient errors, then fails a run at the step that keeps failing', async () => {
    const t = setup();
    const calls: string[] = [];
    const throttled = Object.assign(new Error('Too many requests'), { statusCode: 429 });
    const denied = Object.assign(new Error('The client does not have authorization'), {
      details: { code: 'AuthorizationFailed', statusCode: 403, requestId: 'req-42' },
    });
    const { kind } = kindOf(calls, {
      a: async (_cp, n) => {
        if (n < 3) throw throttled;
      },
      b: async () => {
        throw denied;
      },
    });
    const engine = t.engine();
    engine.register(kind);
    await engine.start('test', 'run-2', { done: [] });
    await engine.idle();
    const run = await engine.get<Cp>('run-2');
    expect(calls).toEqual(['a', 'a', 'a', 'b']);
    expect(run).toMatchObject({
      status: 'failed',
      step: 'b',
      checkpoint: { done: ['a'] },
      error: { code: 'AuthorizationFailed', step: 'b', requestId: 'req-42' },
    });
    await t.close();
  });

  it('gives up on a transient error after maxAttempts', async () => {
    const t = setup();
    const calls: string[] = [];
    const { kind } = kindOf(calls, {
      a: async () => {
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      },
    });
    const engine = t.engine({ maxAttempts: 3 });
    engine.register(kind);
    await engine.start('test', 'run-3', { done: [] });
    await engine.idle();
    expect(calls).toEqual(['a', 'a', 'a']);
    expect(await engine.get('run-3')).toMatchObject({ status: 'failed', attempt: 3, error: { code: 'ECONNRESET' } });
    await t.close();
  });

  it('retries a failed run from the failed step, not from the start, when the kind allows it', async () => {
    const t = setup();
    const calls: string[] = [];
    let broken = true;
    const { kind } = kindOf(calls, {
      c: async () => {
        if (broken) throw Object.assign(new Error('no'), { code: 'Conflict' });
      },
    });
    const engine = t.engine();
    engine.register(kind);
    await engine.start('test', 'run-4', { done: [] });
    await engine.idle();
    expect((await engine.get('run-4'))?.status).toBe('failed');
    broken = false;
    await engine.retry('run-4');
    await engine.idle();
    expect(calls).toEqual(['a', 'b', 'c', 'c']);
    expect(await engine.get('run-4')).toMatchObject({ status: 'succeeded', checkpoint: { done: ['a', 'b', 'c'] } });
    expect((await engine.retry('run-4'))?.status).toBe('succeeded'); // nothing to retry
    await t.close();
  });

  it('refuses a retry the kind marks unsafe', async () => {
    const t = setup();
    const calls: string[] = [];
    const { kind } = kindOf(calls, {
      b: async () => {
        throw Object.assign(new Error('job failed'), { code: 'NotSafe' });
      },
    });
    const engine = t.engine();
    engine.register(kind);
    await engine.start('test', 'run-5', { done: [] });
    await engine.idle();
    expect((await engine.retry('run-5'))?.status).toBe('failed');
    await engine.idle();
    expect(calls).toEqual(['a', 'b']);
    await t.close();
  });

  it('stores what a step saves before the step ends', async () => {
    const t = setup();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const engine = t.engine();
    engine.register<Cp>({
      kind: 'test',
      firstStep: 'start',
      steps: {
        start: async (run, ctx) => {
          await ctx.save({ jobId: 'job-early' });
          await gate;
          return { next: 'done', checkpoint: { ...run.checkpoint, jobId: 'job-early', done: ['start'] } };
        },
      },
    });
    await engine.start('test', 'run-6', { done: [] });
    await until(async () => (await t.runs.get('run-6'))?.value.checkpoint.jobId === 'job-early');
    expect((await t.runs.get('run-6'))?.value.status).toBe('running');
    release();
    await engine.idle();
    await t.close();
  });

  it('polls a step that asks to run again, storing its progress', async () => {
    const t = setup();
    const engine = t.engine();
    engine.register<Cp>({
      kind: 'test',
      firstStep: 'poll',
      steps: {
        poll: async (run) => {
          const polls = (run.checkpoint.polls ?? 0) + 1;
          if (polls < 4) return { again: true, delayMs: 5, checkpoint: { ...run.checkpoint, polls } };
          return { next: 'done', checkpoint: { ...run.checkpoint, polls } };
        },
      },
    });
    await engine.start('test', 'run-7', { done: [] });
    await engine.idle();
    expect(await engine.get('run-7')).toMatchObject({ status: 'succeeded', checkpoint: { polls: 4 } });
    await t.close();
  });

  it('resumes an unfinished run from its last checkpoint on start', async () => {
    const t = setup();
    const at = new Date().toISOString();
    await t.runs.create('run-8', {
      id: 'run-8',
      kind: 'test',
      status: 'running',
      step: 'c',
      checkpoint: { done: ['a', 'b'] },
      attempt: 0,
      createdAt: at,
      updatedAt: at,
    });
    const calls: string[] = [];
    const engine = t.engine();
    engine.register(kindOf(calls).kind);
    expect(await engine.resumeAll()).toBe(1);
    await engine.idle();
    expect(calls).toEqual(['c']);
    expect(await engine.get('run-8')).toMatchObject({ status: 'succeeded', checkpoint: { done: ['a', 'b', 'c'] } });
    await t.close();
  });

  it("leaves a run alone while another replica's lease holds, and takes it over once the lease lapses", async () => {
    const t = setup();
    const at = new Date().toISOString();
    await t.runs.create('run-9', {
      id: 'run-9',
      kind: 'test',
      status: 'running',
      step: 'b',
      checkpoint: { done: ['a'] },
      attempt: 0,
      lease: { owner: 'replica-that-died', until: Date.now() + 300 },
      createdAt: at,
      updatedAt: at,
    });
    const calls: string[] = [];
    const engine = t.engine({ takeoverIntervalMs: 50 });
    engine.register(kindOf(calls).kind);
    expect(await engine.resumeAll()).toBe(0);
    expect(calls).toEqual([]);
    await until(async () => (await engine.get('run-9'))?.status === 'succeeded');
    expect(calls).toEqual(['b', 'c']);
    await t.close();
  });

  it('takes over at once the runs of a process of this host that died (a restart)', async () => {
    const t = setup();
    const dead = spawnSync(process.execPath, ['-e', '']).pid; // exited: its pid is free
    const at = new Date().toISOString();
    await t.runs.create('run-dead', {
      id: 'run-dead',
      kind: 'test',
      status: 'running',
      step: 'b',
      checkpoint: { done: ['a'] },
      attempt: 0,
      lease: { owner: `${hostname()}:${dead}:0badcafe`, until: Date.now() + 600_000 },
      createdAt: at,
      updatedAt: at,
    });
    const calls: string[] = [];
    const engine = t.engine({ takeoverIntervalMs: 0 });
    engine.register(kindOf(calls).kind);
    expect(await engine.resumeAll()).toBe(1);
    await engine.idle();
    expect(calls).toEqual(['b', 'c']);
    // A live process's lease (this one's pid, another engine) is respected.
    await t.runs.create('run-alive', {
      id: 'run-alive',
      kind: 'test',
      status: 'running',
      step: 'b',
      checkpoint: { done: ['a'] },
      attempt: 0,
      lease: { owner: `${hostname()}:${process.pid}:0badcafe`, until: Date.now() + 600_000 },
      createdAt: at,
      updatedAt: at,
    });
    expect(await engine.resumeAll()).toBe(0);
    await t.close();
  });

  it('lets only one of two replicas work a run', async () => {
    const t = setup();
    const calls: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const one = t.engine({ owner: 'one' });
    const two = t.engine({ owner: 'two', takeoverIntervalMs: 20 });
    one.register(kindOf(calls, { a: () => gate }).kind);
    two.register(kindOf(calls, { a: () => gate }).kind);
    await one.start('test', 'run-10', { done: [] });
    await two.start('test', 'run-10', { done: [] });
    await two.resumeAll();
    // Longer than a lease: the heartbeat keeps replica one's claim alive while its step runs.
    await new Promise((r) => setTimeout(r, 500));
    expect((await t.runs.get('run-10'))?.value.lease?.owner).toBe('one');
    release();
    await until(async () => (await one.get('run-10'))?.status === 'succeeded');
    await two.idle();
    expect(calls).toEqual(['a', 'b', 'c']);
    await t.close();
  });

  it('aborts the step in flight on stop and hands the run to the next replica at once', async () => {
    const t = setup();
    const calls: string[] = [];
    const first = t.engine({ owner: 'first', leaseMs: 60_000 });
    first.register(
      kindOf(calls, {
        // A step that waits on Azure until told to stop.
        b: (_cp, n, signal) =>
          n === 1
            ? new Promise<void>((_resolve, reject) =>
                signal.addEventListener('abort', () =>
                  reject(Object.assign(new Error('aborted'), { name: 'AbortError' })),
                ),
              )
            : Promise.resolve(),
      }).kind,
    );
    await first.start('test', 'run-11', { done: [] });
    await until(() => calls.includes('b'));
    await first.stop();
    const stored = (await t.runs.get('run-11'))?.value;
    expect(stored).toMatchObject({ status: 'running', step: 'b' });
    expect(stored?.lease).toBeUndefined();

    const second = t.engine({ owner: 'second', leaseMs: 60_000 });
    second.register(kindOf(calls).kind);
    expect(await second.resumeAll()).toBe(1);
    await second.idle();
    expect(calls).toEqual(['a', 'b', 'b', 'c']);
    expect((await second.get('run-11'))?.status).toBe('succeeded');
    await t.close();
  });
});
