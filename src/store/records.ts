import { ETagConflictError, type DurableStorage, type ListOptions } from './types';

export interface Versioned<T> {
  value: T;
  eTag: string;
}

/**
 * Typed records in one collection of the store, changed by compare-and-set: a decision (approve a restore, claim a
 * job notification) reads a record with its eTag and writes only if nobody wrote in between, so two clicks, two
 * replicas or a retry can never both win. Keys are `<collection>/<id>`.
 */
export class RecordStore<T extends object> {
  constructor(
    private readonly storage: DurableStorage,
    readonly collection: string,
  ) {}

  /** Another collection on the same storage, unsigned (an index that only points at records of this one). */
  sibling<U extends object>(collection: string): RecordStore<U> {
    return new RecordStore<U>(this.storage, collection);
  }

  private key(id: string): string {
    return `${this.collection}/${id}`;
  }

  async get(id: string): Promise<Versioned<T> | undefined> {
    const key = this.key(id);
    const item = (await this.storage.read([key]))[key];
    if (!item) return undefined;
    const { eTag, ...value } = item;
    return { value: value as T, eTag: String(eTag) };
  }

  /** Stores a new record; false when one already exists under `id` (nothing written). */
  create(id: string, value: T): Promise<boolean> {
    return this.storage.create(this.key(id), { ...value });
  }

  /** Replaces the record if its eTag is still `expectedETag` ('*' = unconditionally); else throws ETagConflictError. */
  put(id: string, value: T, expectedETag: string): Promise<void> {
    return this.storage.write({ [this.key(id)]: { ...value, eTag: expectedETag } });
  }

  delete(id: string): Promise<void> {
    return this.storage.delete([this.key(id)]);
  }

  /**
   * Applies `change` to the current value (undefined if none) and writes the result by compare-and-set, re-reading and
   * re-applying on conflict. `change` returns undefined to leave the record as it is (e.g. a state transition that no
   * longer applies). Returns the value now stored and whether this call wrote it.
   */
  async update(
    id: string,
    change: (current: T | undefined) => T | undefined,
    options: { attempts?: number } = {},
  ): Promise<{ value: T | undefined; changed: boolean }> {
    const attempts = options.attempts ?? 5;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const current = await this.get(id);
      const next = change(current?.value);
      if (next === undefined) return { value: current?.value, changed: false };
      if (!current) {
        if (await this.create(id, next)) return { value: next, changed: true };
        continue;
      }
      try {
        await this.put(id, next, current.eTag);
        return { value: next, changed: true };
      } catch (err) {
        if (!(err instanceof ETagConflictError)) throw err;
      }
    }
    throw new ETagConflictError(this.key(id));
  }

  async list(options: ListOptions = {}): Promise<{ id: string; value: T; eTag: string }[]> {
    const prefix = `${this.collection}/`;
    const items = await this.storage.list(prefix, options);
    return items.map(({ key, item }) => {
      const { eTag, ...value } = item;
      return { id: key.slice(prefix.length), value: value as T, eTag: String(eTag) };
    });
  }
}
