import { blobName } from '../../src/store/blobNames';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { AuditTrail, retentionRules, RetentionSweep, SqliteStorage } from '../../src/store';
import { SANDBOX_USERS, message, startTestBot, type TestBot } from '../support/bot';

const DAY = 24 * 3600_000;
const NOW = Date.parse('2026-06-01T00:00:00Z');
const ago = (days: number) => new Date(NOW - days * DAY).toISOString();

describe('retention', () => {
  let storage: SqliteStorage;
  beforeEach(() => {
    storage = new SqliteStorage(':memory:');
  });
  afterEach(() => storage.close());

  it('deletes finished runs, decided approvals, ledger claims and audit entries past their time, and nothing else', async () => {
    const config = loadConfig({});
    expect(config.retention).toEqual({
      runsDays: 30,
      approvalsDays: 90,
      ledgerDays: 30,
      auditDays: 365,
      sweepMinutes: 60,
    });
    const put = (key: string, value: object) => storage.create(key, value);
    await put('runs/restore:old-done', { status: 'succeeded', updatedAt: ago(31) });
    await put('runs/restore:old-failed', { status: 'failed', updatedAt: ago(45) });
    await put('runs/restore:recent-done', { status: 'succeeded', updatedAt: ago(29) });
    await put('runs/restore:old-running', { status: 'running', updatedAt: ago(100) });
    await put('restore-approvals/old-rejected', { status: 'rejected', updatedAt: ago(91) });
    await put('restore-approvals/old-pending', { status: 'pending', updatedAt: ago(200) });
    await put('restore-approvals/recent-succeeded', { status: 'succeeded', updatedAt: ago(10) });
    await put('notify.jobs/old', { at: ago(31) });
    await put('notify.jobs/recent', { at: ago(1) });
    await put('notify.takes/old', { vault: 'v', vm: 'vm-a', episode: 'j1', owner: { name: 'Alex', at: ago(31) } });
    await put('notify.takes/recent', { vault: 'v', vm: 'vm-b', episode: 'j2', owner: { name: 'Alex', at: ago(2) } });
    await put('quarantine/20250101-abc', { key: 'runs/x', reason: 'unsigned', at: ago(900) });
    await put('rehearsal-drafts/old', { vm: 'vm-a', at: ago(2) });
    await put('rehearsal-drafts/recent', { vm: 'vm-a', at: new Date(NOW - 3600_000).toISOString() });
    await put('rehearsal-reported/rehearsal:old', { at: ago(31) });
    await put('rehearsal-standing/expired-long-ago', { expiresAt: ago(91) });
    await put('rehearsal-standing/active', { expiresAt: new Date(NOW + 30 * DAY).toISOString() });
    await put('rehearsal-standing-requests/decided-long-ago', { status: 'rejected', expiresAt: ago(91) });
    await put('rehearsal-standing-requests/recent', { status: 'approved', expiresAt: ago(1) });
    let clock = NOW - 400 * DAY;
    const audit = new AuditTrail(storage, () => new Date(clock));
    await audit.append({
      who: {},
      action: 'restore.request',
      target: { kind: 'vm', name: 'vm-a' },
      result: 'requested',
    });
    clock = NOW - 10 * DAY;
    await audit.append({
      who: {},
      action: 'restore.request',
      target: { kind: 'vm', name: 'vm-a' },
      result: 'requested',
    });

    const sweep = new RetentionSweep({
      storage,
      audit,
      rules: retentionRules(config.retention),
      auditDays: config.retention.auditDays,
      logger: createLogger({ level: 'silent' }),
      now: () => NOW,
    });
    expect(await sweep.sweep()).toEqual({
      runs: 2,
      approvals: 1,
      ledger: 1,
      takes: 1,
      audit: 1,
      'rehearsal drafts': 1,
      'rehearsal reports': 1,
      'standing rehearsals': 1,
      'standing rehearsal requests': 1,
    });
    const keys = (await storage.list('')).map((i) => i.key).filter((k) => !k.startsWith('audit/'));
    expect(keys.sort()).toEqual([
      'notify.jobs/recent',
      'notify.takes/recent',
      'quarantine/20250101-abc',
      'rehearsal-drafts/recent',
      'rehearsal-standing-requests/recent',
      'rehearsal-standing/active',
      'restore-approvals/old-pending',
      'restore-approvals/recent-succeeded',
      'runs/restore:old-running',
      'runs/restore:recent-done',
    ]);
    expect((await audit.recent({ limit: 10 })).map((e) => e.at)).toEqual([ago(10)]);
    expect((await audit.recent({ target: 'vm-a', limit: 10 })).map((e) => e.at)).toEqual([ago(10)]);
  });
});

// A user with no role, refused again and again with a 5 KB name: what the audit trail keeps stays small and bounded.
describe('refusals in the audit trail', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot({ REFUSED_LIMIT: '5' });
  });
  afterAll(() => t.close());

  it('records at most REFUSED_LIMIT refusals per user and window (plus one marker), each bounded', async () => {
    const name = 'v'.repeat(5000);
    const user = SANDBOX_USERS.viewer;
    for (let i = 0; i < 20; i++) {
      const sent = await t.send(
        message(`subscribe ${name}${i}`, { serviceUrl: t.connector.url, user, conversationId: 'v' }),
      );
      // Every one is still answered.
      expect(sent.map((s) => s.activity.text).join('')).toMatch(/only operators/);
    }
    const entries = (await t.bot.store.storage.list('audit/all/')).map((i) => i.item as Record<string, any>);
    const mine = entries.filter((e) => e.who?.aadObjectId === user.aadObjectId);
    expect(mine.map((e) => e.action)).toEqual([...Array(5).fill('notify.subscribe'), 'audit.refusalsLimited']);
    for (const e of mine) expect(JSON.stringify(e).length).toBeLessThan(1500);
    // Every key stays a valid blob name (Azure: at most 1,024 characters).
    const keys = (await t.bot.store.storage.list('audit/')).map((i) => i.key);
    expect(Math.max(...keys.map((k) => blobName(k).length))).toBeLessThanOrEqual(1024);
    // The long name is still found by `audit <name>` (its index key is a hash of it).
    expect(await t.bot.store.audit.recent({ target: `${name}0` })).toHaveLength(1);
  });
});
