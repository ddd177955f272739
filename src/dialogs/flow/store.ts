import type { RecordStore, Store } from '../../store';
import type { FlowName, FlowRecord } from './types';

/** A flow not touched for this long is over: its cards are refused as out of date. */
export const FLOW_TTL_MS = 24 * 3600 * 1000;

/**
 * Flow records, one collection per conversation and user (teams-patterns pitfall 7: in group chats and channels,
 * per-conversation state would mix users), one record per flow, changed by compare-and-set.
 */
export class FlowStore {
  constructor(private readonly store: Store) {}

  of(conversationId: string, userId: string): RecordStore<FlowRecord> {
    return this.store.records<FlowRecord>(`flows/${encodeURIComponent(conversationId)}/${encodeURIComponent(userId)}`);
  }

  /** The user's flows in this conversation that have not expired, most recently used first. */
  async active(conversationId: string, userId: string, now = Date.now()): Promise<FlowRecord[]> {
    const records = await this.of(conversationId, userId).list();
    return records
      .map((r) => r.value)
      .filter((r) => !expired(r, now))
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }

  async clear(conversationId: string, userId: string, flows?: FlowName[]): Promise<number> {
    const records = this.of(conversationId, userId);
    const all = await records.list();
    const gone = all.filter((r) => !flows || flows.includes(r.value.flow));
    await Promise.all(gone.map((r) => records.delete(r.id)));
    return gone.filter((r) => !expired(r.value, Date.now())).length;
  }
}

export function expired(record: FlowRecord, now = Date.now()): boolean {
  return now - Date.parse(record.updatedAt) > FLOW_TTL_MS;
}
