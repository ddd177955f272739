import { SANDBOX_USERS } from '../../src/sandboxUsers';
import { choose, play, type Case } from './support/conversation';
import { startProtectBot, type ProtectBot } from './support/protectBot';

const BMS = '66666666-6666-4666-8666-666666666601';
const kv = (bot: ProtectBot, name: string) => bot.world.keyVaults.find((k) => k.name === name)!;
const bmsPolicies = (bot: ProtectBot, name: string) => kv(bot, name).accessPolicies.filter((p) => p.objectId === BMS);
const bmsRoles = (bot: ProtectBot, name: string) =>
  bot.world.roleAssignments.filter((r) => r.principalId === BMS && r.scope.endsWith(`/vaults/${name}`));

/** Takes Backup Management Service's access away again, so a case starts from "not granted". */
function ungrant(bot: ProtectBot, name: string): void {
  const vault = kv(bot, name);
  vault.accessPolicies = vault.accessPolicies.filter((p) => p.objectId !== BMS);
  for (const r of bmsRoles(bot, name)) bot.world.roleAssignments.splice(bot.world.roleAssignments.indexOf(r), 1);
}

/** Every grant Azure holds, to show that a case changed nothing. */
const grants = (bot: ProtectBot) =>
  JSON.stringify([bot.world.keyVaults.map((k) => k.accessPolicies), bot.world.roleAssignments]);
let before = '';
let saved: ProtectBot['world']['keyVaults'][number]['accessPolicies'] = [];
const remember = (bot: ProtectBot) => void (before = grants(bot));
const unchanged = (bot: ProtectBot) => expect(grants(bot)).toEqual(before);

let mark = 0;
/**
 * Resource Manager requests since `given`, by route. The directory look-up of Backup Management Service happens once
 * per process and is left out.
 */
const armCalls = (bot: ProtectBot): Record<string, number> => {
  const calls: Record<string, number> = {};
  for (const e of bot.azure.sandbox.log.since(mark)) {
    if (e.surface !== 'arm' || !e.routeId || e.routeId.startsWith('directory.')) continue;
    calls[e.routeId] = (calls[e.routeId] ?? 0) + 1;
  }
  return calls;
};
const total = (calls: Record<string, number>) => Object.values(calls).reduce((a, b) => a + b, 0);

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
    given: (bot) => void (mark = bot.azure.sandbox.log.mark()),
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
            /Needed to back up \*\*vm-nogrant-01\*\*/,
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
        details: { changed: true, vm: 'vm-nogrant-01' },
      });
      // The name: one Resource Graph query (key vaults, VMs and classic VMs at once), whatever the estate's size.
      // The VM is then read (model, OS disk, protection), its key vault read for the plan, and the confirm reads it
      // once before the change and once after.
      const calls = armCalls(bot);
      expect(calls).toMatchObject({
        'resourceGraph.resources': 1,
        'keyVault.vaults.get': 3,
        'keyVault.vaults.updateAccessPolicy': 1,
        'virtualMachines.get': 1,
      });
      expect(calls['backupProtectedItems.list']).toBeUndefined();
      expect(calls['keyVault.vaults.listBySubscription']).toBeUndefined();
      expect(calls['virtualMachines.listAll']).toBeUndefined();
      expect(total(calls)).toBeLessThanOrEqual(9);
    },
  },
  {
    name: 'already granted is an answer: nothing changes',
    given: remember,
    steps: [
      {
        say: 'grant access vm-nogrant-01',
        expect: { card: 'grantAccess.result', text: [/Already granted on kv-ade-nogrant/, /Nothing was changed/] },
      },
    ],
    then: (bot) => {
      unchanged(bot);
      expect(bmsPolicies(bot, 'kv-ade-nogrant')).toHaveLength(1);
    },
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
    name: 'already granted, by key vault name (access policy and RBAC): said, nothing changes',
    given: remember,
    steps: [
      {
        say: 'grant access kv-ade-policy',
        expect: {
          card: 'grantAccess.result',
          noVerbs: ['backupNow.start', 'enableBackup.start'],
          text: [/Already granted on kv-ade-policy/, /Nothing was changed/],
        },
      },
      {
        say: 'grant access kv-ade-rbac',
        expect: { card: 'grantAccess.result', text: [/Already granted on kv-ade-rbac/, /Nothing was changed/] },
      },
    ],
    then: async (bot) => {
      unchanged(bot);
      expect(await bot.store.audit.recent({ target: 'kv-ade-policy' })).toEqual([]);
    },
  },
  {
    name: 'kv-ade-nogrant by name (any case): keys and secrets get, list, backup, as a key vault alone needs',
    given: (bot) => {
      ungrant(bot, 'kv-ade-nogrant');
      mark = bot.azure.sandbox.log.mark();
    },
    steps: [
      {
        say: 'grant access KV-ADE-NOGRANT',
        expect: {
          card: 'grantAccess.confirm',
          text: [
            /one access policy to key vault \*\*kv-ade-nogrant\*\* \(rg-keys\)/,
            /To: Backup Management Service/,
            /Key permissions: get, list, backup/,
            /Secret permissions: get, list, backup/,
            /encrypted VMs whose key and secret are in this key vault/,
          ],
          noText: /BEK only/,
        },
      },
      {
        click: 'grantAccess.confirm',
        expect: {
          card: 'grantAccess.result',
          noVerbs: ['backupNow.start', 'enableBackup.start'],
          text: [/Access granted on kv-ade-nogrant/, /Verified/],
        },
      },
    ],
    then: async (bot) => {
      const [policy] = bmsPolicies(bot, 'kv-ade-nogrant');
      expect(policy.permissions).toMatchObject({ keys: ['get', 'list', 'backup'], secrets: ['get', 'list', 'backup'] });
      const [entry] = await bot.store.audit.recent({ target: 'kv-ade-nogrant' });
      expect(entry).toMatchObject({ action: 'keyVault.grant', result: 'succeeded', details: { changed: true } });
      expect(entry.details).not.toHaveProperty('vm');
      // One Resource Graph query for the name (is it also a VM?), the key vault read for the plan, then the
      // confirm's read before the change, the change, and the read that verifies it. No list of anything.
      const calls = armCalls(bot);
      expect(calls).toEqual({
        'resourceGraph.resources': 1,
        'keyVault.vaults.get': 3,
        'keyVault.vaults.updateAccessPolicy': 1,
      });
    },
  },
  {
    name: 'kv-ade-rbac by name: one role assignment, verified by its role list',
    given: (bot) => {
      ungrant(bot, 'kv-ade-rbac');
      mark = bot.azure.sandbox.log.mark();
    },
    steps: [
      {
        say: 'grant access kv-ade-rbac',
        expect: {
          card: 'grantAccess.confirm',
          text: [
            /one role assignment on key vault \*\*kv-ade-rbac\*\* \(rg-keys\), which uses Azure RBAC/,
            /Role: Key Vault Administrator/,
            /Scope: .*\/vaults\/kv-ade-rbac$/,
          ],
        },
      },
      { click: 'grantAccess.confirm', expect: { card: 'grantAccess.result', text: /Access granted on kv-ade-rbac/ } },
    ],
    then: (bot) => {
      expect(bmsRoles(bot, 'kv-ade-rbac')).toEqual([
        expect.objectContaining({
          principalType: 'ServicePrincipal',
          roleDefinitionId: expect.stringMatching(/00482a5a-887f-4fb3-b363-3b7fe8e74483$/),
        }),
      ]);
      expect(armCalls(bot)).toMatchObject({
        'resourceGraph.resources': 1,
        'keyVault.vaults.get': 2,
        'authorization.roleAssignments.list': 3,
        'authorization.roleAssignments.create': 1,
      });
    },
  },
  {
    name: 'cancel at the confirmation of a key vault named: nothing changes',
    given: (bot) => {
      ungrant(bot, 'kv-ade-rbac');
      remember(bot);
    },
    steps: [
      { say: 'grant access kv-ade-rbac', expect: { card: 'grantAccess.confirm' } },
      { click: 'flow.cancel', expect: { card: 'flow.notice', text: [/^Cancelled$/, /Nothing was changed/] } },
    ],
    then: (bot) => {
      unchanged(bot);
      expect(bmsRoles(bot, 'kv-ade-rbac')).toEqual([]);
    },
  },
  {
    name: 'an unknown name is said, with the key vaults to choose from; nothing changes',
    given: remember,
    steps: [
      {
        say: 'grant access kv-nope',
        expect: {
          card: 'grantAccess.target',
          text: [/No key vault or VM is called \*\*kv-nope\*\*\. Nothing was changed/, /^kv-ade-nogrant \(rg-keys/],
          noText: /kv-ade-gone/,
        },
      },
      { click: 'flow.cancel', expect: { card: 'flow.notice', text: /Nothing was changed/ } },
    ],
    then: unchanged,
  },
  {
    name: 'no name: the key vaults to choose from, with their access model; chosen, confirmed, granted',
    given: (bot) => ungrant(bot, 'kv-ade-nogrant'),
    steps: [
      {
        say: 'grant access',
        expect: {
          card: 'grantAccess.target',
          verbs: ['grantAccess.target', 'flow.cancel'],
          text: [
            /Which key vault should Azure Backup be able to read/,
            /^kv-ade-nogrant \(rg-keys, eastasia, access policies\)$/,
            /^kv-ade-policy \(rg-keys, eastasia, access policies\)$/,
            /^kv-ade-rbac \(rg-keys, eastasia, Azure RBAC\)$/,
          ],
          noText: /kv-ade-gone|vm-/,
        },
      },
      {
        click: 'grantAccess.target',
        inputs: { choice: choose('kv-ade-nogrant') },
        expect: { card: 'grantAccess.confirm', text: [/Key permissions: get, list, backup/, /Secret permissions/] },
      },
      {
        click: 'grantAccess.confirm',
        expect: { card: 'grantAccess.result', text: /Access granted on kv-ade-nogrant/ },
      },
    ],
    then: (bot) => expect(bmsPolicies(bot, 'kv-ade-nogrant')).toHaveLength(1),
  },
  {
    name: 'zh-TW: the key vault list and an unknown name in Traditional Chinese',
    steps: [
      {
        say: 'grant access kv-nope',
        locale: 'zh-TW',
        expect: {
          card: 'grantAccess.target',
          text: [
            /找不到名為 \*\*kv-nope\*\* 的金鑰保存庫或 VM/,
            /哪個金鑰保存庫/,
            /^kv-ade-rbac \(rg-keys, eastasia, Azure RBAC\)$/,
            /^kv-ade-nogrant \(rg-keys, eastasia, 存取原則\)$/,
          ],
        },
      },
    ],
  },
  {
    name: 'a name that is both a key vault and a VM asks which',
    given: (bot) => {
      bot.world.keyVaults.push({ ...structuredClone(kv(bot, 'kv-ade-policy')), name: 'vm-plain-01' });
    },
    steps: [
      {
        say: 'grant access VM-PLAIN-01',
        expect: {
          card: 'grantAccess.target',
          text: [
            /More than one key vault or VM is called \*\*VM-PLAIN-01\*\*/,
            /^vm-plain-01 \(key vault, rg-keys, eastasia, access policies\)$/,
            /^vm-plain-01 \(VM, rg-app, eastasia\)$/,
          ],
        },
      },
      {
        click: 'grantAccess.target',
        inputs: { choice: choose('vm-plain-01 (VM') },
        expect: { card: 'flow.notice', text: /not encrypted/ },
      },
    ],
    then: (bot) =>
      void bot.world.keyVaults.splice(
        bot.world.keyVaults.findIndex((k) => k.name === 'vm-plain-01'),
        1,
      ),
  },
  {
    name: 'a BEK-only VM needs secret permissions only',
    given: (bot) => ungrant(bot, 'kv-ade-policy'),
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
  {
    // BEK in kv-ade-policy, KEK in kv-ade-kek: secrets on the first, keys on the second (least privilege each).
    name: "vm-split-01: secrets on the BEK's key vault, then keys on the KEK's, each confirmed on its own card",
    given: (bot) => {
      saved = structuredClone(kv(bot, 'kv-ade-policy').accessPolicies);
      ungrant(bot, 'kv-ade-policy');
    },
    steps: [
      {
        say: 'grant access vm-split-01',
        expect: {
          card: 'grantAccess.confirm',
          text: [
            /one access policy to key vault \*\*kv-ade-policy\*\*/,
            /Key permissions: none/,
            /Secret permissions: get, list, backup/,
          ],
        },
      },
      {
        click: 'grantAccess.confirm',
        expect: {
          card: 'grantAccess.confirm',
          text: [
            /Access granted on kv-ade-policy \(secrets\)\. Now the KEK's key vault, kv-ade-kek/,
            /one access policy to key vault \*\*kv-ade-kek\*\*/,
            /Key permissions: get, list, backup/,
            /Secret permissions: none/,
            /key permissions are enough here/,
          ],
        },
      },
      { click: 'grantAccess.confirm', expect: { card: 'grantAccess.result', text: [/Access granted on kv-ade-kek/] } },
      {
        say: 'grant access vm-split-01',
        expect: { card: 'grantAccess.result', text: [/Already granted on kv-ade-policy and kv-ade-kek/] },
      },
    ],
    then: (bot) => {
      expect(bmsPolicies(bot, 'kv-ade-policy')).toEqual([
        expect.objectContaining({ permissions: expect.objectContaining({ secrets: ['get', 'list', 'backup'] }) }),
      ]);
      expect(bmsPolicies(bot, 'kv-ade-policy')[0].permissions.keys ?? []).toEqual([]);
      expect(bmsPolicies(bot, 'kv-ade-kek')).toEqual([
        expect.objectContaining({ permissions: expect.objectContaining({ keys: ['get', 'list', 'backup'] }) }),
      ]);
      expect(bmsPolicies(bot, 'kv-ade-kek')[0].permissions.secrets ?? []).toEqual([]);
      kv(bot, 'kv-ade-policy').accessPolicies = saved;
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
