import type { Storage, StoreItem } from 'botbuilder';
import type { QuarantineListener } from './quarantine';

export interface ListOptions {
  /** At most this many entries. */
  limit?: number;
  /** Most recently created first (default: oldest first). */
  newestFirst?: boolean;
}

export interface ListedItem {
  key: string;
  item: StoreItem;
}

/**
 * botbuilder's `Storage` (read / write / delete with eTags, what teams-ai keeps its turn state in) plus the two things
 * durable records need and `Storage` lacks: an atomic create-if-absent and listing by key prefix in creation order
 * (append-only collections such as the audit trail). A Blob backend implements the same interface later.
 */
export interface DurableStorage extends Storage {
  /** Writes `item` under `key` only if nothing is stored there; returns false when the key exists. */
  create(key: string, item: StoreItem): Promise<boolean>;
  /** Items whose key starts with `prefix`, in creation order. */
  list(prefix: string, options?: ListOptions): Promise<ListedItem[]>;
  /**
   * Moves the item under `key` aside to `quarantine/…` (with the reason and what was stored), leaving `key` empty.
   * Returns where it went, or undefined when nothing was stored there. Items that cannot be decoded are moved aside by
   * read and list themselves (skipped, never returned, never deleted).
   */
  quarantine(key: string, reason: string): Promise<string | undefined>;
  /** Told once per item moved aside. */
  onQuarantine?: QuarantineListener;
  /** Whether the backend answers (for /healthz). */
  check(): Promise<'ok' | 'unavailable'>;
  close(): Promise<void>;
}

/** A write whose eTag did not match the stored item (someone else wrote first). */
export class ETagConflictError extends Error {
  readonly code = 'ETagConflict';
  constructor(readonly key: string) {
    super(`Storage: error writing "${key}" due to eTag conflict.`);
    this.name = 'ETagConflictError';
  }
}
