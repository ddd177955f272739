import type { Azure } from '../../azure';
import { planRehearsal, type RehearsalNetwork } from '../../dialogs/rehearsal/plan';
import type { Locale } from '../../i18n';
import type { Logger } from '../../log';
import type { JobEvent } from '../../notifications/types';
import {
  REHEARSAL_RUN_KIND,
  rehearsalRunId,
  rehearsalRunKind,
  type RehearsalCheckpoint,
  type RehearsalRun,
} from '../../runs/rehearsalRun';
import type { RestoreRun } from '../../runs/restoreRun';
import type { RunEngine } from '../../runs/types';
import type { AuditTrail, RecordStore, Store } from '../../store';
import type { ProtectedItemRef, VmListItem } from '../../azure';
import type { ApprovalService } from '../approvals/service';
import type { Messenger } from '../messenger';
import { rehearsalEvent, resultCard } from './cards';
import { RehearsalResults, type RehearsalResult } from './results';
import { StandingRehearsals, type StandingRehearsal } from './standing';
import { StandingRequests, type StandingRequest } from './standingRequests';

/** What rehearsals need beyond the restore's approvals (BotDeps.rehearsal). */
export interface RehearsalOptions {
  azure: Pick<Azure, 'vms' | 'vaults' | 'recoveryPoints' | 'keyVaults' | 'targets' | 'restore' | 'rehearsal'>;
  runs: RunEngine;
  /**
   * REHEARSAL_SUBNET, parsed: one network per subscription (a rehearsal uses its VM's subscription's); absent or empty
   * = rehearsals are not configured (the commands say so).
   */
  networks?: RehearsalNetwork[];
  /** Polls of the restore job and of the VM's instance view. */
  pollMs?: number;
  /** REHEARSAL_CHECK_TIMEOUT_MINUTES, in ms. */
  checkTimeoutMs?: number;
  /** REHEARSAL_STANDING_DAYS and REHEARSAL_MAX_CONCURRENT. */
  standing: { days: number; maxConcurrent: number };
  /** How often due standing rehearsals are looked for (default 10 minutes; 0 = only when `tick()` is called). */
  scheduleEveryMs?: number;
  /** The clock schedules run on: the sandbox's controllable clock in sandbox mode. */
  now?: () => number;
  /** A failed rehearsal as a failure notification (NotificationService.stream.accept); absent = result cards only. */
  notify?: (events: JobEvent[]) => Promise<unknown>;
  /**
   * Whether this replica runs the schedule now (the composition root: the notifications watcher's lease holder, so
   * one replica counts and starts standing rehearsals); absent = always.
   */
  scheduleWhen?: () => boolean;
  /** Hands the feature to whoever wires it (the composition root, tests): its schedule's `tick()`, its results. */
  expose?: (feature: RehearsalFeature) => void;
}

export interface RehearsalFeatureDeps {
  options: RehearsalOptions;
  approvals: ApprovalService;
  messenger: Pick<Messenger, 'sendCard' | 'updateCard'>;
  store: Store;
  audit: AuditTrail;
  logger: Logger;
}

const MONTH = (ms: number) => new Date(ms).toISOString().slice(0, 7);

/**
 * Restore rehearsals: the run kind on the engine (authorised by a matching approved request, or an active standing
 * approval), the result card to the requester's conversation and the approvers', a failed rehearsal as a failure
 * notification, each VM's latest result, and the monthly schedule of standing rehearsals.
 */
export class RehearsalFeature {
  readonly results: RehearsalResults;
  readonly standing: StandingRehearsals;
  /** `rehearse monthly` requests waiting for a second person. */
  readonly requests: StandingRequests;
  private readonly now: () => number;
  private readonly reported: RecordStore<{ at: string }>;
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<unknown>;

  constructor(private readonly deps: RehearsalFeatureDeps) {
    const { options, store } = deps;
    this.now = options.now ?? Date.now;
    this.results = new RehearsalResults(store.records<RehearsalResult>('rehearsal-results'));
    this.standing = new StandingRehearsals({
      records: store.signed<StandingRehearsal>('rehearsal-standing'),
      audit: deps.audit,
      days: options.standing.days,
      now: this.now,
    });
    this.requests = new StandingRequests({
      records: store.signed<StandingRequest>('rehearsal-standing-requests'),
      standing: this.standing,
      approvals: deps.approvals,
      messenger: deps.messenger,
      audit: deps.audit,
      logger: deps.logger,
      networks: options.networks,
      days: options.standing.days,
      maxConcurrent: options.standing.maxConcurrent,
      now: this.now,
    });
    // A standing request made while no other approver was reachable goes out when the bot meets one (as a restore's).
    deps.approvals.alsoDeliverPending(() => this.requests.deliverPending());
    this.reported = store.records<{ at: string }>('rehearsal-reported');
    if (options.networks?.length) {
      options.runs.register(
        rehearsalRunKind({
          azure: options.azure,
          networks: options.networks,
          pollMs: options.pollMs,
          checkTimeoutMs: options.checkTimeoutMs,
          onChange: (run) => this.onRunChange(run),
          authorize: (run) =>
            run.checkpoint.standingId
              ? this.standing.authorize(run)
              : deps.approvals.authorizeRun(run as unknown as RestoreRun),
        }),
      );
    }
  }

  get configured(): boolean {
    return !!this.deps.options.networks?.length;
  }

  get maxConcurrent(): number {
    return this.deps.options.standing.maxConcurrent;
  }

  /** Protected VMs (one list across the vaults). */
  protectedVms(signal?: AbortSignal): Promise<VmListItem[]> {
    return this.deps.options.azure.vms.listProtected({ abortSignal: signal });
  }

  /** A vault's ARM id by name (a standing request's card links it), if the bot can see it. */
  async vaultId(name: string, signal?: AbortSignal): Promise<string | undefined> {
    const vaults = await this.deps.options.azure.vaults.list({}, { abortSignal: signal });
    return vaults.find((v) => v.name.toLowerCase() === name.toLowerCase())?.id;
  }

  /** A VM's recovery points, newest first (the plan card's choice). */
  async points(item: ProtectedItemRef, signal?: AbortSignal): Promise<{ name: string; time: string }[]> {
    const listed = await this.deps.options.azure.recoveryPoints.list(item, {}, { abortSignal: signal });
    return listed.slice(0, 30).map((p) => ({ name: p.name, time: p.time.toISOString() }));
  }

  /** Starts the schedule (every `scheduleEveryMs`); `stop()` ends it. */
  start(): void {
    const every = this.deps.options.scheduleEveryMs ?? 10 * 60_000;
    if (!this.configured || every <= 0 || this.timer) return;
    this.timer = setInterval(() => this.tickSoon(), every);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One tick now, unless one is under way (errors are logged; the next tick tries again). */
  tickSoon(): void {
    if (this.ticking) return;
    this.ticking = this.tick()
      .catch((err: unknown) => this.deps.logger.warn({ err }, 'standing rehearsal schedule failed'))
      .finally(() => (this.ticking = undefined));
  }

  /** Plans a rehearsal of a VM (reads only): the plan the approval card shows, or why there is none. */
  plan(vmName: string, requestId: string, pointName?: string, signal?: AbortSignal) {
    return planRehearsal(
      this.deps.options.azure,
      { vmName, pointName, requestId, networks: this.deps.options.networks ?? [] },
      signal,
    );
  }

  /** The run's listener: the request and its cards, the VM's latest result, and once it ends the result card. */
  async onRunChange(run: RehearsalRun): Promise<void> {
    if (!run.checkpoint.standingId) await this.deps.approvals.onRunChange(run as unknown as RestoreRun);
    await this.results.record(run);
    if (run.status === 'running') return;
    // Once per run, whichever replica sees the end first (create-if-absent).
    if (!(await this.reported.create(run.id, { at: new Date().toISOString() }))) return;
    await this.report(run);
  }

  /** The result card to the requester's and the approvers' conversations; a failure also as a notification. */
  private async report(run: RehearsalRun): Promise<void> {
    const cp = run.checkpoint;
    // A standing rehearsal has no request to follow it in the audit trail: its end is audited here.
    if (cp.standingId) {
      await this.deps.audit.append({
        who: { name: 'ade-backup-bot' },
        action: 'rehearsal.run',
        target: { kind: 'vm', name: cp.plan.vm.name, id: cp.plan.vm.id },
        details: {
          runId: run.id,
          standingId: cp.standingId,
          purpose: 'rehearsal',
          ...(cp.failure ? { step: cp.failure.step, error: cp.failure.code } : {}),
          ...(cp.cleanup?.left.length ? { left: cp.cleanup.left.length } : {}),
        },
        approval: { requestId: cp.standingId },
        result: cp.result === 'passed' ? 'succeeded' : 'failed',
        ...(cp.armRequestIds?.length ? { armRequestIds: cp.armRequestIds } : {}),
      });
    }
    const targets: { reference: Record<string, unknown>; locale: Locale }[] = [];
    if (cp.standingId) {
      const s = (await this.standing.list()).find((x) => x.id === cp.standingId);
      if (s?.reference) targets.push({ reference: s.reference, locale: s.locale });
    } else {
      const record = await this.deps.approvals.get(cp.requestId);
      const requester = record?.cards.requester?.reference;
      const approvers = record?.cards.approvers?.reference;
      if (requester)
        targets.push({ reference: requester as Record<string, unknown>, locale: record!.locales.requester });
      if (approvers && approvers.conversation?.id !== requester?.conversation?.id)
        targets.push({ reference: approvers as Record<string, unknown>, locale: record!.locales.approvers });
    }
    for (const target of targets) {
      await this.deps.messenger
        .sendCard(target.reference, resultCard(target.locale, run))
        .catch((err: unknown) => this.deps.logger.warn({ err, runId: run.id }, 'rehearsal result card not sent'));
    }
    // Failed: the VM's failed-rehearsal card; passed: that card (if any) says the rehearsal passed again.
    if (this.deps.options.notify) {
      await this.deps.options
        .notify([rehearsalEvent(run)])
        .catch((err: unknown) => this.deps.logger.warn({ err, runId: run.id }, 'rehearsal end not notified'));
    }
  }

  /**
   * The schedule: expired standing approvals are marked (and audited) and stop; each active one starts this month's
   * rehearsal of every VM it covers that has none yet, at most REHEARSAL_MAX_CONCURRENT running at once (the rest
   * wait for a later tick). Run ids are deterministic per standing approval, VM and month: a second replica or a
   * second tick never starts another.
   */
  async tick(signal?: AbortSignal): Promise<{ started: string[] }> {
    const started: string[] = [];
    if (!this.configured || this.deps.options.scheduleWhen?.() === false) return { started };
    await this.requests.expireDue();
    await this.standing.sweepExpired();
    const active = await this.standing.active();
    if (!active.length) return { started };
    let running = await this.runningCount();
    const month = MONTH(this.now());
    const protectedVms = await this.protectedVms(signal);
    for (const s of active) {
      const vms = protectedVms.filter((v) =>
        s.scope.kind === 'vm'
          ? v.name.toLowerCase() === s.scope.name.toLowerCase()
          : v.vault?.toLowerCase() === s.scope.name.toLowerCase(),
      );
      for (const vm of vms) {
        if (running >= this.deps.options.standing.maxConcurrent) return { started };
        const requestId = `standing-${s.id}-${vm.name.toLowerCase()}-${month}`;
        const runId = rehearsalRunId(requestId);
        if (await this.deps.options.runs.get(runId)) continue;
        const planned = await this.plan(vm.name, requestId, undefined, signal);
        if (!('plan' in planned)) {
          this.deps.logger.warn(
            { standingId: s.id, vm: vm.name, refused: planned.refused },
            'standing rehearsal not planned',
          );
          continue;
        }
        await this.deps.options.runs.start<RehearsalCheckpoint>(REHEARSAL_RUN_KIND, runId, {
          requestId,
          plan: planned.plan,
          standingId: s.id,
          requestedBy: s.requestedBy?.aadObjectId,
          approvedBy: s.approvedBy.aadObjectId,
        });
        await this.deps.audit.append({
          who: { name: 'ade-backup-bot' },
          action: 'rehearsal.run',
          target: { kind: 'vm', name: vm.name, id: vm.id },
          details: { runId, standingId: s.id, schedule: 'monthly', purpose: 'rehearsal' },
          approval: { requestId: s.requestId ?? s.id, by: s.approvedBy },
          result: 'started',
        });
        started.push(runId);
        running++;
      }
    }
    return { started };
  }

  /** Rehearsals running now (their latest result says so and their run is still running). */
  private async runningCount(): Promise<number> {
    let n = 0;
    for (const r of await this.results.list()) {
      if (r.status !== 'running') continue;
      const run = await this.deps.options.runs.get(r.runId);
      if (run?.status === 'running') n++;
    }
    return n;
  }
}
