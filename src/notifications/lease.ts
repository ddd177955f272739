import type { RecordStore, Store } from '../store';

interface LeaseRecord {
  holder: string;
  until: string;
}

/**
 * A lease in the store: one holder at a time, taken and renewed by compare-and-set. A holder that stops renewing
 * (its replica died) loses it when `ttlMs` has passed, and another replica takes over.
 */
export class Lease {
  private readonly records: RecordStore<LeaseRecord>;

  constructor(
    store: Store,
    private readonly name: string,
    readonly holder: string,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.records = store.records<LeaseRecord>('notify.lease');
  }

  /** Takes or renews the lease; true while this replica holds it. */
  async acquire(): Promise<boolean> {
    const now = this.now();
    const until = new Date(now + this.ttlMs).toISOString();
    const result = await this.records.update(this.name, (current) => {
      if (current && current.holder !== this.holder && Date.parse(current.until) > now) return undefined;
      return { holder: this.holder, until };
    });
    return result.value?.holder === this.holder && result.value.until === until;
  }

  /** Hands the lease over at once (a graceful shutdown), if this replica holds it. */
  async release(): Promise<void> {
    await this.records.update(this.name, (current) =>
      current?.holder === this.holder ? { holder: this.holder, until: new Date(0).toISOString() } : undefined,
    );
  }

  async current(): Promise<LeaseRecord | undefined> {
    return (await this.records.get(this.name))?.value;
  }
}
