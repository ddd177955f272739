import { ETagConflictError, RecordStore, SqliteStorage } from '../../src/store';

interface Approval {
  state: 'pending' | 'approved' | 'running' | 'rejected';
  by?: string;
}

describe('RecordStore (compare-and-set records)', () => {
  let storage: SqliteStorage;
  let approvals: RecordStore<Approval>;
  beforeEach(() => {
    storage = new SqliteStorage(':memory:');
    approvals = new RecordStore<Approval>(storage, 'approvals');
  });
  afterEach(() => storage.close());

  it('creates once, then gets the value with its eTag', async () => {
    expect(await approvals.create('r1', { state: 'pending' })).toBe(true);
    expect(await approvals.create('r1', { state: 'approved' })).toBe(false);
    const got = await approvals.get('r1');
    expect(got).toEqual({ value: { state: 'pending' }, eTag: expect.any(String) });
    expect(await approvals.get('r2')).toBeUndefined();
  });

  it('puts with the expected eTag and refuses a stale one', async () => {
    await approvals.create('r1', { state: 'pending' });
    const read = (await approvals.get('r1'))!;
    await approvals.put('r1', { state: 'approved', by: 'megan' }, read.eTag);
    await expect(approvals.put('r1', { state: 'rejected' }, read.eTag)).rejects.toBeInstanceOf(ETagConflictError);
    expect((await approvals.get('r1'))!.value).toEqual({ state: 'approved', by: 'megan' });
  });

  it('lets exactly one of two concurrent transitions from pending win', async () => {
    await approvals.create('r1', { state: 'pending' });
    const approve = (by: string) =>
      approvals.update('r1', (current) => (current?.state === 'pending' ? { state: 'approved', by } : undefined));
    const results = await Promise.all([approve('megan'), approve('alex')]);
    expect(results.filter((r) => r.changed)).toHaveLength(1);
    const winner = results.find((r) => r.changed)!.value;
    expect((await approvals.get('r1'))!.value).toEqual(winner);
  });

  it('retries on conflict so that concurrent increments all land', async () => {
    const counters = new RecordStore<{ n: number }>(storage, 'counters');
    await Promise.all(Array.from({ length: 5 }, () => counters.update('c', (cur) => ({ n: (cur?.n ?? 0) + 1 }))));
    expect((await counters.get('c'))!.value.n).toBe(5);
  });

  it('lists a collection and deletes from it', async () => {
    await approvals.create('r1', { state: 'pending' });
    await approvals.create('r2', { state: 'rejected' });
    await storage.create('other/r3', { x: 1 });
    expect((await approvals.list()).map((r) => [r.id, r.value.state])).toEqual([
      ['r1', 'pending'],
      ['r2', 'rejected'],
    ]);
    await approvals.delete('r1');
    expect((await approvals.list()).map((r) => r.id)).toEqual(['r2']);
  });
});
