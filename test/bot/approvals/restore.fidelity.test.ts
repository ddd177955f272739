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
      /Encrypted with a Microsoft Entra app \(dual pass, app 77777777-7777-4777-8777-777777777701\)/,
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

  it('vm-split-01 (KEK in kv-ade-kek, BEK in kv-ade-policy, both purged): each is checked and put back in its own vault', async () => {
    const { planText, requestId, messageId } = await requestAndApprove('vm-split-01');
    expect(planText).toMatch(/"title":"Key vault","value":"kv-ade-policy"/);
    expect(planText).toMatch(/"title":"Key vault of the KEK","value":"kv-ade-kek"/);
    expect(planText).toMatch(/key missing, secret missing/);
    expect(planText).toMatch(/Put the key and secret back into kv-ade-policy \(secret\) and kv-ade-kek \(key\)/);

    const run = (await bot.run(requestId))!;
    expect(run.status).toBe('succeeded');
    expect(run.checkpoint.putBack?.actions).toEqual(['restored key', 'restored secret']);
    const world = bot.azure.sandbox.world;
    const kek = world.keyVaults.find((k) => k.name === 'kv-ade-kek')!;
    const bek = world.keyVaults.find((k) => k.name === 'kv-ade-policy')!;
    expect(kek.keys.some((k) => k.name === 'kek-vm-split-01' && k.state === 'active')).toBe(true);
    expect(bek.keys.some((k) => k.name === 'kek-vm-split-01')).toBe(false);
    expect(bek.secrets.some((x) => x.tags?.MachineName === 'vm-split-01' && x.state === 'active')).toBe(true);
    const vm = world.vms.find((v) => v.name === 'vm-split-01-restored' && v.resourceGroup === 'rg-restore')!;
    const os = world.disks.find((d) => d.name === vm.osDiskName && d.resourceGroup === 'rg-restore')!;
    expect(os.encryption).toMatchObject({ vaultId: expect.stringMatching(/kv-ade-policy$/) });
    expect(os.encryption?.kekVaultId).toMatch(/kv-ade-kek$/);
    expect(os.encryption?.keyUrl).toContain(kek.vaultUri);
    const ext = vm.extensions.find((e) => e.type === 'AzureDiskEncryption')!;
    expect(ext.typeHandlerVersion).toBe('2.2');
    expect(ext.settings).toMatchObject({
      KeyVaultResourceId: expect.stringMatching(/kv-ade-policy$/),
      KekVaultResourceId: expect.stringMatching(/kv-ade-kek$/),
    });
    expect(ext.provisioningState).toBe('Succeeded');
    await until('the card to show the new VM', () =>
      /vm-split-01-restored is ready in rg-restore/.test(textsOf(bot.cardNow(messageId)).join('\n')) ? true : undefined,
    );
  });
});
