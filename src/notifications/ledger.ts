import type { RecordStore, Store } from '../store';
import { jobKey } from './keys';
import type { JobEvent } from './types';

interface Claim {
  vault: string;
  jobId: string;
  outcome: JobEvent['outcome'];
  source: JobEvent['source'];
  at: string;
}

interface InboxEntry {
  event: JobEvent;
  /** Conversations the event has been folded into (a re-fold after a crash skips them). */
  folded: string[];
  receivedAt: string;
}

/**
 * The notified-jobs ledger: a job (vault + job id) is taken into the stream once, whichever source saw it first and
 * however many replicas saw it. A claimed event sits in the inbox until it is folded into every subscribed
 * conversation's cards; an inbox entry left by a replica that died is folded again by the sweep.
 *
 * Order of writes: inbox (create-if-absent) -> claim (create-if-absent) -> fold -> inbox removed. A crash at any
 * point leaves either nothing claimed (the job is taken again when next seen) or an inbox entry (folded again).
 */
export class JobLedger {
  private readonly claims: RecordStore<Claim>;
  private readonly inbox: RecordStore<InboxEntry>;
  /** Keys known claimed, so the watcher's overlapping windows cost no store read. Bounded. */
  private readonly known = new Set<string>();

  constructor(
    store: Store,
    private readonly now: () => number = Date.now,
  ) {
    this.claims = store.records<Claim>('notify.jobs');
    this.inbox = store.records<InboxEntry>('notify.inbox');
  }

  /** Takes the event into the stream; false when the job was taken already (by any source or replica). */
  async claim(event: JobEvent): Promise<boolean> {
    const key = jobKey(event.vault, event.jobId);
    if (this.known.has(key)) return false;
    if (await this.claims.get(key)) return this.remember(key, false);
    if (!(await this.inbox.create(key, { event, folded: [], receivedAt: new Date(this.now()).toISOString() }))) {
      return this.remember(key, false);
    }
    const claim: Claim = {
      vault: event.vault,
      jobId: event.jobId,
      outcome: event.outcome,
      source: event.source,
      at: event.at,
    };
    if (!(await this.claims.create(key, claim))) {
      // Someone else finished it between our check and our inbox entry.
      await this.inbox.delete(key);
      return this.remember(key, false);
    }
    return this.remember(key, true);
  }

  /** The claim of a stranded inbox entry (its replica may have died before writing it). */
  async ensureClaimed(event: JobEvent): Promise<void> {
    const claim: Claim = {
      vault: event.vault,
      jobId: event.jobId,
      outcome: event.outcome,
      source: event.source,
      at: event.at,
    };
    await this.claims.create(jobKey(event.vault, event.jobId), claim);
  }

  async markFolded(event: JobEvent, conversationId: string): Promise<void> {
    await this.inbox.update(jobKey(event.vault, event.jobId), (entry) =>
      entry && !entry.folded.includes(conversationId)
        ? { ...entry, folded: [...entry.folded, conversationId] }
        : undefined,
    );
  }

  async folded(event: JobEvent): Promise<string[]> {
    return (await this.inbox.get(jobKey(event.vault, event.jobId)))?.value.folded ?? [];
  }

  async done(event: JobEvent): Promise<void> {
    await this.inbox.delete(jobKey(event.vault, event.jobId));
  }

  /** Inbox entries older than `ageMs`: their replica died while folding them. */
  async stranded(ageMs: number): Promise<JobEvent[]> {
    const cutoff = this.now() - ageMs;
    return (await this.inbox.list()).filter((e) => Date.parse(e.value.receivedAt) <= cutoff).map((e) => e.value.event);
  }

  private remember(key: string, result: boolean): boolean {
    if (this.known.size > 50_000) this.known.clear();
    this.known.add(key);
    return result;
  }
}
