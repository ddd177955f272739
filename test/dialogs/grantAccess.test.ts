import { SANDBOX_USERS } from '../../src/sandboxUsers';
import { choose, play, type Case } from './support/conversation';
import { startProtectBot, type ProtectBot } from './support/protectBot';

const BMS = '66666666-6666-4666-8666-666666666601';
const kv = (bot: ProtectBot, name: string) => bot.world.keyVaults.find((k) => k.name === name)!;
const bmsPolicies = (bot: ProtectBot, name: string) => kv(bot, name).accessPolicies.filter((p) => p.objectId === BMS);
const bmsRoles = (bot: ProtectBot, name: string) =>
  bot.world.roleAssignments.filter((r) => r.principalId === BMS && r.scope.endsWith(`/vaults/${name}`));

const cases: Case[] = [
  {
    name: 'zh-TW: the exact change in Traditional Chinese; cancel changes nothing',
    steps: [
      {
        say: 'grant access vm-nogrant-01',
        locale: 'zh-TW',
        expect: { card: 'grantAccess.confirm', text: [/新增存取原則/, /金鑰權限: get, list, backup/, /備份管理服務/] },
      },
      { click: 'flow.cancel', locale: 'zh-TW', expect: { card: 'flow.notice', text: [/^已取消$/, /未進行任何變更/] } },
    ],
    then: (bot) => expect(bmsPolicies(bot, 'kv-ade-nogrant')).toEqual([]),
  },
  {
    name: 'a viewer is refused',
    steps: [{ say: 'grant access vm-nogrant-01', as: SANDBOX_USERS.viewer, expect: { message: /only operators/ } }],
    then: (bot) => expect(bmsPolicies(bot, 'kv-ade-nogrant')).toEqual([]),
  },
  {
    name: 'vm-nogrant-01: an access policy for Backup Management Service (keys and secrets: get, list, backup), verified',
    steps: [
      {
        say: 'grant access vm-nogrant-01',
        expect: {
          card: 'grantAccess.confirm',
          verbs: ['grantAccess.confirm', 'flow.cancel'],
          noVerbs: ['flow.back'],
          text: [
            /one access policy to key vault \*\*kv-ade-nogrant\*\* \(rg-keys\)/,
            /To: Backup Management Service \(object id 66666666-6666-4666-8666-666666666601\)/,
            /Key permissions: get, list, backup/,
            /Secret permissions: get, list, backup/,
          ],
        },
        save: 'confirm',
      },
      {
        click: 'grantAccess.confirm',
        expect: {
          card: 'grantAccess.result',
          verbs: ['backupNow.start'],
          text: [/Access granted on kv-ade-nogrant/, /Verified/],
        },
      },
      { click: 'grantAccess.confirm', on: 'confirm', expect: { card: 'flow.notice', text: /out of date/ } },
    ],
    then: async (bot) => {
      expect(bmsPolicies(bot, 'kv-ade-nogrant')).toEqual([
        expect.objectContaining({
          permissions: expect.objectContaining({ keys: ['get', 'list', 'backup'], secrets: ['get', 'list', 'backup'] }),
        }),
      ]);
      expect((await bot.store.audit.recent({ target: 'kv-ade-nogrant' }))[0]).toMatchObject({
        action: 'keyVault.grant',
        result: 'succeeded',
        details: { changed: true },
      });
    },
  },
  {
    name: 'already granted is an answer: nothing changes',
    steps: [
      {
        say: 'grant access vm-nogrant-01',
        expect: { card: 'grantAccess.result', text: [/Already granted on kv-ade-nogrant/, /Nothing was changed/] },
      },
    ],
    then: (bot) => expect(bmsPolicies(bot, 'kv-ade-nogrant')).toHaveLength(1),
  },
  {
    name: 'vm-rbac-01: a role assignment on the RBAC key vault',
    steps: [
      {
        say: 'grant access vm-rbac-01',
        expect: {
          card: 'grantAccess.confirm',
          text: [
            /one role assignment on key vault \*\*kv-ade-rbac\*\*/,
            /Role: Key Vault Administrator/,
            /Scope: .*\/vaults\/kv-ade-rbac$/,
          ],
        },
      },
      {
        click: 'grantAccess.confirm',
        expect: { card: 'grantAccess.result', verbs: ['enableBackup.start'], text: /Access granted on kv-ade-rbac/ },
      },
    ],
    then: (bot) => expect(bmsRoles(bot, 'kv-ade-rbac')).toHaveLength(1),
  },
  {
    name: 'vm-plain-01 is not encrypted: nothing to grant',
    steps: [
      { say: 'grant access vm-plain-01', expect: { card: 'flow.notice', text: [/Nothing to grant/, /not encrypted/] } },
    ],
  },
  {
    name: 'vm-classic-01 is refused',
    steps: [
      { say: 'grant access vm-classic-01', expect: { card: 'flow.explain', text: /Classic VMs are not supported/ } },
    ],
  },
  {
    name: 'no VM named: chosen from a list (a name that is no VM says so)',
    steps: [
      {
        say: 'grant access kv-ade-nogrant',
        expect: { card: 'grantAccess.target', text: /No VM is called \*\*kv-ade-nogrant\*\*/ },
      },
      {
        click: 'grantAccess.target',
        inputs: { choice: choose('vm-web-01') },
        expect: { card: 'grantAccess.result', text: /Already granted on kv-ade-policy/ },
      },
    ],
  },
  {
    name: 'a BEK-only VM needs secret permissions only',
    given: (bot) => {
      const vault = kv(bot, 'kv-ade-policy');
      vault.accessPolicies = vault.accessPolicies.filter((p) => p.objectId !== BMS);
    },
    steps: [
      {
        say: 'grant access vm-bek-01',
        expect: {
          card: 'grantAccess.confirm',
          text: [
            /Key permissions: none/,
            /Secret permissions: get, list, backup/,
            /BEK only: secret permissions are enough/,
          ],
        },
      },
      { click: 'grantAccess.confirm', expect: { card: 'grantAccess.result', text: /Access granted on kv-ade-policy/ } },
    ],
    then: (bot) => {
      const [policy] = bmsPolicies(bot, 'kv-ade-policy');
      expect(policy.permissions.secrets).toEqual(['get', 'list', 'backup']);
      expect(policy.permissions.keys ?? []).toEqual([]);
    },
  },
];

describe('grant access', () => {
  let bot: ProtectBot;
  beforeAll(async () => {
    bot = await startProtectBot();
  });
  afterAll(() => bot.close());

  it.each(cases.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    await play(bot, c, `grant-${i}`);
  });
});
