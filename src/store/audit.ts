import { randomBytes } from 'node:crypto';
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
const byTarget = (name: string) => `audit/target/${encodeURIComponent(name.toLowerCase())}/`;

/**
 * The append-only audit trail: every mutating action of every flow writes here, and `audit [vm | vault]` reads it.
 * Entries are created, never overwritten; each is also indexed under its target's name so a target's history is one
 * prefix listing, not a scan.
 */
export class AuditTrail {
  constructor(
    private readonly storage: DurableStorage,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async append(entry: NewAuditEntry): Promise<AuditEntry> {
    const at = this.now().toISOString();
    // Sortable by time in the key too, for backends that list by key order.
    const id = `${at.replace(/[-:.]/g, '')}-${randomBytes(4).toString('hex')}`;
    const full: AuditEntry = { id, at, ...entry };
    await this.storage.create(`${ALL}${id}`, { ...full });
    if (entry.target) await this.storage.create(`${byTarget(entry.target.name)}${id}`, { ...full });
    return full;
  }

  /** The most recent entries, newest first; only those about `target` (a VM, vault or key vault name) if given. */
  async recent(options: { target?: string; limit?: number } = {}): Promise<AuditEntry[]> {
    const prefix = options.target ? byTarget(options.target) : ALL;
    const items = await this.storage.list(prefix, { limit: options.limit ?? 10, newestFirst: true });
    return items.map(({ item }) => {
      const { eTag: _eTag, ...entry } = item;
      return entry as AuditEntry;
    });
  }
}
