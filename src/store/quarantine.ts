import { createHash } from 'node:crypto';

/** Where records moved aside are kept (never deleted by the bot: an operator reads and removes them). */
export const QUARANTINE_PREFIX = 'quarantine/';

/** What a quarantined record holds: where it was, why it was moved, when, and what was stored (raw text or item). */
export interface QuarantinedRecord {
  key: string;
  reason: string;
  at: string;
  raw?: string;
  item?: unknown;
}

/**
 * The key a record is moved to: time-ordered and short whatever the original key (a blob name stays far below
 * Azure's 1,024 characters); the original key is inside the quarantined record.
 */
export function quarantineKey(key: string, at = new Date()): string {
  const hash = createHash('sha256').update(key).update(at.toISOString()).digest('hex').slice(0, 24);
  return `${QUARANTINE_PREFIX}${at.toISOString().replace(/[-:.]/g, '')}-${hash}`;
}

/** Told once for every record moved aside (the composition root logs it and writes an audit entry). */
export type QuarantineListener = (key: string, reason: string, movedTo: string) => void | Promise<void>;
