import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { StoreItem, StoreItems } from 'botbuilder';
import { quarantineKey, type QuarantineListener } from './quarantine';
import { ETagConflictError, type DurableStorage, type ListedItem, type ListOptions } from './types';

interface Row {
  key: string;
  etag: string;
  value: string;
}

/** Past every other character in UTF-8 order: `key < prefix + MAX_CHAR` bounds a prefix range. */
const MAX_CHAR = '\u{10FFFF}';

/**
 * botbuilder `Storage` on SQLite (better-sqlite3) in one file, WAL mode. eTags behave like botbuilder's MemoryStorage:
 * every write gives the item a new eTag; a write carrying an eTag other than '*' must match the stored one, else it
 * throws ETagConflictError and nothing of that batch is written. One difference, shared with the Blob and Cosmos
 * backends: a write carrying an eTag for an item that no longer exists is a conflict too, so compare-and-set holds.
 */
export class SqliteStorage implements DurableStorage {
  private readonly db: Database.Database;
  onQuarantine?: QuarantineListener;
  /** Statements prepared once (compiling SQL on every read and write showed in the bench's profile). */
  private readonly statements = new Map<string, Database.Statement<any[], any>>();

  /** `file` is a path (its folder is created) or ':memory:'. */
  constructor(readonly file: string) {
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    // seq keeps creation order for list(); an update keeps the row (and its seq).
    this.db.exec(`CREATE TABLE IF NOT EXISTS items (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      key TEXT NOT NULL UNIQUE,
      etag TEXT NOT NULL,
      value TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`);
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    const select = this.statement<[string], Row>('SELECT key, etag, value FROM items WHERE key = ?');
    const items: StoreItems = {};
    for (const key of keys) {
      const row = select.get(key);
      const item = row && this.decode(row);
      if (item) items[key] = item;
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    const currentETag = this.statement<[string], { etag: string }>('SELECT etag FROM items WHERE key = ?');
    const upsert = this.statement(
      `INSERT INTO items (key, etag, value, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET etag = excluded.etag, value = excluded.value, updated_at = excluded.updated_at`,
    );
    this.db.transaction(() => {
      for (const [key, item] of Object.entries(changes)) {
        const { eTag, ...value } = (item ?? {}) as StoreItem;
        if (eTag && eTag !== '*' && currentETag.get(key)?.etag !== eTag) throw new ETagConflictError(key);
        upsert.run(key, newETag(), JSON.stringify(value), new Date().toISOString());
      }
    })();
  }

  async delete(keys: string[]): Promise<void> {
    const remove = this.statement('DELETE FROM items WHERE key = ?');
    this.db.transaction(() => keys.forEach((key) => remove.run(key)))();
  }

  async create(key: string, item: StoreItem): Promise<boolean> {
    const { eTag: _ignored, ...value } = item;
    const result = this.statement(
      'INSERT INTO items (key, etag, value, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(key) DO NOTHING',
    ).run(key, newETag(), JSON.stringify(value), new Date().toISOString());
    return result.changes === 1;
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListedItem[]> {
    const order = options.newestFirst ? 'DESC' : 'ASC';
    const limit = options.limit ?? -1;
    const rows = this.statement<[string, string, number], Row>(
      `SELECT key, etag, value FROM items WHERE key >= ? AND key < ? ORDER BY seq ${order} LIMIT ?`,
    ).all(prefix, prefix + MAX_CHAR, limit);
    return rows.flatMap((row) => {
      const item = this.decode(row);
      return item ? [{ key: row.key, item }] : [];
    });
  }

  async quarantine(key: string, reason: string): Promise<string | undefined> {
    const row = this.db.prepare<[string], Row>('SELECT key, etag, value FROM items WHERE key = ?').get(key);
    return row ? this.moveAside(row, reason) : undefined;
  }

  /** The row's item, or undefined after moving an undecodable row aside (one bad row never stops a listing). */
  private decode(row: Row): StoreItem | undefined {
    try {
      return toItem(row);
    } catch {
      this.moveAside(row, 'unreadable');
      return undefined;
    }
  }

  private moveAside(row: Row, reason: string): string | undefined {
    const at = new Date();
    const to = quarantineKey(row.key, at);
    const value = JSON.stringify({ key: row.key, reason, at: at.toISOString(), raw: row.value });
    const moved = this.db.transaction(() => {
      const gone = this.db.prepare('DELETE FROM items WHERE key = ? AND etag = ?').run(row.key, row.etag).changes;
      if (gone !== 1) return false;
      this.db
        .prepare('INSERT INTO items (key, etag, value, updated_at) VALUES (?, ?, ?, ?)')
        .run(to, newETag(), value, at.toISOString());
      return true;
    })();
    if (!moved) return undefined;
    void Promise.resolve(this.onQuarantine?.(row.key, reason, to)).catch(() => undefined);
    return to;
  }

  private statement<P extends unknown[] = unknown[], R = unknown>(sql: string): Database.Statement<P, R> {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st as unknown as Database.Statement<P, R>;
  }

  async check(): Promise<'ok' | 'unavailable'> {
    try {
      this.db.prepare('SELECT 1').get();
      return 'ok';
    } catch {
      return 'unavailable';
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function toItem(row: Row): StoreItem {
  const value = JSON.parse(row.value) as unknown;
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
  return { ...(value as StoreItem), eTag: row.etag };
}

function newETag(): string {
  return randomUUID();
}
