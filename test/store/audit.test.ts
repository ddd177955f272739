import { AuditTrail, SqliteStorage } from '../../src/store';

describe('AuditTrail', () => {
  let storage: SqliteStorage;
  let trail: AuditTrail;
  let clock: number;
  beforeEach(() => {
    storage = new SqliteStorage(':memory:');
    clock = Date.parse('2026-01-05T10:00:00Z');
    trail = new AuditTrail(storage, () => new Date((clock += 60_000)));
  });
  afterEach(() => storage.close());

  const alex = { aadObjectId: '00000000-0000-0000-0000-0000000000020', name: 'Alex Wilber' };

  it('keeps who did what to which target, with result and time, newest first', async () => {
    await trail.append({
      who: alex,
      action: 'protection.enable',
      target: { kind: 'vm', name: 'vm-web-01' },
      result: 'succeeded',
    });
    await trail.append({
      who: alex,
      action: 'keyVault.grant',
      target: { kind: 'keyVault', name: 'kv-ade-nogrant' },
      result: 'failed',
    });
    const recent = await trail.recent();
    expect(recent.map((e) => [e.action, e.target?.name, e.result])).toEqual([
      ['keyVault.grant', 'kv-ade-nogrant', 'failed'],
      ['protection.enable', 'vm-web-01', 'succeeded'],
    ]);
    expect(recent[1]).toMatchObject({ who: alex, at: '2026-01-05T10:01:00.000Z', id: expect.any(String) });
    expect(recent[0]).not.toHaveProperty('eTag');
  });

  it('filters by target name, case-insensitively, and limits', async () => {
    for (let i = 0; i < 4; i++) {
      await trail.append({
        who: alex,
        action: `step.${i}`,
        target: { kind: 'vm', name: 'VM-DB-01' },
        result: 'succeeded',
      });
      await trail.append({
        who: alex,
        action: `other.${i}`,
        target: { kind: 'vault', name: 'rsv-prod-sea' },
        result: 'succeeded',
      });
    }
    const forVm = await trail.recent({ target: 'vm-db-01', limit: 3 });
    expect(forVm.map((e) => e.action)).toEqual(['step.3', 'step.2', 'step.1']);
    expect(await trail.recent({ target: 'vm-nothing' })).toEqual([]);
    expect(await trail.recent({ limit: 100 })).toHaveLength(8);
  });

  it('is append-only: entries written at the same instant are all kept', async () => {
    const frozen = new AuditTrail(storage, () => new Date('2026-01-05T10:00:00Z'));
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => frozen.append({ who: alex, action: `a.${i}`, result: 'requested' })),
    );
    expect(await frozen.recent({ limit: 50 })).toHaveLength(10);
  });
});
