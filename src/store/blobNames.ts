import { randomBytes } from 'node:crypto';

/** Azure's limit on a blob name. */
export const MAX_BLOB_NAME = 1024;

const SAFE = /[A-Za-z0-9_-]/;

/**
 * A store key as a blob name. Keys hold '/', ':', ';', '=', '.', non-ASCII text and whatever else ids carry; a blob
 * name must not end in '.' or '/', and a '.' or '..' segment or a '%' would be rewritten by URL handling on the way.
 * So every character but [A-Za-z0-9_-] is escaped: `~XX` for code units below 0x100, `~uXXXX` above (UTF-16 code
 * units, so even a lone surrogate round-trips). Each escape is self-delimiting, so the encoding is injective and
 * keeps prefixes: `key` starts with `p` exactly when `blobName(key)` starts with `blobName(p)`, and a prefix listing
 * of the container is a prefix listing of the keys.
 */
export function blobName(key: string): string {
  let name = '';
  for (let i = 0; i < key.length; i++) {
    const ch = key[i];
    const unit = key.charCodeAt(i);
    if (SAFE.test(ch)) name += ch;
    else if (unit < 0x100) name += `~${hex(unit, 2)}`;
    else name += `~u${hex(unit, 4)}`;
  }
  return name;
}

/** The key a blob name stands for (the inverse of blobName). */
export function keyOf(name: string): string {
  return name.replace(/~u([0-9A-F]{4})|~([0-9A-F]{2})/g, (_, wide: string | undefined, narrow: string | undefined) =>
    String.fromCharCode(parseInt(wide ?? narrow ?? '', 16)),
  );
}

function hex(n: number, width: number): string {
  return n.toString(16).toUpperCase().padStart(width, '0');
}

/**
 * Creation-order stamps, kept in each blob's metadata because a blob listing comes back in name order. A stamp is
 * `<ISO time>.<sequence within the millisecond>.<process id>`: strictly increasing within one process (even if the
 * clock steps back), ordered by wall clock across replicas (so only as exact as their clocks agree), and never equal
 * across processes.
 */
export class CreationStamps {
  private lastMs = 0;
  private seq = 0;
  private readonly processId = randomBytes(4).toString('hex');

  next(now = Date.now()): string {
    if (now > this.lastMs) {
      this.lastMs = now;
      this.seq = 0;
    } else {
      this.seq++;
    }
    return `${new Date(this.lastMs).toISOString()}.${String(this.seq).padStart(6, '0')}.${this.processId}`;
  }
}

/** A stamp for a blob written without one (by another tool): its creation time, ordered before stamped siblings. */
export function stampFromDate(createdOn: Date | undefined): string {
  return `${(createdOn ?? new Date(0)).toISOString()}.000000.`;
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results in input order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
