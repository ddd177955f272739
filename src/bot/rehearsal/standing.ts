import { randomUUID } from 'node:crypto';
import type { Locale } from '../../i18n';
import type { RehearsalRun } from '../../runs/rehearsalRun';
import type { AuditTrail, RecordStore } from '../../store';
import type { Person } from '../approvals/types';

/**
 * A standing rehearsal: a second person's approval, given once, for monthly rehearsals of one VM or of every VM a vault
 * protects, without a new approval each time. Signed in the store (it authorises Azure changes); audited when made,
 * revoked or expired; shown by `rehearsals`.
 */
export interface StandingRehearsal {
  id: string;
  scope: { kind: 'vm' | 'vault'; name: string };
  /** Who asked for it (`rehearse monthly`, or the rehearsal request approved with "monthly from now on"). */
  requestedBy?: Person;
  /** The approver who approved it: never the requester (a record without a distinct approver authorises nothing). */
  approvedBy: Person;
  /** The request it was approved from (a standing request's id, or a rehearsal request's). */
  requestId?: string;
  /** Where the results go (the conversation it was approved in), and in which language. */
  reference?: Record<string, unknown>;
  locale: Locale;
  createdAt: string;
  expiresAt: string;
  revoked?: { by: Person; at: string };
  /** Set once by the sweep that found it expired (audited then). */
  expiredSeen?: boolean;
}

export interface StandingDeps {
  records: RecordStore<StandingRehearsal>;
  audit: AuditTrail;
  /** REHEARSAL_STANDING_DAYS: how long a standing approval lasts (default 90 days). */
  days: number;
  /** The clock the schedule runs on (the sandbox's controllable clock in sandbox mode). */
  now: () => number;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Two people: a requester and a different approver (older records, approved by their requester alone, are not). */
export const twoPerson = (s: Pick<StandingRehearsal, 'requestedBy' | 'approvedBy'>): boolean =>
  !!s.requestedBy?.aadObjectId &&
  !!s.approvedBy?.aadObjectId &&
  !same(s.requestedBy.aadObjectId, s.approvedBy.aadObjectId);

export class StandingRehearsals {
  constructor(private readonly deps: StandingDeps) {}

  isActive(s: StandingRehearsal, at = this.deps.now()): boolean {
    return twoPerson(s) && !s.revoked && Date.parse(s.expiresAt) > at;
  }

  async list(): Promise<StandingRehearsal[]> {
    return (await this.deps.records.list()).map((r) => r.value);
  }

  async active(): Promise<StandingRehearsal[]> {
    const now = this.deps.now();
    return (await this.list()).filter((s) => this.isActive(s, now));
  }

  /**
   * Makes a standing rehearsal from a request another person approved (the caller checked the approver role and that
   * the approver is not the requester; checked again here). An active one for the scope is kept.
   */
  async create(
    scope: StandingRehearsal['scope'],
    people: { requestedBy: Person; approvedBy: Person; requestId?: string },
    where: { reference?: Record<string, unknown>; locale: Locale },
  ): Promise<{ standing: StandingRehearsal; created: boolean }> {
    if (!twoPerson(people)) throw new Error('A standing rehearsal needs an approver other than its requester.');
    const by = people.approvedBy;
    const existing = (await this.active()).find((s) => s.scope.kind === scope.kind && same(s.scope.name, scope.name));
    if (existing) return { standing: existing, created: false };
    const now = this.deps.now();
    const standing: StandingRehearsal = {
      id: randomUUID(),
      scope,
      requestedBy: people.requestedBy,
      approvedBy: by,
      ...(people.requestId ? { requestId: people.requestId } : {}),
      ...(where.reference ? { reference: where.reference } : {}),
      locale: where.locale,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + this.deps.days * 86_400_000).toISOString(),
    };
    await this.deps.records.create(standing.id, standing);
    await this.audit(standing, by, 'approved', {
      expiresAt: standing.expiresAt,
      requestedBy: people.requestedBy.name ?? people.requestedBy.aadObjectId,
    });
    return { standing, created: true };
  }

  /** Revokes it: no rehearsal starts from it any more (one already running still cleans up). */
  async revoke(id: string, by: Person): Promise<StandingRehearsal | undefined> {
    const at = new Date(this.deps.now()).toISOString();
    const { value, changed } = await this.deps.records.update(id, (cur) =>
      cur && !cur.revoked ? { ...cur, revoked: { by, at } } : undefined,
    );
    if (changed && value) await this.audit(value, by, 'cancelled', { revoked: 'true' });
    return changed ? value : undefined;
  }

  /** Marks (and audits, once) the standing approvals that have expired; returns how many. */
  async sweepExpired(): Promise<number> {
    const now = this.deps.now();
    let n = 0;
    for (const s of await this.list()) {
      if (s.revoked || s.expiredSeen || Date.parse(s.expiresAt) > now) continue;
      const { changed, value } = await this.deps.records.update(s.id, (cur) =>
        cur && !cur.expiredSeen ? { ...cur, expiredSeen: true } : undefined,
      );
      if (changed && value) {
        n++;
        await this.audit(value, undefined, 'expired', { expiresAt: value.expiresAt });
      }
    }
    return n;
  }

  /**
   * The engine's check before it works a standing rehearsal run (at its start and on every resume): the standing
   * approval exists (signed), is neither revoked nor expired, and covers the run's VM. Clean-up never needs it.
   */
  async authorize(run: RehearsalRun): Promise<{ code: string; message: string } | undefined> {
    const cp = run.checkpoint;
    const s = cp.standingId ? (await this.deps.records.get(cp.standingId))?.value : undefined;
    const covers =
      !!s &&
      cp.plan?.purpose === 'rehearsal' &&
      (s.scope.kind === 'vm' ? same(s.scope.name, cp.plan.vm.name) : same(s.scope.name, cp.plan.item.vault));
    if (s && covers && this.isActive(s)) return undefined;
    return {
      code: 'RunNotApproved',
      message:
        'The standing rehearsal approval is revoked, expired, lacks a second person or does not cover this VM; nothing was restored.',
    };
  }

  private async audit(
    s: StandingRehearsal,
    by: Person | undefined,
    result: 'approved' | 'cancelled' | 'expired',
    details: Record<string, string>,
  ): Promise<void> {
    await this.deps.audit.append({
      who: by ?? { name: 'ade-backup-bot' },
      action: 'rehearsal.standing',
      target: { kind: s.scope.kind, name: s.scope.name },
      details: { standingId: s.id, schedule: 'monthly', ...details },
      approval: { requestId: s.requestId ?? s.id, by: s.approvedBy },
      result,
    });
  }
}
