import { play, shown, type Case } from './support/conversation';
import { startProtectBot, type ProtectBot } from './support/protectBot';

// Every Azure write carries an x-ms-client-request-id (the Activity Log's httpRequest.clientRequestId), and the audit
// entry of the action keeps exactly the ids of its writes: from `audit`, a person finds the change in Azure.
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

describe('the trail of Azure writes', () => {
  let bot: ProtectBot;
  beforeAll(async () => {
    bot = await startProtectBot();
  });
  afterAll(() => bot.close());

  const writesSince = (mark: number) =>
    bot.azure.sandbox.log.since(mark).filter((r) => r.surface !== 'identity' && r.method !== 'GET');

  it('backup now: the trigger’s client request id is on the audit entry, and on the sandbox’s request log', async () => {
    const mark = bot.azure.sandbox.log.mark();
    const c: Case = {
      name: 'backup now vm-db-01',
      steps: [
        { say: 'backup now vm-db-01', expect: { card: 'backupNow.retention' } },
        {
          click: 'backupNow.retention',
          inputs: { retainUntil: shown('retainUntil') },
          expect: { card: 'backupNow.confirm' },
        },
        { click: 'backupNow.confirm', expect: { card: 'backupNow.progress' } },
        { updated: { card: 'backupNow.progress', text: /^Backup completed$/ }, until: /^Backup completed$/ },
      ],
    };
    await play(bot, c, 'trail-backup');
    const writes = writesSince(mark);
    expect(writes.length).toBeGreaterThan(0);
    for (const w of writes) expect(w.clientRequestId).toMatch(GUID);
    const [entry] = (await bot.store.audit.recent({ target: 'vm-db-01', limit: 10 })).filter(
      (e) => e.action === 'backup.trigger',
    );
    // backupStatus is a POST that reads (before the trigger): not part of the action's trail.
    const trigger = writes.filter((w) => w.routeId === 'backups.trigger');
    expect(trigger).toHaveLength(1);
    expect(entry.armRequestIds).toEqual([trigger[0].clientRequestId]);
    // `audit` shows it, so a person can look it up in the Activity Log (both languages).
    await play(
      bot,
      {
        name: 'audit vm-db-01',
        steps: [
          {
            say: 'audit vm-db-01',
            expect: {
              card: 'audit',
              text: new RegExp(`Azure request id \\(Activity Log\\): ${trigger[0].clientRequestId}`),
            },
          },
          {
            say: 'audit vm-db-01',
            locale: 'zh-TW',
            expect: {
              card: 'audit',
              text: new RegExp(`Azure 要求識別碼 \\(活動記錄\\)：${trigger[0].clientRequestId}`),
            },
          },
        ],
      },
      'trail-audit',
    );
  });

  it('key vault grant: the audit entry names the grant’s writes, and no other request', async () => {
    const before = bot.azure.sandbox.log.mark();
    await play(
      bot,
      {
        name: 'grant access kv-ade-nogrant',
        steps: [
          { say: 'grant access kv-ade-nogrant', expect: { card: 'grantAccess.confirm' } },
          { click: 'grantAccess.confirm', expect: { card: 'grantAccess.result' } },
        ],
      },
      'trail-grant',
    );
    const writes = writesSince(before).filter((w) => /accessPolicies|roleAssignments/i.test(w.path));
    expect(writes).toHaveLength(1);
    const [entry] = await bot.store.audit.recent({ target: 'kv-ade-nogrant', limit: 1 });
    expect(entry).toMatchObject({ action: 'keyVault.grant', result: 'succeeded' });
    expect(entry.armRequestIds).toEqual([writes[0].clientRequestId]);
  });
});
