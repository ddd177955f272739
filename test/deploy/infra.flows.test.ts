import { cardId } from '../../src/cards/render';
import { textsOf } from '../support/bot';
import { startTestAzure, type TestAzure } from '../support/azure';
import { approverCard, press, walkToPlan } from '../bot/approvals/flow';
import { approver, operator, startRestoreBot, until, type RestoreBot } from '../bot/approvals/restoreBot';
import { choose, play, shown, type Case, type Step } from '../dialogs/support/conversation';
import { startProtectBot, type ProtectBot } from '../dialogs/support/protectBot';
import { deployInfra } from './deployInfra';

/**
 * Every flow, on nothing but what infra/main.json grants: the sandbox starts with the bot's identity holding no role
 * and no access policy (and no custom role defined), the platform engineer deploys infra/, then the flows run.
 */
const BMS = '66666666-6666-4666-8666-666666666601';
const retention: Step = {
  click: 'backupNow.retention',
  inputs: { retainUntil: shown('retainUntil') },
  expect: { card: 'backupNow.confirm' },
};

const cases: Case[] = [
  {
    name: 'enable backup vm-web-01: protected with the chosen policy',
    steps: [
      { say: 'enable backup vm-web-01', expect: { card: 'enableBackup.vault' } },
      {
        click: 'enableBackup.vault',
        inputs: { choice: choose('rsv-prod-eastasia') },
        expect: { card: 'enableBackup.policy' },
      },
      {
        click: 'enableBackup.policy',
        inputs: { choice: choose('DefaultPolicy') },
        expect: { card: 'enableBackup.precheck', text: [/kv-ade-policy: Azure Backup can read it/, /^Ready\.$/] },
      },
      { click: 'enableBackup.precheck', expect: { card: 'enableBackup.confirm' } },
      { click: 'enableBackup.confirm', expect: { card: 'enableBackup.result' } },
      { updated: { card: 'enableBackup.result', text: /^Backup enabled$/ }, until: /^Backup enabled$/ },
    ],
    then: (bot) =>
      expect(bot.world.protectedItems.find((p) => p.vmName === 'vm-web-01')).toMatchObject({
        policyName: 'DefaultPolicy',
      }),
  },
  {
    name: 'grant access on an access-policy key vault (kv-ade-nogrant)',
    steps: [
      { say: 'grant access vm-nogrant-01', expect: { card: 'grantAccess.confirm', text: /kv-ade-nogrant/ } },
      {
        click: 'grantAccess.confirm',
        expect: { card: 'grantAccess.result', text: [/Access granted on kv-ade-nogrant/, /Verified/] },
      },
    ],
    then: (bot) =>
      expect(
        bot.world.keyVaults.find((k) => k.name === 'kv-ade-nogrant')!.accessPolicies.map((p) => p.objectId),
      ).toContain(BMS),
  },
  {
    name: 'grant access on an RBAC key vault (kv-ade-rbac): a role assignment the ABAC condition allows',
    steps: [
      {
        say: 'grant access vm-rbac-01',
        expect: { card: 'grantAccess.confirm', text: /Role: Key Vault Administrator/ },
      },
      { click: 'grantAccess.confirm', expect: { card: 'grantAccess.result', text: /Access granted on kv-ade-rbac/ } },
    ],
    then: (bot) =>
      expect(
        bot.world.roleAssignments.filter((r) => r.principalId === BMS && r.scope.endsWith('/vaults/kv-ade-rbac')),
      ).toHaveLength(1),
  },
  {
    name: 'backup now vm-db-01: followed to Completed',
    steps: [
      { say: 'backup now vm-db-01', expect: { card: 'backupNow.retention' } },
      retention,
      { click: 'backupNow.confirm', expect: { card: 'backupNow.progress' } },
      { updated: { card: 'backupNow.progress', text: /^Backup completed$/ }, until: /^Backup completed$/ },
    ],
  },
];

describe('every flow on the roles infra/ grants', () => {
  let azure: TestAzure;
  beforeAll(async () => {
    azure = await startTestAzure({ botAccess: 'none' });
    const deployed = await deployInfra(azure);
    expect((deployed as any).properties?.provisioningState).toBe('Succeeded');
  });
  afterAll(() => azure.close());

  describe('enable, grant, backup now', () => {
    let bot: ProtectBot;
    beforeAll(async () => (bot = await startProtectBot({ azure })));
    afterAll(() => bot.close());
    it.each(cases.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
      await play(bot, c, `infra-${i}`);
    });
  });

  describe('restore with approval', () => {
    let bot: RestoreBot;
    beforeAll(async () => {
      bot = await startRestoreBot({ azure });
      await bot.say(approver, 'help'); // the approvers' conversation becomes known
    });
    afterAll(() => bot.close());

    it.each([
      ['vm-db-01', 'from the template the restore job wrote'],
      ['vm-lostkey-01', 'putting the purged key and secret back first'],
    ])('%s: requested, approved, restored %s', async (vm) => {
      const { card: plan, messageId } = await walkToPlan(bot, operator, vm);
      expect(cardId(plan)).toBe('card.restore.plan');
      const requested = await press(bot, operator, plan, 'restore.requestApproval', messageId);
      const requestId = requested.card!.actions.find((a: any) => a.verb === 'approval.cancel').data.requestId;
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
      const record = await until('the restore to end', async () => {
        const r = (await bot.approvals()).find((a) => a.id === requestId);
        return r && ['succeeded', 'failed'].includes(r.status) ? r : undefined;
      });
      expect(record.status).toBe('succeeded');
      expect(azure.sandbox.world.vms.some((v) => v.name === `${vm}-restored` && v.resourceGroup === 'rg-restore')).toBe(
        true,
      );
      // The requester's card is edited in place through to the new VM.
      await until('the card to show the new VM', () =>
        new RegExp(`${vm}-restored is ready in rg-restore`).test(textsOf(bot.cardNow(messageId)).join('\n')),
      );
    });
  });
});
