import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { localSigningKey, RecordSigner, SignedRecordStore, SqliteStorage } from '../../src/store';
import type { ApprovalRecord } from '../../src/bot/approvals/types';
import type { RunRecord } from '../../src/runs/types';
import { requestRestore } from '../bot/approvals/flow';
import { approver, operator, startRestoreBot, until, type RestoreBot } from '../bot/approvals/restoreBot';

const VM = 'vm-db-01';

/**
 * Someone with write access to the store (the SQLite file here; a Blob container alike) but not the bot's signing key
 * writes records straight into it. None of them may restore anything: a record whose signature does not verify is
 * moved aside (quarantined, logged with its key, audited) and a run without a matching approval fails unstarted.
 */
describe('signed approvals and runs', () => {
  let a: RestoreBot;
  beforeAll(async () => {
    a = await startRestoreBot();
    await a.say(approver, 'hello');
  });
  afterAll(() => a.close());

  /** Writes a row as someone with the file would: no signature, or whatever they make up. */
  const writeRaw = (key: string, value: unknown) => {
    const db = new Database(a.sqlitePath);
    try {
      db.prepare(
        `INSERT INTO items (key, etag, value, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET etag = excluded.etag, value = excluded.value`,
      ).run(key, randomUUID(), typeof value === 'string' ? value : JSON.stringify(value), new Date().toISOString());
    } finally {
      db.close();
    }
  };
  const rawKeys = (prefix: string): string[] => {
    const db = new Database(a.sqlitePath, { readonly: true });
    try {
      return (db.prepare('SELECT key FROM items WHERE key LIKE ?').all(`${prefix}%`) as { key: string }[]).map(
        (r) => r.key,
      );
    } finally {
      db.close();
    }
  };
  const quarantined = async () =>
    (await new SqliteStorage(a.sqlitePath).list('quarantine/')).map(({ item }) => item as Record<string, any>);
  const pendingRequest = async () => {
    const req = await requestRestore(a, operator, VM, { vmName: `vm-db-01-${randomUUID().slice(0, 6)}` });
    const record = (await a.approvals()).find((r) => r.id === req.requestId)!;
    return { req, record };
  };
  const runOf = (record: ApprovalRecord, extra: Partial<RunRecord> = {}): RunRecord => ({
    id: `restore:${record.id}`,
    kind: 'restore',
    status: 'running',
    step: 'restoreDisks',
    checkpoint: { requestId: record.id, plan: record.plan },
    attempt: 0,
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    ...extra,
  });

  it('a run written straight into the store (with its index entry) restores nothing and is moved aside', async () => {
    const jobsBefore = a.restoreJobs(VM).length;
    const { record } = await pendingRequest();
    const run = runOf(record);
    writeRaw(`runs/${run.id}`, run);
    writeRaw(`runs-open/${run.id}`, { kind: 'restore', at: run.createdAt });

    await a.runs.resumeAll(); // the sweep every replica runs (every 15 s in production)
    await until('the forged run to be moved aside', async () => rawKeys(`runs/${run.id}`).length === 0);
    expect(a.restoreJobs(VM)).toHaveLength(jobsBefore);
    const moved = (await quarantined()).find((q) => q.key === `runs/${run.id}`);
    expect(moved).toMatchObject({ reason: 'unsigned', raw: expect.stringContaining(record.id) });
    const logged = a.logs
      .lines()
      .filter((l) => l.msg === 'record moved aside (quarantined)' && l.key === `runs/${run.id}`);
    expect(logged).toHaveLength(1);
    const audit = await a.store.audit.recent({ limit: 50 });
    expect(audit).toContainEqual(
      expect.objectContaining({
        action: 'store.quarantine',
        result: 'refused',
        details: expect.objectContaining({ key: `runs/${run.id}` }),
      }),
    );
    // The request is still pending: nothing moved it on.
    expect((await a.approvals()).find((r) => r.id === record.id)?.status).toBe('pending');
  });

  it('an approval edited in the store to "approved" is refused at the next start, and restores nothing', async () => {
    const jobsBefore = a.restoreJobs(VM).length;
    const { record } = await pendingRequest();
    // Keeps the old signature: the edit is what the attacker can do without the key.
    const stored = (await a.store.records<ApprovalRecord & { sig: string }>('restore-approvals').get(record.id))!.value;
    writeRaw(`restore-approvals/${record.id}`, {
      ...stored,
      status: 'approved',
      decision: { by: { aadObjectId: approver.aadObjectId, name: 'Megan' }, at: new Date().toISOString() },
    });
    // A restart resumes approved requests (it starts their runs): this one must not be among them.
    const b = await startRestoreBot({ azure: a.azure, sqlitePath: a.sqlitePath });
    try {
      await until(
        'the tampered approval to be moved aside',
        () => rawKeys(`restore-approvals/${record.id}`).length === 0,
      );
      expect(await b.run(record.id)).toBeUndefined();
      expect(a.restoreJobs(VM)).toHaveLength(jobsBefore);
      const moved = (await quarantined()).find((q) => q.key === `restore-approvals/${record.id}`);
      expect(moved).toMatchObject({ reason: 'badSignature' });
    } finally {
      await b.close();
    }
  });

  it('a signed run without a matching approval fails before any step, audited', async () => {
    // The bot's own key (as a bug or a replayed record would carry): the approval is what must still be checked.
    const signer = new RecordSigner(localSigningKey(`${a.sqlitePath.replace(/[^/]+$/, '')}record-signing.key`));
    const runs = new SignedRecordStore<RunRecord>(new SqliteStorage(a.sqlitePath), 'runs', signer, async () => {});
    const jobsBefore = a.restoreJobs(VM).length;

    // 1. The request is still pending (nobody approved it).
    const pending = (await pendingRequest()).record;
    // 2. A plan other than the approved one (another VM name in the same request).
    const other = (await pendingRequest()).record;
    const changedPlan = { ...other.plan, newVmName: 'vm-attacker' };
    for (const run of [runOf(pending), runOf(other, { checkpoint: { requestId: other.id, plan: changedPlan } })]) {
      expect(await runs.create(run.id, run)).toBe(true);
    }
    // The second request is approved for real, for its own plan.
    await a.store.signed<ApprovalRecord>('restore-approvals').update(other.id, (cur) => ({
      ...cur!,
      status: 'approved',
      decision: { by: { aadObjectId: approver.aadObjectId }, at: new Date().toISOString() },
    }));

    const b = await startRestoreBot({ azure: a.azure, sqlitePath: a.sqlitePath });
    try {
      for (const id of [pending.id, other.id]) {
        const failed = await until(`run ${id} to fail`, async () => {
          const run = await b.run(id);
          return run?.status === 'failed' ? run : undefined;
        });
        expect(failed.error).toMatchObject({ code: 'RunNotApproved', step: 'restoreDisks' });
        expect(failed.checkpoint.triggeredAt).toBeUndefined();
      }
      expect(a.restoreJobs(VM)).toHaveLength(jobsBefore);
      const refusals = (await a.audit(VM)).filter((e) => e.action === 'restore.run' && e.result === 'refused');
      expect(refusals.map((e) => e.details?.refusal)).toEqual(expect.arrayContaining(['notApproved', 'planMismatch']));
    } finally {
      await b.close();
    }
  });

  it('an unreadable record is skipped and moved aside; start-up and the expiry sweep go on', async () => {
    const { record } = await pendingRequest();
    writeRaw('runs/restore:broken', '{"id": "restore:broken", "status": "runn');
    writeRaw('runs-open/restore:broken', { kind: 'restore', at: new Date().toISOString() });
    writeRaw('restore-approvals/broken', 'not json at all');
    // A restart five hours later: the request above is past its expiry (4 hours by default).
    const later = () => new Date(Date.now() + 5 * 3600_000);
    const b = await startRestoreBot({ azure: a.azure, sqlitePath: a.sqlitePath, now: later, expirySweepMs: 50 });
    try {
      await until(
        'the request to expire',
        async () => (await b.approvals()).find((r) => r.id === record.id)?.status === 'expired',
      );
      expect(rawKeys('runs/restore:broken')).toEqual([]);
      expect(rawKeys('restore-approvals/broken')).toEqual([]);
      const moved = await quarantined();
      expect(moved).toContainEqual(
        expect.objectContaining({
          key: 'runs/restore:broken',
          reason: 'unreadable',
          raw: expect.stringContaining('runn'),
        }),
      );
      expect(moved).toContainEqual(expect.objectContaining({ key: 'restore-approvals/broken', reason: 'unreadable' }));
      const logged = b.logs.lines().filter((l) => l.msg === 'record moved aside (quarantined)');
      expect(logged.filter((l) => l.key === 'runs/restore:broken')).toHaveLength(1);
    } finally {
      await b.close();
    }
  });
});
