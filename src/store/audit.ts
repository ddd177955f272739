import { createHash, randomBytes } from 'node:crypto';
import { blobName } from './blobNames';
import type { DurableStorage } from './types';

export type AuditTargetKind = 'vm' | 'vault' | 'keyVault' | 'storageAccount' | 'resourceGroup';
export type AuditResult =
  'requested' | 'approved' | 'rejected' | 'started' | 'succeeded' | 'failed' | 'refused' | 'cancelled' | 'expired';

export interface AuditEntry {
  id: string;
  /** ISO time the entry was written. */
  at: string;
  /** Who acted: the Teams user (Entra object id and display name), or the bot itself for scheduled work. */
  who: { aadObjectId?: string; name?: string };
  /** Stable action code, e.g. `protection.enable`, `keyVault.grant`, `restore.request`. */
  action: string;
  target?: { kind: AuditTargetKind; name: string; id?: string };
  /**
   * The Azure subscription the action was in (issue 17: the bot manages several): given, or read from the target's
   * ARM id when it has one.
   */
  subscriptionId?: string;
  /** Small facts (vault, policy, job id). Never key or secret material, never tokens. */
  details?: Record<string, string | number | boolean>;
  /** For actions that needed a second person: the request and who approved or rejected it. */
  approval?: { requestId: string; by?: { aadObjectId?: string; name?: string } };
  result: AuditResult;
  /** Ties the entry to log lines and to the reference a user was shown. */
  correlationId?: string;
  /**
   * The `x-ms-client-request-id` of each Azure write this action made (src/azure/trail.ts): the Activity Log's
   * `httpRequest.clientRequestId`, so the change can be found there.
   */
  armRequestIds?: string[];
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at'>;

const ALL = 'audit/all/';
/** Where an entry keeps its target index's prefix (not part of the entry shown). */
const INDEX = '_index';
/** Room left in a blob name (Azure's limit: 1,024 characters) for the entry id after a target's prefix. */
const MAX_TARGET_PREFIX = 900;

/**
 * A target's index prefix. Names come from users too (a refused `subscribe <5 KB name>`): a name whose prefix would
 * not fit a blob name is indexed under a hash of it instead, the same for writing and for `audit <name>`.
 */
const byTarget = (name: string) => {
  const lower = name.toLowerCase();
  const plain = `audit/target/${encodeURIComponent(lower)}/`;
  if (blobName(plain).length <= MAX_TARGET_PREFIX) return plain;
  return `audit/target/~${createHash('sha256').update(lower).digest('hex').slice(0, 40)}/`;
};

/** Bounds on what one entry records (refusals record what a user typed). */
const LIMITS = { name: 200, id: 512, text: 500, details: 30 };

export interface AuditOptions {
  /** Per user: refused entries recorded per window; beyond it one marker entry, then nothing until the window ends. */
  refusedLimit?: { max: number; windowMs: number };
  now?: () => Date;
}

/**
 * The append-only audit trail: every mutating action of every flow writes here, and `audit [vm | vault]` reads it.
 * Entries are created, never overwritten; each is also indexed under its target's name so a target's history is one
 * prefix listing, not a scan.
 */
export class AuditTrail {
  private readonly now: () => Date;
  /** Per user: refused entries in the current window (this replica's count). */
  private readonly refusals = new Map<string, { since: number; count: number }>();

  private readonly options: AuditOptions;

  constructor(
    private readonly storage: DurableStorage,
    options: AuditOptions | (() => Date) = {},
  ) {
    this.options = typeof options === 'function' ? { now: options } : options;
    this.now = this.options.now ?? (() => new Date());
  }

  /**
   * Appends the entry, its strings bounded. A user's refused attempts beyond the refused limit in one window are not
   * recorded (the first one over it is recorded as `audit.refusalsLimited`); the entry is returned with an empty id.
   */
  async append(input: NewAuditEntry): Promise<AuditEntry> {
    let entry = bounded(input);
    if (entry.result === 'refused' && entry.who.aadObjectId && this.options.refusedLimit) {
      const over = this.overLimit(entry.who.aadObjectId, this.options.refusedLimit);
      if (over === 'drop') return { id: '', at: this.now().toISOString(), ...entry };
      if (over === 'mark') {
        entry = {
          who: entry.who,
          action: 'audit.refusalsLimited',
          details: { action: entry.action },
          result: 'refused',
        };
      }
    }
    const at = this.now().toISOString();
    // Sortable by time in the key too, for backends that list by key order.
    const id = `${at.replace(/[-:.]/g, '')}-${randomBytes(4).toString('hex')}`;
    // A subscription id only when it is one (a GUID): the entry's, else the target id's.
    const named = entry.subscriptionId ?? /^\/subscriptions\/([^/]+)\//i.exec(entry.target?.id ?? '')?.[1];
    const { subscriptionId: _given, ...rest } = entry;
    const subscriptionId =
      named && /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i.test(named) ? named.toLowerCase() : undefined;
    const full: AuditEntry = { id, at, ...rest, ...(subscriptionId ? { subscriptionId } : {}) };
    // Indexed under the name as given (the stored one may be cut short), so `audit <name>` finds it; the index key
    // is kept with the entry (not shown) so retention deletes both.
    const indexed = input.target && entry.target ? byTarget(input.target.name) : undefined;
    await this.storage.create(`${ALL}${id}`, { ...full, ...(indexed ? { [INDEX]: indexed } : {}) });
    if (indexed) await this.storage.create(`${indexed}${id}`, { ...full });
    return full;
  }

  private overLimit(user: string, limit: { max: number; windowMs: number }): 'ok' | 'mark' | 'drop' {
    const now = this.now().getTime();
    const key = user.toLowerCase();
    let seen = this.refusals.get(key);
    if (!seen || now - seen.since >= limit.windowMs) {
      if (this.refusals.size > 10_000) this.refusals.clear();
      seen = { since: now, count: 0 };
      this.refusals.set(key, seen);
    }
    seen.count++;
    if (seen.count <= limit.max) return 'ok';
    return seen.count === limit.max + 1 ? 'mark' : 'drop';
  }

  /** Deletes entries older than `before` (oldest first, `batch` at a time); returns how many went. */
  async deleteBefore(before: Date, batch = 500): Promise<number> {
    const cutoff = before.toISOString();
    let deleted = 0;
    for (;;) {
      const items = await this.storage.list(ALL, { limit: batch });
      const old = items.filter(({ item }) => typeof item.at === 'string' && item.at < cutoff);
      if (old.length === 0) return deleted;
      const keys = old.flatMap(({ key, item }) => {
        const index = item[INDEX];
        const id = key.slice(ALL.length);
        return typeof index === 'string' ? [key, `${index}${id}`] : [key];
      });
      await this.storage.delete(keys);
      deleted += old.length;
      if (old.length < items.length) return deleted;
    }
  }

  /** The most recent entries, newest first; only those about `target` (a VM, vault or key vault name) if given. */
  async recent(options: { target?: string; limit?: number } = {}): Promise<AuditEntry[]> {
    const prefix = options.target ? byTarget(options.target) : ALL;
    const items = await this.storage.list(prefix, { limit: options.limit ?? 10, newestFirst: true });
    return items.map(({ item }) => {
      const { eTag: _eTag, [INDEX]: _index, ...entry } = item;
      return entry as AuditEntry;
    });
  }
}

const cut = (value: string | undefined, max: number): string | undefined =>
  value === undefined ? undefined : value.length > max ? `${value.slice(0, max - 1)}…` : value;

/** The entry with every string it carries bounded, so no input makes an entry (or its keys) grow without limit. */
function bounded(e: NewAuditEntry): NewAuditEntry {
  const details = e.details
    ? Object.fromEntries(
        Object.entries(e.details)
          .slice(0, LIMITS.details)
          .map(([k, v]) => [cut(k, 64)!, typeof v === 'string' ? cut(v, LIMITS.text)! : v]),
      )
    : undefined;
  return {
    ...e,
    who: { aadObjectId: cut(e.who.aadObjectId, 64), name: cut(e.who.name, LIMITS.name) },
    action: cut(e.action, 100)!,
    ...(e.target
      ? { target: { kind: e.target.kind, name: cut(e.target.name, LIMITS.name)!, id: cut(e.target.id, LIMITS.id) } }
      : {}),
    ...(details ? { details } : {}),
    ...(e.approval
      ? {
          approval: {
            requestId: cut(e.approval.requestId, LIMITS.name)!,
            by: e.approval.by && {
              aadObjectId: cut(e.approval.by.aadObjectId, 64),
              name: cut(e.approval.by.name, LIMITS.name),
            },
          },
        }
      : {}),
    ...(e.correlationId ? { correlationId: cut(e.correlationId, 100) } : {}),
  };
}
