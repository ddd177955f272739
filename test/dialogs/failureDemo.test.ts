import { raw } from '../sandbox/recoveryServices.support';
import { play, type Case } from './support/conversation';
import { startProtectBot, type ProtectBot } from './support/protectBot';

/**
 * Issue 20, point 9: the failure demo (docs/first-hour.md) after access was granted earlier. Without an error named,
 * the sandbox fails the backup for whatever reason the world has — none is left once granted, so another error comes
 * and no Grant button. With "error": "UserErrorKeyVaultPermissionsNotConfigured" the admin route takes Backup's key
 * vault access away first, so the failure has its real cause and the Grant key vault access button repairs it.
 */
describe('the failure demo after an earlier grant (issue 20, point 9)', () => {
  let bot: ProtectBot;
  beforeAll(async () => {
    bot = await startProtectBot();
  });
  afterAll(() => bot.close());

  it('fails with the key vault error when asked, and the Grant button repairs it again', async () => {
    const grant: Case = {
      name: 'grant first',
      steps: [
        { say: 'grant access kv-ade-nogrant', expect: { card: 'grantAccess.confirm' } },
        { click: 'grantAccess.confirm', expect: { card: 'grantAccess.result' } },
      ],
    };
    await play(bot, grant, 'demo-1');

    // What the issue saw: with access granted, the demo's failure is another error.
    const other = await raw(bot.azure, 'POST', '/_sandbox/backups/fail', { body: { vm: 'vm-nogrant-01' } });
    expect(other.body.error).toBe('ExtensionSnapshotFailedNoNetwork');

    const asked = await raw(bot.azure, 'POST', '/_sandbox/backups/fail', {
      body: { vm: 'vm-nogrant-01', error: 'UserErrorKeyVaultPermissionsNotConfigured' },
    });
    expect(asked.status).toBe(201);
    expect(asked.body.error).toBe('UserErrorKeyVaultPermissionsNotConfigured');

    const repair: Case = {
      name: 'repair',
      steps: [
        {
          say: 'check vm-nogrant-01',
          expect: { card: 'check.result', verbs: ['grantAccess.start'], text: /lacks access/ },
        },
        { click: 'grantAccess.start', expect: { card: 'grantAccess.confirm', text: /kv-ade-nogrant/ } },
        { click: 'grantAccess.confirm', expect: { card: 'grantAccess.result', text: /Access granted|granted/i } },
        { say: 'check vm-nogrant-01', expect: { card: 'check.result', noVerbs: ['grantAccess.start'] } },
      ],
    };
    await play(bot, repair, 'demo-2');
  });

  it('refuses the key vault error for a VM that is not encrypted', async () => {
    const res = await raw(bot.azure, 'POST', '/_sandbox/backups/fail', {
      body: { vm: 'vm-db-01', error: 'Nope' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/UserErrorKeyVaultPermissionsNotConfigured/);
  });
});
