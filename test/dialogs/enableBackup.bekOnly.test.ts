import { choose, play } from './support/conversation';
import { startProtectBot, type ProtectBot } from './support/protectBot';

// Its own file: one sandbox (and one managed identity token cache) per test file.
describe('enable backup with ALLOW_BEK_ONLY', () => {
  let bot: ProtectBot;
  beforeAll(async () => {
    bot = await startProtectBot({ allowBekOnly: true });
  });
  afterAll(() => bot.close());

  it('protects vm-bek-01 (newer Azure backs up BEK-only VMs)', async () => {
    await play(
      bot,
      {
        name: 'vm-bek-01 allowed',
        steps: [
          { say: 'enable backup vm-bek-01', expect: { card: 'enableBackup.vault' } },
          {
            click: 'enableBackup.vault',
            inputs: { choice: choose('rsv-prod-eastasia') },
            expect: { card: 'enableBackup.policy' },
          },
          {
            click: 'enableBackup.policy',
            inputs: { choice: choose('DefaultPolicy') },
            expect: { card: 'enableBackup.precheck', text: [/BEK only/, /^Ready\.$/] },
          },
          { click: 'enableBackup.precheck', expect: { card: 'enableBackup.confirm' } },
          { click: 'enableBackup.confirm', expect: { card: 'enableBackup.result' } },
          { updated: { card: 'enableBackup.result', text: /^Backup enabled$/ }, until: /^Backup enabled$/ },
        ],
        then: (b) => expect(b.world.protectedItems.find((p) => p.vmName === 'vm-bek-01')).toBeDefined(),
      },
      'bek',
    );
  });
});
