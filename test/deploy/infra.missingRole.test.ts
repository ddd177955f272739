import { startTestAzure, type TestAzure } from '../support/azure';
import { play, shown, type Case } from '../dialogs/support/conversation';
import { startProtectBot, type ProtectBot } from '../dialogs/support/protectBot';
import { deployInfra, sandboxParameters } from './deployInfra';

/**
 * The flows pass because of the roles infra/ grants, not by accident: deployed without the vaults' resource group
 * (no Backup Contributor on rg-backup), backup now fails with the troubleshooting entry for a missing permission,
 * naming the action and the scope, and starts no job.
 */
const noBackupRole: Case = {
  name: 'backup now vm-db-01 without Backup Contributor on rg-backup',
  steps: [
    { say: 'backup now vm-db-01', expect: { card: 'backupNow.retention' } },
    {
      click: 'backupNow.retention',
      inputs: { retainUntil: shown('retainUntil') },
      expect: { card: 'backupNow.confirm' },
    },
    { click: 'backupNow.confirm', expect: { card: 'backupNow.progress', text: /Starting the backup/ } },
    {
      until: /lacks a permission/,
      updated: {
        card: 'backupNow.progress',
        text: [
          /The bot's identity lacks a permission/,
          /not allowed to perform 'Microsoft\.RecoveryServices\/Vaults\/[^']*' on '[^']*\/resourceGroups\/rg-backup/,
          /Give the bot's managed identity a role that includes/,
        ],
      },
    },
  ],
  then: (bot) =>
    expect(
      bot.world.jobs.filter(
        (j) => j.operation === 'Backup' && j.entityFriendlyName === 'vm-db-01' && j.isUserTriggered,
      ),
    ).toEqual([]),
};

describe('infra/ deployed without one role assignment', () => {
  let azure: TestAzure;
  let bot: ProtectBot;
  beforeAll(async () => {
    azure = await startTestAzure({ botAccess: 'none' });
    const deployed = await deployInfra(azure, sandboxParameters({ vaultResourceGroups: '' }));
    expect((deployed as any).properties?.provisioningState).toBe('Succeeded');
    bot = await startProtectBot({ azure });
  });
  afterAll(async () => {
    await bot.close();
    await azure.close();
  });

  it('the flow that needs it fails with its troubleshooting entry', async () => {
    await play(bot, noBackupRole, 'missing-role');
  });
});
