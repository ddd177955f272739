import { SANDBOX_USERS } from '../../src/sandboxUsers';
import { choiceSet, choose, play, type Case } from './support/conversation';
import { startProtectBot, type ProtectBot } from './support/protectBot';

const firstChoice = (card: any): string => choiceSet(card).choices[0].value;

const checks: Case[] = [
  {
    name: 'vm-nogrant-01: key vault permission and last backup red, with the grant and backup fixes',
    steps: [
      {
        say: 'check vm-nogrant-01',
        expect: {
          card: 'check.result',
          verbs: ['grantAccess.start', 'backupNow.start'],
          noVerbs: ['enableBackup.start'],
          text: [
            /^2 checks failed/,
            /^Resource Manager VM$/,
            /^BEK and KEK single pass$/,
            /kv-ade-nogrant exists \(access policies\)/,
            /lacks access \(keys:get/,
            /Yes, by rsv-prod-eastasia \(policy DefaultPolicy\)/,
            /^Failed .*: Azure Backup cannot read the key vault$/,
          ],
        },
      },
      { click: 'grantAccess.start', expect: { card: 'grantAccess.confirm', text: /kv-ade-nogrant/ } },
      { click: 'flow.cancel', expect: { card: 'flow.notice' } },
    ],
  },
  {
    name: 'vm-plain-01: not encrypted (no key vault needed), not protected: Enable backup offered',
    steps: [
      {
        say: 'check vm-plain-01',
        expect: {
          card: 'check.result',
          verbs: ['enableBackup.start'],
          noVerbs: ['grantAccess.start'],
          text: [/Not encrypted/, /not needed \(not encrypted\)/, /^No$/],
        },
      },
    ],
  },
  {
    name: 'vm-classic-01: not Resource Manager',
    steps: [
      {
        say: 'check vm-classic-01',
        expect: { card: 'check.result', text: [/Classic VMs are not supported/, /does not apply/] },
      },
    ],
  },
  {
    name: 'vm-db-01: every check green',
    steps: [
      { say: 'check vm-db-01', expect: { card: 'check.result', text: [/^Every check passed\.$/, /^Completed /] } },
    ],
  },
  {
    // BEK in kv-ade-policy (granted), KEK in kv-ade-kek (not): only the KEK's vault lacks keys access.
    name: "vm-split-01: the KEK's own key vault checked for keys, the BEK's for secrets",
    steps: [
      {
        say: 'check vm-split-01',
        expect: {
          card: 'check.result',
          verbs: ['grantAccess.start'],
          text: [/lacks access \(kv-ade-kek keys:get, kv-ade-kek keys:list, kv-ade-kek keys:backup\)/],
        },
      },
    ],
  },
  {
    name: 'vm-noagent-01: the VM agent red',
    steps: [{ say: 'check vm-noagent-01', expect: { card: 'check.result', text: /^Not ready: backups will fail/ } }],
  },
  {
    name: 'no VM named: chosen from the list (vm-bek-01: BEK only red)',
    steps: [
      { say: 'check', expect: { card: 'check.vm', verbs: ['check.vm'] } },
      {
        click: 'check.vm',
        inputs: { choice: choose('vm-bek-01') },
        expect: { card: 'check.result', text: /BEK alone are not supported/ },
      },
    ],
  },
  {
    name: 'an unknown VM name asks which VM',
    steps: [{ say: 'check vm-nope', expect: { card: 'check.vm', text: /No VM is called \*\*vm-nope\*\*/ } }],
  },
  {
    name: 'zh-TW: vm-rbac-01 checked in Traditional Chinese',
    steps: [
      {
        say: 'check vm-rbac-01',
        locale: 'zh-TW',
        expect: {
          card: 'check.result',
          verbs: ['grantAccess.start', 'enableBackup.start'],
          text: [/備份檢查：vm-rbac-01/, /備份管理服務缺少存取權/, /Azure RBAC/],
        },
      },
    ],
  },
  {
    name: 'a viewer is refused',
    steps: [{ say: 'check vm-db-01', as: SANDBOX_USERS.viewer, expect: { message: /only operators/ } }],
  },
];

const jobs: Case[] = [
  {
    name: 'rsv-prod-eastasia: failed jobs first, a failed job’s detail explained with its fix, back to the list',
    steps: [
      {
        say: 'jobs rsv-prod-eastasia',
        expect: {
          card: 'jobs.list',
          verbs: ['jobs.detail', 'flow.cancel'],
          text: [/in the last 7 days, [1-9]\d* failed/, /^❌ Failed · Backup · vm-nogrant-01/],
        },
      },
      {
        click: 'jobs.detail',
        inputs: { choice: firstChoice },
        expect: {
          card: 'jobs.detail',
          verbs: ['jobs.back', 'grantAccess.start'],
          text: [
            /Status: ❌ Failed/,
            /Error code: UserErrorKeyVaultPermissionsNotConfigured/,
            /Azure Backup cannot read the key vault/,
          ],
        },
      },
      { click: 'jobs.back', expect: { card: 'jobs.list' } },
      {
        click: 'jobs.detail',
        inputs: { choice: 'a-job-that-was-not-offered' },
        expect: { card: 'jobs.list', text: /not offered/ },
      },
      { click: 'flow.cancel', expect: { card: 'flow.notice' } },
    ],
  },
  {
    name: 'no vault named: chosen from the list',
    steps: [
      { say: 'jobs', expect: { card: 'jobs.vault', text: [/rsv-prod-eastasia/, /rsv-prod-sea/] } },
      {
        click: 'jobs.vault',
        inputs: { choice: choose('rsv-prod-sea') },
        expect: { card: 'jobs.list', text: /Backup jobs of rsv-prod-sea/ },
      },
    ],
  },
  {
    name: 'an unknown vault name asks which vault; zh-TW',
    steps: [
      {
        say: 'jobs rsv-nope',
        locale: 'zh-TW',
        expect: { card: 'jobs.vault', text: /找不到名為 \*\*rsv-nope\*\* 的保存庫/ },
      },
    ],
  },
];

describe('check and jobs', () => {
  let bot: ProtectBot;
  beforeAll(async () => {
    bot = await startProtectBot();
  });
  afterAll(() => bot.close());

  it.each(checks.map((c, i) => [c.name, c, i] as const))('check: %s', async (_name, c, i) => {
    await play(bot, c, `check-${i}`);
  });

  it.each(jobs.map((c, i) => [c.name, c, i] as const))('jobs: %s', async (_name, c, i) => {
    await play(bot, c, `jobs-${i}`);
  });

  it('check and jobs change nothing in Azure', () => {
    expect(bot.azure.requestsSince(0).filter((r) => !['GET', 'POST'].includes(r.method))).toEqual([]);
  });
});
