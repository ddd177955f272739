import { SANDBOX_USERS } from '../../src/sandboxUsers';
import { choose, play, type Case, type Step } from './support/conversation';
import { startProtectBot, type ProtectBot } from './support/protectBot';

const { approver, viewer } = SANDBOX_USERS;
const item = (bot: ProtectBot, vm: string) => bot.world.protectedItems.find((p) => p.vmName === vm);
const vmId = (bot: ProtectBot, vm: string) => bot.world.vms.find((v) => v.name === vm)!;
const BMS = '66666666-6666-4666-8666-666666666601';
const bmsRole = (bot: ProtectBot, kv: string) =>
  bot.world.roleAssignments.find((r) => r.principalId === BMS && r.scope.endsWith(`/vaults/${kv}`));
const configureJobs = (bot: ProtectBot, vm: string) =>
  bot.world.jobs.filter((j) => j.operation === 'ConfigureBackup' && j.entityFriendlyName === vm);

// The steps of the flow, reused by the rows below.
const start = (args: string): Step => ({ say: `enable backup ${args}`.trim(), expect: { card: 'enableBackup.vault' } });
const vault = (name = 'rsv-prod-eastasia', next = 'enableBackup.policy'): Step => ({
  click: 'enableBackup.vault',
  inputs: { choice: choose(name) },
  expect: { card: next },
});
const policy = (name = 'DefaultPolicy', next = 'enableBackup.precheck'): Step => ({
  click: 'enableBackup.policy',
  inputs: { choice: choose(name) },
  expect: { card: next },
});
const toConfirm: Step = {
  click: 'enableBackup.precheck',
  expect: { card: 'enableBackup.confirm', verbs: ['enableBackup.confirm'] },
};
const confirm: Step = { click: 'enableBackup.confirm', expect: { card: 'enableBackup.result', text: /Enabling…/ } };
const enabled = (...text: RegExp[]): Step => ({
  updated: { card: 'enableBackup.result', verbs: ['backupNow.start'], text: [/^Backup enabled$/, ...text] },
  until: /^Backup enabled$/,
});
const cancel: Step = {
  click: 'flow.cancel',
  expect: { card: 'flow.notice', text: [/^Cancelled$/, /Nothing was changed/] },
};
const newPolicy = (retention: string): Step => ({
  click: 'enableBackup.newPolicy',
  inputs: { policyName: 'Weekly-12w', frequency: 'Weekly', time: '02:00', days: 'Sunday,Wednesday', retention },
  expect: { card: retention === '12' ? 'enableBackup.precheck' : 'enableBackup.newPolicy' },
});
const untouched = (vm: string) => (bot: ProtectBot) => {
  expect(item(bot, vm)).toBeUndefined();
  expect(configureJobs(bot, vm)).toEqual([]);
  expect(bmsRole(bot, 'kv-ade-rbac')).toBeUndefined();
  expect(bot.world.policies.map((p) => p.name)).not.toContain('Weekly-12w');
};

// Cancel and refusals first (they must leave the VMs unprotected for the happy paths below).
const cancelAt: [string, Step[]][] = [
  ['the vault question', [start('vm-noagent-01')]],
  ['the policy question', [start('vm-noagent-01'), vault()]],
  ['the new policy form', [start('vm-noagent-01'), vault(), policy('Create a new policy', 'enableBackup.newPolicy')]],
  ['the VM question', [start(''), vault(), policy('DefaultPolicy', 'enableBackup.vms')]],
  ['the pre-check', [start('vm-noagent-01'), vault(), policy()]],
  [
    'the inline grant',
    [start('vm-rbac-01'), vault(), policy(), { click: 'enableBackup.grant', expect: { card: 'grantAccess.confirm' } }],
  ],
  ['the confirmation', [start('vm-noagent-01'), vault(), policy(), toConfirm]],
];

const cases: Case[] = [
  ...cancelAt.map(([where, steps]): Case => ({
    name: `cancel at ${where} changes nothing`,
    steps: [...steps, cancel],
    then: (bot) => {
      untouched('vm-noagent-01')(bot);
      untouched('vm-rbac-01')(bot);
    },
  })),
  {
    name: 'typed cancel mid-flow ends the flow; its card is then refused',
    steps: [
      start('vm-noagent-01'),
      vault(),
      { say: 'cancel', expect: { message: /^Cancelled enable backup\. Nothing was changed\.$/ } },
      policy('DefaultPolicy', 'flow.notice'),
      { say: 'cancel', expect: { message: /nothing to cancel/ } },
    ],
    then: untouched('vm-noagent-01'),
  },
  {
    name: 'unknown input mid-flow asks the same question again',
    steps: [
      start('vm-noagent-01'),
      {
        say: 'what now?',
        expect: { card: 'enableBackup.vault', text: /waiting for your answer/, verbs: ['enableBackup.vault'] },
      },
      vault(),
      cancel,
    ],
  },
  {
    name: 'a VM id that was not offered (forged) is refused and asked again',
    steps: [
      start(''),
      vault(),
      policy('DefaultPolicy', 'enableBackup.vms'),
      {
        click: 'enableBackup.vms',
        inputs: {
          choice:
            '/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-sea-01',
        },
        expect: { card: 'enableBackup.vms', text: /not offered on this card/ },
      },
      cancel,
    ],
    then: untouched('vm-sea-01'),
  },
  {
    name: 'a vault that was not offered (another region) is refused',
    steps: [
      start('vm-noagent-01'),
      {
        click: 'enableBackup.vault',
        inputs: {
          choice:
            '/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-prod-sea',
        },
        expect: { card: 'enableBackup.vault', text: /not offered/ },
      },
      cancel,
    ],
    then: untouched('vm-noagent-01'),
  },
  {
    name: 'a stale card (the flow was started again since) is refused',
    steps: [
      { ...start('vm-noagent-01'), save: 'first' },
      { ...start('vm-noagent-01'), save: 'second' },
      {
        click: 'enableBackup.vault',
        on: 'first',
        inputs: { choice: choose('rsv-prod-eastasia') },
        expect: { card: 'flow.notice', text: /out of date/ },
      },
      { ...cancel, on: 'second' },
    ],
  },
  {
    name: "another user's card is refused; the owner can still go on",
    steps: [
      { ...start('vm-noagent-01'), in: 'group', save: 'owner' },
      { ...vault(), as: approver, in: 'group', expect: { card: 'flow.notice', text: /someone else's flow/ } },
      { ...vault(), on: 'owner', in: 'group' },
      { ...cancel, in: 'group' },
    ],
  },
  {
    name: 'a card from another conversation is refused',
    steps: [
      { ...start('vm-noagent-01'), in: 'a', save: 'a' },
      { ...vault(), on: 'a', in: 'b', expect: { card: 'flow.notice', text: /another conversation/ } },
    ],
    then: untouched('vm-noagent-01'),
  },
  {
    name: 'a viewer (not an operator) can neither start nor continue a flow',
    steps: [
      {
        say: 'enable backup vm-noagent-01',
        as: viewer,
        expect: { message: /only operators can do that.*0000000000022/ },
      },
      { ...start('vm-noagent-01'), in: 'shared' },
      { ...vault(), as: viewer, in: 'shared', expect: { card: 'flow.notice', text: /only operators/ } },
    ],
    then: untouched('vm-noagent-01'),
  },
  {
    name: 'several VMs named: an unknown name is said; a VM of another region is refused on its pre-check',
    steps: [
      {
        say: 'enable backup vm-noagent-01, vm-sea-01 vm-nope',
        expect: { card: 'enableBackup.vault', text: /No Resource Manager VM is called vm-nope/ },
      },
      vault(),
      {
        ...policy(),
        expect: {
          card: 'enableBackup.precheck',
          verbs: ['enableBackup.precheck'],
          text: [/1 of 2 ready/, /The vault is not in the VM's region\. vm-sea-01 is in southeastasia/],
        },
      },
      cancel,
    ],
    then: (bot) => {
      untouched('vm-noagent-01')(bot);
      untouched('vm-sea-01')(bot);
    },
  },
  {
    name: 'vm-bek-01 (BEK only) is refused with the source document’s message and resolution',
    steps: [
      {
        say: 'enable backup vm-bek-01',
        expect: {
          card: 'flow.explain',
          text: [
            /encrypted with a BEK alone are not supported/,
            /Decrypt the VM, encrypt it again with both a BEK and a Key Encryption Key/,
          ],
        },
      },
    ],
    then: (bot) => expect(item(bot, 'vm-bek-01')).toBeUndefined(),
  },
  {
    name: 'vm-classic-01 is refused: Resource Manager VMs only',
    steps: [
      {
        say: 'enable backup vm-classic-01',
        expect: { card: 'flow.explain', text: [/Classic VMs are not supported/, /Migrate the VM to Resource Manager/] },
      },
    ],
  },
  {
    name: 'vm-nogrant-01 is already protected: said, with Back up now',
    steps: [
      {
        say: 'enable backup vm-nogrant-01',
        expect: {
          card: 'flow.notice',
          verbs: ['backupNow.start', 'check.start'],
          text: /already protected by rsv-prod-eastasia/,
        },
      },
    ],
  },
  {
    name: 'vm-web-01 (BEK+KEK, ready): enabled with the chosen policy, VM agent reported, Back up now offered',
    steps: [
      {
        ...start('vm-web-01'),
        expect: {
          card: 'enableBackup.vault',
          verbs: ['enableBackup.vault', 'flow.cancel'],
          text: /rsv-prod-eastasia/,
          noText: /rsv-prod-sea/,
        },
      },
      {
        ...vault(),
        expect: {
          card: 'enableBackup.policy',
          text: [/DefaultPolicy \(the vault’s default\)/, /Daily-90d/, /Create a new policy/],
        },
      },
      {
        ...policy('Daily-90d'),
        expect: {
          card: 'enableBackup.precheck',
          text: [
            /BEK and KEK \(single pass\)/,
            /kv-ade-policy: Azure Backup can read it/,
            /VM agent: ready/,
            /^Ready\.$/,
          ],
        },
      },
      {
        ...toConfirm,
        expect: {
          card: 'enableBackup.confirm',
          text: [
            /Protect \*\*vm-web-01\*\* \(rg-app, BEK and KEK \(single pass\)\) with policy Daily-90d/,
            /Policy: Daily-90d: daily at 02:00 UTC, kept 90 days/,
          ],
        },
      },
      confirm,
      enabled(/Protected \(configure job/, /VM agent: ready/),
    ],
    then: async (bot) => {
      expect(item(bot, 'vm-web-01')).toMatchObject({ vault: 'rsv-prod-eastasia', policyName: 'Daily-90d' });
      const [entry] = await bot.store.audit.recent({ target: 'vm-web-01' });
      expect(entry).toMatchObject({
        action: 'protection.enable',
        result: 'succeeded',
        who: { aadObjectId: SANDBOX_USERS.operator.aadObjectId },
      });
    },
  },
  {
    name: 'vm-app-02 (Linux, dual pass) chosen from the unprotected VMs of the vault’s region; a replayed confirm is refused',
    steps: [
      { ...start(''), expect: { card: 'enableBackup.vault', text: [/rsv-prod-eastasia/, /rsv-prod-sea/] } },
      vault(),
      {
        ...policy('DefaultPolicy', 'enableBackup.vms'),
        expect: {
          card: 'enableBackup.vms',
          text: /vm-app-02/,
          noText: [/^vm-web-01/, /^vm-nogrant-01/, /^vm-sea-01/, /^vm-classic-01/],
        },
      },
      {
        click: 'enableBackup.vms',
        inputs: { choice: choose('vm-app-02') },
        expect: { card: 'enableBackup.precheck', text: /BEK and KEK \(dual pass\)/ },
      },
      { ...toConfirm, save: 'confirm' },
      confirm,
      enabled(),
      { click: 'enableBackup.confirm', on: 'confirm', expect: { card: 'flow.notice', text: /out of date/ } },
    ],
    then: (bot) => {
      expect(item(bot, 'vm-app-02')).toMatchObject({ policyName: 'DefaultPolicy' });
      expect(configureJobs(bot, 'vm-app-02')).toHaveLength(1);
    },
  },
  {
    name: 'vm-plain-01 (not encrypted): no key vault step; a new weekly policy is created only on Confirm',
    steps: [
      start('vm-plain-01'),
      vault(),
      {
        ...policy('Create a new policy', 'enableBackup.newPolicy'),
        expect: { card: 'enableBackup.newPolicy', verbs: ['enableBackup.newPolicy', 'flow.back'] },
      },
      { click: 'flow.back', expect: { card: 'enableBackup.policy', verbs: ['enableBackup.policy'] } },
      policy('Create a new policy', 'enableBackup.newPolicy'),
      { ...newPolicy('9999'), expect: { card: 'enableBackup.newPolicy', text: /whole number from 1 to 5163/ } },
      {
        ...newPolicy('12'),
        expect: { card: 'enableBackup.precheck', text: [/Encryption: not encrypted/, /Key vault: none needed/] },
      },
      {
        ...toConfirm,
        expect: {
          card: 'enableBackup.confirm',
          text: [/Create backup policy \*\*Weekly-12w\*\*/, /weekly on Sunday, Wednesday at 02:00 UTC, kept 12 weeks/],
        },
      },
      confirm,
      enabled(),
    ],
    then: async (bot) => {
      expect(bot.world.policies.find((p) => p.name === 'Weekly-12w')).toMatchObject({
        vault: 'rsv-prod-eastasia',
        scheduleRunFrequency: 'Weekly',
        retentionWeeks: 12,
      });
      expect(item(bot, 'vm-plain-01')).toMatchObject({ policyName: 'Weekly-12w' });
      const actions = (await bot.store.audit.recent({ target: 'rsv-prod-eastasia' })).map((e) => e.action);
      expect(actions).toContain('policy.create');
    },
  },
  {
    name: 'vm-rbac-01: the key vault grant offered inline (a role assignment), then back to the pre-check',
    steps: [
      start('vm-rbac-01'),
      vault(),
      {
        ...policy(),
        expect: {
          card: 'enableBackup.precheck',
          verbs: ['enableBackup.grant'],
          noVerbs: ['enableBackup.precheck'],
          text: /kv-ade-rbac: Backup Management Service has no access/,
        },
      },
      {
        click: 'enableBackup.grant',
        expect: {
          card: 'grantAccess.confirm',
          verbs: ['grantAccess.confirm', 'flow.back'],
          text: [
            /Add a role assignment/,
            /Role: Key Vault Administrator/,
            /Backup Management Service \(object id 6666/,
          ],
        },
      },
      {
        click: 'grantAccess.confirm',
        expect: {
          card: 'enableBackup.precheck',
          verbs: ['enableBackup.precheck'],
          text: [/can now read kv-ade-rbac/, /kv-ade-rbac: Azure Backup can read it/],
        },
      },
      toConfirm,
      confirm,
      enabled(),
    ],
    then: async (bot) => {
      expect(bmsRole(bot, 'kv-ade-rbac')).toMatchObject({
        roleDefinitionId: expect.stringMatching(/00482a5a-887f-4fb3-b363-3b7fe8e74483$/),
      });
      expect(item(bot, 'vm-rbac-01')).toBeDefined();
      expect((await bot.store.audit.recent({ target: 'kv-ade-rbac' }))[0]).toMatchObject({
        action: 'keyVault.grant',
        result: 'succeeded',
      });
    },
  },
  {
    name: 'vm-noagent-01: protected, with the VM agent warning on the pre-check and the result',
    steps: [
      start('vm-noagent-01'),
      vault(),
      { ...policy(), expect: { card: 'enableBackup.precheck', text: /the VM agent is not ready/ } },
      toConfirm,
      confirm,
      enabled(/VM agent: not ready/),
    ],
    then: (bot) => expect(item(bot, 'vm-noagent-01')).toBeDefined(),
  },
  {
    name: 'vm-sea-01 in zh-TW: only rsv-prod-sea is offered, every card in Traditional Chinese',
    steps: [
      {
        say: 'enable backup vm-sea-01',
        locale: 'zh-TW',
        expect: {
          card: 'enableBackup.vault',
          text: [/^啟用備份$/, /southeastasia/, /rsv-prod-sea/],
          noText: /rsv-prod-eastasia/,
        },
      },
      { ...vault('rsv-prod-sea'), locale: 'zh-TW', expect: { card: 'enableBackup.policy', text: /保存庫的預設原則/ } },
      { ...policy(), locale: 'zh-TW', expect: { card: 'enableBackup.precheck', text: /BEK 和 KEK/ } },
      {
        ...toConfirm,
        locale: 'zh-TW',
        expect: { card: 'enableBackup.confirm', text: [/按下確認後，Azure 會有下列變更：/, /DefaultPolicy：每天/] },
      },
      { ...confirm, locale: 'zh-TW', expect: { card: 'enableBackup.result', text: /正在啟用/ } },
      { updated: { card: 'enableBackup.result', text: [/^已啟用備份$/, /VM 代理程式：就緒/] }, until: /^已啟用備份$/ },
    ],
    then: (bot) => expect(item(bot, 'vm-sea-01')).toMatchObject({ vault: 'rsv-prod-sea' }),
  },
  {
    name: 'more than 20 VMs: a filter and pages, picks kept across pages',
    given: (bot) => {
      const plain = vmId(bot, 'vm-plain-01');
      for (let i = 0; i < 25; i++) bot.world.vms.push({ ...plain, name: `vm-bulk-${String(i).padStart(2, '0')}` });
    },
    steps: [
      start(''),
      vault(),
      {
        ...policy('DefaultPolicy', 'enableBackup.vms'),
        expect: { card: 'enableBackup.vms', verbs: ['flow.page'], text: /Page 1 of 2/ },
      },
      {
        click: 'flow.page',
        inputs: { choice: choose('vm-bulk-00'), page: 1 },
        expect: { card: 'enableBackup.vms', text: [/Page 2 of 2/, /1 selected so far/] },
      },
      {
        click: 'flow.page',
        inputs: { filter: 'bulk-2', page: 0 },
        expect: { card: 'enableBackup.vms', text: /vm-bulk-21/, noText: [/vm-bulk-00/, /Page \d/] },
      },
      {
        click: 'enableBackup.vms',
        inputs: { choice: choose('vm-bulk-21') },
        expect: { card: 'enableBackup.precheck', text: [/vm-bulk-00/, /vm-bulk-21/] },
      },
      cancel,
    ],
    then: (bot) => expect(item(bot, 'vm-bulk-00')).toBeUndefined(),
  },
];

describe('enable backup', () => {
  let bot: ProtectBot;
  beforeAll(async () => {
    bot = await startProtectBot();
  });
  afterAll(() => bot.close());

  it.each(cases.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    await play(bot, c, `enable-${i}`);
  });
});
