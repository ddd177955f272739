import { cardId } from '../../../src/cards/render';
import { DUAL_PASS_APP_ID } from '../../../src/sandbox/world/load';
import { textsOf } from '../../support/bot';
import { approverCard, press, walkToPlan } from './flow';
import { approver, operator, startRestoreBot, until, type RestoreBot } from './restoreBot';

/**
 * Restores of VMs Azure treats differently, requested and approved in chat against the sandbox: a VM encrypted with
 * a Microsoft Entra app (dual pass) and a VM whose KEK lives in another key vault than its BEK.
 */
describe('restore of the VMs Azure treats differently', () => {
  let bot: RestoreBot;
  beforeAll(async () => {
    bot = await startRestoreBot();
    await bot.say(approver, 'help');
  });
  afterAll(() => bot.close());

  async function requestAndApprove(vm: string) {
    const { card: plan, messageId } = await walkToPlan(bot, operator, vm);
    expect(cardId(plan)).toBe('card.restore.plan');
    // Texts and the FactSet's values (textsOf reads text blocks only).
    const planText = [...textsOf(plan), JSON.stringify(plan)].join('\n');
    const requested = await press(bot, operator, plan, 'restore.requestApproval', messageId);
    const requestId: string = requested.card!.actions.find((a: any) => a.verb === 'approval.cancel').data.requestId;
    const posted = approverCard(bot)!;
    await press(
      bot,
      approver,
      posted.card(),
      'approval.approve',
      posted.messageId,
      { reason: 'drill' },
      'personal-user-id-1',
    );
    await until('the request to end', async () => {
      const record = (await bot.approvals()).find((a) => a.id === requestId);
      return record && ['succeeded', 'failed'].includes(record.status) ? record : undefined;
    });
    return { planText, requestId, messageId };
  }

  it('vm-dual-01 (dual pass): the plan says what it will not do; the VM is created with its settings, no extension is pushed, the card gives the command', async () => {
    const { planText, requestId, messageId } = await requestAndApprove('vm-dual-01');
    expect(planText).toMatch(
      /Encrypted with a Microsoft Entra app \(dual pass, app 66666666-6666-4666-8666-666666666601\)/,
    );
    expect(planText).toMatch(/does not push the Azure Disk Encryption extension/);
    expect(planText).toMatch(/No Azure Disk Encryption extension is pushed \(dual pass\)/);

    const run = (await bot.run(requestId))!;
    expect(run.status).toBe('succeeded');
    const world = bot.azure.sandbox.world;
    const vm = world.vms.find((v) => v.name === 'vm-dual-01-restored' && v.resourceGroup === 'rg-restore')!;
    expect(vm.encryption).toMatchObject({ pass: 'dual' });
    expect(vm.extensions).toEqual([]);
    const command = run.checkpoint.vm!.adeCommand!;
    expect(command).toBe(
      [
        'Set-AzVMDiskEncryptionExtension',
        "-ResourceGroupName 'rg-restore'",
        "-VMName 'vm-dual-01-restored'",
        `-AadClientID '${DUAL_PASS_APP_ID}'`,
        '-AadClientSecret <secret of the Microsoft Entra app>',
        `-DiskEncryptionKeyVaultUrl '${bot.azure.sandbox.endpoints.keyVaults['kv-ade-policy']}'`,
        `-DiskEncryptionKeyVaultId '${vm.encryption!.vaultId}'`,
        `-KeyEncryptionKeyUrl '${vm.encryption!.keyUrl}'`,
        `-KeyEncryptionKeyVaultId '${vm.encryption!.vaultId}'`,
        '-VolumeType Data',
      ].join(' '),
    );
    const text = await until('the card to give the command', () => {
      const now = textsOf(bot.cardNow(messageId)).join('\n');
      return /Dual pass: to re-enable Azure Disk Encryption on vm-dual-01-restored/.test(now) ? now : undefined;
    });
    expect(text).toContain(command);
  });

  it('sandbox: the single-pass extension on a restored dual-pass VM fails as Azure fails it', async () => {
    const clients = bot.azure.clients;
    const kv = bot.azure.sandbox.world.keyVaults.find((k) => k.name === 'kv-ade-policy')!;
    const err = await clients.compute.virtualMachineExtensions
      .createOrUpdate(
        'rg-restore',
        'vm-dual-01-restored',
        'AzureDiskEncryptionForLinux',
        {
          location: 'eastasia',
          publisher: 'Microsoft.Azure.Security',
          typePropertiesType: 'AzureDiskEncryptionForLinux',
          typeHandlerVersion: '1.1',
          settings: {
            EncryptionOperation: 'EnableEncryption',
            KeyVaultURL: kv.vaultUri,
            KeyVaultResourceId: `/subscriptions/${bot.azure.settings.subscriptionId}/resourceGroups/rg-keys/providers/Microsoft.KeyVault/vaults/kv-ade-policy`,
            VolumeType: 'All',
          },
        },
        { updateIntervalInMs: 10 },
      )
      .catch((e: unknown) => e);
    expect(String((err as Error).message)).toMatch(/made with a Microsoft Entra app \(dual pass/);
  });
});
