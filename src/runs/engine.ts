import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeFailure, isAbort, isTransient } from './failures';
import { deadOnThisHost, heldByOther } from './lease';
import { OpenRunIndex } from './openRuns';
import type { RunEngine, RunEngineOptions, RunKind, RunRecord, StepContext, StepResult } from './types';
import { countMetric, inSpan } from '../telemetry';

type AnyKind = RunKind<Record<string, unknown>>;
type AnyRun = RunRecord;

/**
 * The durable run engine (src/runs/types.ts), for any kind of long-running work. How to use it:
 *
 *   engine.register({ kind: 'follow-backup-job', firstStep: 'poll', steps: { poll: async (run, ctx) => ... },
 *                     onChange: async (run) => updateCards(run), retryable: (step, error) => ... });
 *   await engine.resumeAll();                        // once every kind is registered, at start-up
 *   await engine.start('follow-backup-job', `follow-job:${vault}:${jobId}`, { vault, jobId });
 *
 * A step gets the run (its checkpoint) and `{ signal, save }`, and returns `{ next, checkpoint }` to move on (or
 * `next: 'done'`), or `{ again: true, delayMs }` to run again later (polling). Write a step so that running it twice
 * is harmless: after a crash it runs again from the last stored checkpoint; use `save` to store an id the moment Azure
 * hands it out (a started job), and look for it before starting anything a second time. What a step returns is merged
 * over what it saved, so a saved id is never lost by returning the checkpoint the step started from.
 *
 * Guarantees: a run id is created once (create-if-absent), so starting the same work twice is a no-op. Every change
 * is a compare-and-set on the record and requires this replica's lease, so two replicas never both work a run; the
 * lease is renewed while a step runs and taken over by another replica once it lapses (a dead process). A transient
 * error retries the step up to `maxAttempts`, with back-off; anything else fails the run at that step, with the
 * error's code, message and Azure request id (never key material: steps must not put it in errors or checkpoints).
 * `retry(id)` re-runs a failed run from the failed step when the kind's `retryable` allows it. `stop()` aborts the
 * steps in flight (their `signal`) and releases the leases so another replica can continue at once.
 */
export class DurableRunEngine implements RunEngine {
  readonly owner: string;
  private readonly kinds = new Map<string, AnyKind>();
  private readonly active = new Map<string, Promise<void>>();
  private readonly controller = new AbortController();
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: (attempt: number) => number;
  private readonly now: () => number;
  private readonly isDead: (owner: string) => boolean;
  private takeoverTimer?: NodeJS.Timeout;
  private stopped = false;
  /** Every run that may still need work (the sweep reads it, not every run ever stored). */
  private readonly open: OpenRunIndex;

  constructor(private readonly options: RunEngineOptions) {
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.isDead = options.isDead ?? deadOnThisHost;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.retryDelayMs = options.retryDelayMs ?? ((n) => Math.min(30_000, 1000 * 2 ** n));
    this.now = options.now ?? Date.now;
    this.open = new OpenRunIndex(options.store, options.logger, () => this.iso());
  }

  register<C extends object>(kind: RunKind<C>): void {
    if (this.kinds.has(kind.kind)) throw new Error(`Run kind '${kind.kind}' is already registered.`);
    this.kinds.set(kind.kind, kind as unknown as AnyKind);
  }

  async start<C extends object>(kind: string, id: string, checkpoint: C): Promise<RunRecord<C>> {
    const k = this.kindOf(kind);
    const at = new Date(this.now()).toISOString();
    const record: AnyRun = {
      id,
      kind,
      status: 'running',
      step: k.firstStep,
      checkpoint: checkpoint as Record<string, unknown>,
      attempt: 0,
      createdAt: at,
      updatedAt: at,
    };
    // Indexed before it exists: a crash in between leaves an entry the sweep drops, never a run it cannot find.
    await this.open.add(id, kind);
    const created = await this.options.store.create(id, record);
    const stored = created ? record : (await this.options.store.get(id))!.value;
    if (created) await this.notify(stored);
    if (stored.status === 'running') await this.work(id);
    return stored as unknown as RunRecord<C>;
  }

  async get<C extends object>(id: string): Promise<RunRecord<C> | undefined> {
    return (await this.options.store.get(id))?.value as RunRecord<C> | undefined;
  }

  async retry(id: string): Promise<RunRecord | undefined> {
    const current = await this.get(id);
    if (!current) return undefined;
    const kind = this.kinds.get(current.kind);
    if (current.status === 'failed') await this.open.add(id, current.kind);
    const { value, changed } = await this.options.store.update(id, (run) => {
      if (!run || run.status !== 'failed' || !kind) return undefined;
      if (run.error && kind.retryable && !kind.retryable(run.step, run.error)) return undefined;
      const { error: _error, lease: _lease, ...rest } = run;
      return { ...rest, status: 'running', attempt: 0, updatedAt: this.iso() };
    });
    if (changed && value) {
      this.options.logger.info({ runId: id, step: value.step }, 'run retried');
      await this.notify(value);
      await this.work(id);
    }
    return value as RunRecord | undefined;
  }

  async resumeAll(): Promise<number> {
    if (this.stopped) return 0;
    // The sweep starts whatever this first look finds (a store that is down now may answer at the next one).
    const every = this.options.takeoverIntervalMs ?? this.leaseMs / 2;
    if (every > 0 && !this.takeoverTimer) {
      this.takeoverTimer = setInterval(() => {
        this.claimAbandoned().catch((err: unknown) =>
          this.options.logger.warn({ err }, 'looking for abandoned runs failed'),
        );
      }, every);
      this.takeoverTimer.unref();
    }
    let claimed = 0;
    try {
      claimed = await this.claimAbandoned();
    } catch (err) {
      this.options.logger.error({ err }, 'resuming runs failed; the sweep tries again');
    }
    if (claimed > 0) this.options.logger.info({ count: claimed }, 'runs resumed');
    return claimed;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.takeoverTimer) clearInterval(this.takeoverTimer);
    this.controller.abort();
    const ids = [...this.active.keys()];
    await this.idle();
    // Hand the runs back at once instead of making another replica wait for the lease to lapse.
    await Promise.allSettled(
      ids.map((id) =>
        this.options.store.update(id, (run) => {
          if (!run || run.lease?.owner !== this.owner) return undefined;
          const { lease: _lease, ...rest } = run;
          return rest;
        }),
      ),
    );
  }

  /** Waits until this replica is not working on `id` any more (tests, shutdown). */
  async idle(id?: string): Promise<void> {
    for (;;) {
      const pending = id ? [this.active.get(id)].filter((p) => p !== undefined) : [...this.active.values()];
      if (pending.length === 0) return;
      await Promise.allSettled(pending);
    }
  }

  /** Claims every running run of a registered kind whose lease lapsed (or that has none), and works it. */
  private async claimAbandoned(): Promise<number> {
    if (this.stopped) return 0;
    let claimed = 0;
    for (const id of await this.open.ids()) {
      if (this.active.has(id)) continue;
      const value = (await this.options.store.get(id))?.value;
      if (!value || value.status !== 'running') {
        await this.open.drop(id);
        continue;
      }
      if (!this.kinds.has(value.kind) || this.heldByOther(value)) continue;
      if (await this.work(id)) claimed++;
    }
    return claimed;
  }

  /** Claims the run and starts working it in the background; false when another replica holds it. */
  private async work(id: string): Promise<boolean> {
    if (this.stopped || this.active.has(id)) return false;
    // Reserve the slot before the claim's await, so a second call in the same tick does not claim twice.
    let release!: () => void;
    const reserved = new Promise<void>((resolve) => (release = resolve));
    this.active.set(id, reserved);
    try {
      const run = await this.claim(id);
      if (!run) {
        this.active.delete(id);
        return false;
      }
      const loop = this.loop(run)
        .catch((err: unknown) => this.options.logger.error({ err, runId: id }, 'run loop failed'))
        .finally(() => this.active.delete(id));
      this.active.set(id, loop);
      return true;
    } catch (err) {
      this.active.delete(id);
      throw err;
    } finally {
      release();
    }
  }

  private async claim(id: string): Promise<AnyRun | undefined> {
    const { value, changed } = await this.options.store.update(id, (run) => {
      if (!run || run.status !== 'running' || this.heldByOther(run)) return undefined;
      return { ...run, lease: { owner: this.owner, until: this.now() + this.leaseMs } };
    });
    return changed ? value : undefined;
  }

  private heldByOther(run: AnyRun): boolean {
    return heldByOther(run.lease, this.owner, this.now(), this.isDead);
  }

  private async loop(initial: AnyRun): Promise<void> {
    let run = initial;
    const kind = this.kindOf(run.kind);
    if (!(await this.authorized(kind, run))) return;
    const lost = new AbortController();
    const signal = AbortSignal.any([this.controller.signal, lost.signal]);
    const heartbeat = setInterval(
      () => {
        this.commit(run.id, (r) => r)
          .then((renewed) => {
            if (!renewed) lost.abort();
          })
          .catch((err: unknown) => this.options.logger.warn({ err, runId: run.id }, 'lease renewal failed'));
      },
      Math.max(10, this.leaseMs / 3),
    );
    heartbeat.unref();
    try {
      while (run.status === 'running' && !signal.aborted) {
        const next = await this.runStep(kind, run, signal);
        if (!next) return;
        run = next;
      }
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** The kind's check before any step runs; a refusal fails the run where it stands (no step, no Azure call). */
  private async authorized(kind: AnyKind, run: AnyRun): Promise<boolean> {
    if (!kind.authorize) return true;
    let refusal: { code: string; message: string } | undefined;
    try {
      refusal = await kind.authorize(run);
    } catch (err) {
      this.options.logger.warn({ err, runId: run.id }, 'run authorisation could not be checked');
      refusal = { code: 'AuthorizationUnavailable', message: 'The run could not be authorised.' };
    }
    if (!refusal) return true;
    this.options.logger.warn({ runId: run.id, kind: run.kind, code: refusal.code }, 'run refused');
    const next = await this.commit(run.id, (r) => {
      const { lease: _lease, ...rest } = r;
      return { ...rest, status: 'failed' as const, error: { ...refusal!, step: r.step } };
    });
    if (next) {
      await this.open.closed(next);
      await this.notify(next);
    }
    return false;
  }

  /** Runs the current step once and stores its outcome; undefined when this replica must stop working the run. */
  private async runStep(kind: AnyKind, run: AnyRun, signal: AbortSignal): Promise<AnyRun | undefined> {
    const step = kind.steps[run.step];
    let checkpoint = run.checkpoint;
    const ctx: StepContext<Record<string, unknown>> = {
      signal,
      save: async (patch) => {
        checkpoint = { ...checkpoint, ...patch };
        const saved = await this.commit(run.id, (r) => (r.step === run.step ? { ...r, checkpoint } : undefined));
        if (!saved) throw abortError('The run is no longer held by this replica.');
        await this.notify(saved);
      },
    };
    let result: StepResult<Record<string, unknown>>;
    try {
      if (!step)
        throw Object.assign(new Error(`Run kind '${kind.kind}' has no step '${run.step}'.`), { code: 'UnknownStep' });
      result = await inSpan('run.step', { 'run.kind': kind.kind, 'run.step': run.step }, () =>
        step({ ...run, checkpoint }, ctx),
      );
      countMetric('run.steps', { 'run.kind': kind.kind, 'run.step': run.step });
    } catch (err) {
      if (isAbort(err) || signal.aborted) return undefined;
      return this.failedStep(run, checkpoint, err, signal);
    }
    if ('again' in result) {
      // Nothing new to store: the heartbeat keeps the lease, no write per poll.
      const unchanged = result.checkpoint === undefined && checkpoint === run.checkpoint && run.attempt === 0;
      const next = unchanged
        ? run
        : await this.commit(run.id, (r) => ({ ...r, attempt: 0, checkpoint: { ...checkpoint, ...result.checkpoint } }));
      if (!next) return undefined;
      if (!unchanged) await this.notify(next);
      if (!(await this.pause(result.delayMs, signal))) return undefined;
      return next;
    }
    const done = result.next === 'done';
    const next = await this.commit(run.id, (r) => {
      const base = { ...r, step: result.next, attempt: 0, checkpoint: { ...checkpoint, ...result.checkpoint } };
      if (!done) return base;
      const { lease: _lease, ...rest } = base;
      return { ...rest, status: 'succeeded' as const };
    });
    if (!next) return undefined;
    this.options.logger.info({ runId: run.id, kind: run.kind, step: run.step, next: result.next }, 'run step done');
    await this.open.closed(next);
    await this.notify(next);
    return next;
  }

  private async failedStep(
    run: AnyRun,
    checkpoint: Record<string, unknown>,
    err: unknown,
    signal: AbortSignal,
  ): Promise<AnyRun | undefined> {
    const failure = describeFailure(err, run.step);
    const attempt = run.attempt + 1;
    if (isTransient(err) && attempt < this.maxAttempts) {
      this.options.logger.warn({ runId: run.id, step: run.step, attempt, code: failure.code }, 'run step retried');
      const next = await this.commit(run.id, (r) => ({ ...r, attempt, checkpoint }));
      if (!next || !(await this.pause(this.retryDelayMs(attempt), signal))) return undefined;
      return next;
    }
    this.options.logger.warn({ runId: run.id, step: run.step, attempt, code: failure.code }, 'run failed');
    const next = await this.commit(run.id, (r) => {
      const { lease: _lease, ...rest } = r;
      return { ...rest, status: 'failed' as const, attempt, checkpoint, error: failure };
    });
    if (next) {
      await this.open.closed(next);
      await this.notify(next);
    }
    return next;
  }

  /** Compare-and-set while this replica holds the lease (renewed by every write); undefined when it does not. */
  private async commit(id: string, change: (run: AnyRun) => AnyRun | undefined): Promise<AnyRun | undefined> {
    const { value, changed } = await this.options.store.update(id, (run) => {
      if (!run || run.status !== 'running' || run.lease?.owner !== this.owner) return undefined;
      const next = change(run);
      if (!next) return undefined;
      const renewed = next.lease ? { lease: { owner: this.owner, until: this.now() + this.leaseMs } } : {};
      return { ...next, ...renewed, updatedAt: this.iso() };
    });
    return changed ? value : undefined;
  }

  private async pause(ms: number, signal: AbortSignal): Promise<boolean> {
    try {
      await sleep(ms, undefined, { signal });
      return true;
    } catch {
      return false;
    }
  }

  private async notify(run: AnyRun): Promise<void> {
    const kind = this.kinds.get(run.kind);
    if (!kind?.onChange) return;
    try {
      await kind.onChange(run);
    } catch (err) {
      // The run's progress is stored; a card that could not be updated now is updated at the next change.
      this.options.logger.warn({ err, runId: run.id }, 'run change listener failed');
    }
  }

  private kindOf(kind: string): AnyKind {
    const k = this.kinds.get(kind);
    if (!k) throw new Error(`Run kind '${kind}' is not registered.`);
    return k;
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }
}

function abortError(message: string): Error {
  return Object.assign(new Error(message), { name: 'AbortError' });
}
