import type { Locale } from '../../i18n';
import type { Logger } from '../../log';
import { planHash, type RestorePlan } from '../../runs/restorePlan';
import {
  RESTORE_RUN_KIND,
  RUN_NOT_APPROVED,
  restoreRetryable,
  restoreRunId,
  type RestoreCheckpoint,
  type RestoreRun,
} from '../../runs/restoreRun';
import { REHEARSAL_RUN_KIND, rehearsalRunId } from '../../runs/rehearsalRun';
import type { RunEngine } from '../../runs/types';
import type { AuditResult, AuditTrail, RecordStore } from '../../store';
import type { AccessPolicy } from '../accessPolicy';
import type { CardAddress, Messenger } from '../messenger';
import type { Audience } from './cards';
import { ApprovalCards, awaitsApproversCopy } from './publisher';
import type { ConversationDirectory } from './conversations';
import { decide, expire, follow, isExpired } from './stateMachine';
import type { ApprovalAction, ApprovalRecord, Person, Refusal } from './types';

export interface ApprovalServiceDeps {
  records: RecordStore<ApprovalRecord>;
  audit: AuditTrail;
  access: Pick<AccessPolicy, 'can'>;
  messenger: Pick<Messenger, 'sendCard' | 'updateCard'>;
  runs: RunEngine;
  conversations: ConversationDirectory;
  logger: Logger;
  /** APPROVAL_TTL_MINUTES: a request nobody decided on expires after this long. */
  ttlMinutes: number;
  now?: () => Date;
}

export interface NewRequest {
  id: string;
  plan: RestorePlan;
  planHash: string;
  requester: Person;
  /** Why the requester restores, as they typed it (optional). */
  reason?: string;
  locale: Locale;
  /** The requester's card (the plan card the request replaces), updated in place from now on. */
  requesterCard: CardAddress;
}

export interface ActResult {
  record?: ApprovalRecord;
  refused?: Refusal;
}

/**
 * Restore approvals: the persisted request, every click decided on the server (decide() in stateMachine.ts) and
 * stored by compare-and-set, the run started exactly once (its id is the request's), both cards updated in place as
 * things move, and every step in the audit trail (request, plan, approver, decision, reason, result).
 */
export class ApprovalService {
  private readonly now: () => Date;
  private readonly cards: ApprovalCards;
  private readonly pendingElsewhere: (() => Promise<number>)[] = [];

  constructor(private readonly deps: ApprovalServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    this.cards = new ApprovalCards(deps);
  }

  /** APPROVAL_TTL_MINUTES: how long a request (a standing rehearsal's too) waits for a decision. */
  get ttlMinutes(): number {
    return this.deps.ttlMinutes;
  }

  /** Where the approvers' card of a request by `requester` goes (src/bot/approvals/conversations.ts). */
  approversConversation(requester: { aadObjectId?: string; conversationId?: string }) {
    return this.deps.conversations.approvers(requester);
  }

  /** Whether this person is an approver now (decided on the server, at the click). */
  async isApprover(by: { aadObjectId: string; tenantId?: string }): Promise<boolean> {
    return (await this.deps.access.can(by, 'approve')).allowed;
  }

  get(id: string): Promise<ApprovalRecord | undefined> {
    return this.deps.records.get(id).then((v) => v?.value);
  }

  async run(id: string): Promise<RestoreRun | undefined> {
    const record = await this.get(id);
    return this.deps.runs.get<RestoreCheckpoint>(record ? runIdOf(record) : restoreRunId(id));
  }

  /** Creates the request (once per id: a repeated click returns the same one) and posts it to the approvers. */
  async request(input: NewRequest): Promise<{ record: ApprovalRecord; delivered: boolean }> {
    const now = this.now();
    const record: ApprovalRecord = {
      id: input.id,
      status: 'pending',
      plan: input.plan,
      planHash: input.planHash,
      requester: input.requester,
      ...(input.reason ? { reason: input.reason } : {}),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.deps.ttlMinutes * 60_000).toISOString(),
      cards: { requester: input.requesterCard },
      locales: { requester: input.locale, approvers: input.locale },
      retries: 0,
      updatedAt: now.toISOString(),
    };
    if (!(await this.deps.records.create(record.id, record))) {
      const existing = (await this.get(record.id))!;
      return { record: existing, delivered: !!existing.cards.approvers };
    }
    await this.audit(record, input.requester, 'restore.request', 'requested', {
      planHash: record.planHash,
      ...planDetails(record.plan),
      expiresAt: record.expiresAt,
      ...(record.reason ? { reason: record.reason } : {}),
    });
    const delivered = await this.cards.deliver(record);
    return { record: (await this.get(record.id)) ?? delivered ?? record, delivered: !!delivered };
  }

  /**
   * Other requests waiting for an approver (a standing rehearsal's: src/bot/rehearsal/standingRequests.ts), posted
   * by deliverPending() too: when the bot meets an approver, and at start-up.
   */
  alsoDeliverPending(deliver: () => Promise<number>): void {
    this.pendingElsewhere.push(deliver);
  }

  /** Posts pending requests that have not reached an approver yet (none was known when they were made). */
  async deliverPending(): Promise<number> {
    let posted = 0;
    for (const { value } of await this.deps.records.list({ newestFirst: true, limit: 100 })) {
      if (value.status !== 'pending' || isExpired(value, this.now())) continue;
      if (!awaitsApproversCopy(value.cards, this.now().getTime())) continue;
      if (await this.cards.deliver(value, { tellRequester: true })) posted++;
    }
    for (const deliver of this.pendingElsewhere) {
      posted += await deliver().catch((err: unknown) => {
        this.deps.logger.warn({ err }, 'pending requests could not be delivered');
        return 0;
      });
    }
    return posted;
  }

  /** A click on Approve / Reject / Cancel / Retry, authorised here whatever the card showed. */
  async act(
    id: string,
    action: ApprovalAction,
    by: Person & { tenantId?: string },
    input: { planHash?: string; reason?: string } = {},
  ): Promise<ActResult> {
    const isApprover = action !== 'cancel' && (await this.isApprover(by));
    if (action === 'retry') {
      const run = await this.run(id);
      // A rehearsal is never retried: it cleaned up after itself; another rehearsal is a new request.
      const retryable = !!run?.error && run.kind !== REHEARSAL_RUN_KIND && restoreRetryable(run.error.step, run.error);
      if (!run || run.status !== 'failed' || !retryable) {
        const record = await this.get(id);
        return { record, refused: record ? (record.status === 'failed' ? 'notRetryable' : 'decided') : 'notFound' };
      }
    }
    let refused: Refusal | undefined;
    const person: Person = { aadObjectId: by.aadObjectId, name: by.name };
    const before = await this.get(id);
    const { value, changed } = await this.deps.records.update(id, (cur) => {
      if (!cur) {
        refused = 'notFound';
        return undefined;
      }
      const d = decide(cur, {
        action,
        by: person,
        at: this.now(),
        planHash: input.planHash,
        reason: input.reason,
        isApprover,
        retryWithinMs: this.deps.ttlMinutes * 60_000,
      });
      refused = d.refused;
      return d.next;
    });
    if (!value) return { refused: 'notFound' };
    if (changed) await this.changed(value, before?.status, person);
    // A retry past its time is audited too (a request's expiry is audited when it is marked expired).
    if (refused && refused !== 'decided' && (refused !== 'expired' || action === 'retry')) {
      // A click the server refused (own request, not an approver, a card for another plan): security relevant.
      await this.audit(value, person, `restore.${action === 'retry' ? 'retry' : 'decision'}`, 'refused', {
        refusal: refused,
        action,
      });
    }
    return { record: (await this.get(id)) ?? value, refused };
  }

  /** Marks requests nobody decided on in time as expired, and says so on their cards. */
  async expireDue(): Promise<number> {
    let expired = 0;
    for (const { id, value } of await this.deps.records.list()) {
      if (!isExpired(value, this.now())) continue;
      const { value: next, changed } = await this.deps.records.update(id, (cur) =>
        cur && isExpired(cur, this.now()) ? expire(cur, this.now()) : undefined,
      );
      if (changed && next) {
        expired++;
        await this.changed(next, 'pending');
      }
    }
    return expired;
  }

  /**
   * At start-up: a request approved just before the process died gets its run (started once: the run id is the
   * request's); a run that ended while no one was listening updates its request; undelivered requests are posted.
   */
  async resume(): Promise<void> {
    for (const { value } of await this.deps.records.list()) {
      try {
        if (value.status === 'approved') await this.startRun(value);
        else if (value.status === 'running') {
          const run = await this.run(value.id);
          if (run && run.status !== 'running') await this.onRunChange(run);
        }
      } catch (err) {
        // One request that cannot be resumed does not hold up the others.
        this.deps.logger.error({ err, requestId: value.id }, 'restore request could not be resumed');
      }
    }
    await this.deliverPending();
  }

  /**
   * The run engine's check before it works a restore run (at its start, on every resume and retry): the run must have
   * a matching approval — its request decided approved (now approved, running or failed), by someone other than the
   * requester, bound to the hash of the very plan the run carries. Both records are signed (src/store/signing.ts),
   * so a record written straight into the store reads as absent here. A refusal is audited; the run fails unstarted.
   */
  async authorizeRun(run: RestoreRun): Promise<{ code: string; message: string } | undefined> {
    const cp = run.checkpoint as Partial<RestoreCheckpoint>;
    const requestId = typeof cp?.requestId === 'string' ? cp.requestId : '';
    const record = requestId ? await this.get(requestId) : undefined;
    let problem: string | undefined;
    if (!record || run.id !== runIdOf(record)) problem = 'noApproval';
    else if (!['approved', 'running', 'failed'].includes(record.status) || !record.decision?.by)
      problem = 'notApproved';
    else if (record.decision.by.aadObjectId.toLowerCase() === record.requester.aadObjectId.toLowerCase())
      problem = 'selfApproved';
    else if (!cp.plan || record.planHash !== planHash(record.plan) || planHash(cp.plan) !== record.planHash)
      problem = 'planMismatch';
    if (!problem) return undefined;
    this.deps.logger.warn({ runId: run.id, requestId, problem }, 'restore run refused: no matching approval');
    await this.deps.audit.append({
      who: { name: 'ade-backup-bot' },
      action: 'restore.run',
      target: cp.plan?.vm?.name ? { kind: 'vm', name: String(cp.plan.vm.name).slice(0, 80) } : undefined,
      details: { runId: run.id.slice(0, 200), refusal: problem },
      ...(record ? { approval: { requestId: record.id, by: record.decision?.by } } : {}),
      result: 'refused',
    });
    return { code: RUN_NOT_APPROVED, message: 'The restore has no matching approval; nothing was restored.' };
  }

  /** The run engine's listener: the request follows its run, and both cards show the run's progress. */
  async onRunChange(run: RestoreRun): Promise<void> {
    const id = run.checkpoint.requestId;
    const event =
      run.status === 'running'
        ? 'started'
        : run.status === 'succeeded'
          ? 'succeeded'
          : run.status === 'failed'
            ? 'failed'
            : undefined;
    if (event) {
      const { value, changed } = await this.deps.records.update(id, (cur) =>
        cur ? follow(cur, event, this.now()) : undefined,
      );
      if (changed && value) {
        const cp = run.checkpoint;
        await this.audit(
          value,
          undefined,
          'restore.run',
          event,
          {
            runId: run.id,
            ...(cp.jobId ? { jobId: cp.jobId } : {}),
            ...(cp.vm ? { newVm: cp.vm.name, newVmId: cp.vm.id, path: cp.vm.path } : {}),
            ...(cp.putBack ? { keyAndSecret: cp.putBack.actions.join(', ') } : {}),
            ...(run.error ? { step: run.error.step, error: run.error.code } : {}),
            ...(run.error?.requestId ? { azureRequestId: run.error.requestId } : {}),
          },
          cp.armRequestIds,
        );
      }
    }
    await this.cards.updateAll(id, run);
  }

  /** The card one person should see (Teams card refresh): buttons only for who may use them. */
  async viewFor(
    id: string,
    viewer: Person & { tenantId?: string },
  ): Promise<{ record?: ApprovalRecord; audience: Audience }> {
    const record = await this.get(id);
    if (!record) return { audience: 'readOnly' };
    if (record.requester.aadObjectId.toLowerCase() === viewer.aadObjectId.toLowerCase())
      return { record, audience: 'requester' };
    const approver = (await this.deps.access.can(viewer, 'approve')).allowed;
    return { record, audience: approver ? 'approvers' : 'readOnly' };
  }

  private async changed(
    record: ApprovalRecord,
    from: ApprovalRecord['status'] | undefined,
    by?: Person,
  ): Promise<void> {
    const reason = record.decision?.reason;
    switch (record.status) {
      case 'approved':
        await this.audit(record, by, 'restore.decision', 'approved', reason ? { reason } : {});
        await this.startRun(record);
        return;
      case 'rejected':
      case 'cancelled':
        await this.audit(record, by, 'restore.decision', record.status, reason ? { reason } : {});
        break;
      case 'expired':
        await this.audit(record, undefined, 'restore.decision', 'expired', { expiresAt: record.expiresAt });
        break;
      case 'running':
        if (from === 'failed') {
          await this.audit(record, by, 'restore.retry', 'started', { retry: record.retries });
          await this.deps.runs.retry(runIdOf(record));
        }
        break;
    }
    await this.cards.updateAll(record.id);
  }

  private async startRun(record: ApprovalRecord): Promise<void> {
    // create-if-absent on the run id: however many clicks or replicas get here, one run, one restore job.
    const kind = record.plan.purpose === 'rehearsal' ? REHEARSAL_RUN_KIND : RESTORE_RUN_KIND;
    const run = await this.deps.runs.start<RestoreCheckpoint>(kind, runIdOf(record), {
      requestId: record.id,
      plan: record.plan,
      requestedBy: record.requester.aadObjectId,
      approvedBy: record.decision?.by?.aadObjectId,
    });
    const { value, changed } = await this.deps.records.update(record.id, (cur) =>
      cur ? follow(cur, 'started', this.now()) : undefined,
    );
    if (changed && value) await this.audit(value, undefined, 'restore.run', 'started', { runId: run.id });
    await this.cards.updateAll(record.id);
  }

  private async audit(
    record: ApprovalRecord,
    by: Person | undefined,
    action: string,
    result: AuditResult,
    details: Record<string, string | number | boolean>,
    armRequestIds?: string[],
  ): Promise<void> {
    const decider = record.decision?.by;
    await this.deps.audit.append({
      who: by ?? { name: 'ade-backup-bot' },
      action,
      target: { kind: 'vm', name: record.plan.vm.name, id: record.plan.vm.id },
      // A rehearsal's entries say so (same actions as a restore's: it is one, into the isolated network).
      details: record.plan.purpose ? { ...details, purpose: record.plan.purpose } : details,
      approval: { requestId: record.id, by: decider },
      result,
      ...(armRequestIds?.length ? { armRequestIds } : {}),
    });
  }
}

/** The run an approved request starts: a restore, or a rehearsal (the plan's purpose, covered by its hash). */
export function runIdOf(record: Pick<ApprovalRecord, 'id' | 'plan'>): string {
  return record.plan.purpose === 'rehearsal' ? rehearsalRunId(record.id) : restoreRunId(record.id);
}

/** The plan in the audit trail: what will be restored, from where, to where. */
function planDetails(plan: RestorePlan): Record<string, string | boolean> {
  return {
    recoveryPoint: plan.recoveryPoint.name,
    recoveryPointTime: plan.recoveryPoint.time,
    staging: plan.staging.name,
    targetResourceGroup: plan.targetResourceGroup.name,
    subnet: `${plan.subnet.vnet}/${plan.subnet.subnet}`,
    newVm: plan.newVmName,
    path: plan.path,
    putBackKeyAndSecret: plan.encryption?.putBack ?? false,
    ...(plan.encryption ? { keyVault: plan.encryption.keyVault.name } : {}),
  };
}
