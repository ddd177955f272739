import { SANDBOX_USERS } from '../../src/sandboxUsers';
import { choose, play, shown, type Case, type Step } from './support/conversation';
import { startProtectBot, type ProtectBot } from './support/protectBot';

const backups = (bot: ProtectBot, vm: string) =>
  bot.world.jobs.filter((j) => j.operation === 'Backup' && j.entityFriendlyName === vm && j.isUserTriggered);
const in30Days = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);

const retention: Step = {
  click: 'backupNow.retention',
  inputs: { retainUntil: shown('retainUntil') },
  expect: { card: 'backupNow.confirm' },
};
const confirm: Step = {
  click: 'backupNow.confirm',
  expect: { card: 'backupNow.progress', text: /Starting the backup/ },
};
const cancel: Step = { click: 'flow.cancel', expect: { card: 'flow.notice', text: /Nothing was changed/ } };

const cases: Case[] = [
  {
    name: 'cancel at the retention date and at the confirmation triggers nothing',
    steps: [
      { say: 'backup now vm-db-01', expect: { card: 'backupNow.retention' } },
      cancel,
      { say: 'backup now vm-db-01', expect: { card: 'backupNow.retention' } },
      retention,
      cancel,
    ],
    then: (bot) => expect(backups(bot, 'vm-db-01')).toEqual([]),
  },
  {
    name: 'a date in the past is asked again; a viewer is refused',
    steps: [
      { say: 'backup now vm-db-01', expect: { card: 'backupNow.retention' } },
      {
        click: 'backupNow.retention',
        inputs: { retainUntil: '2020-01-01' },
        expect: { card: 'backupNow.retention', text: /Choose a date from/ },
      },
      {
        click: 'backupNow.retention',
        as: SANDBOX_USERS.viewer,
        inputs: { retainUntil: shown('retainUntil') },
        expect: { card: 'flow.notice', text: /only operators/ },
      },
      cancel,
    ],
    then: (bot) => expect(backups(bot, 'vm-db-01')).toEqual([]),
  },
  {
    name: 'vm-web-01 is not protected: said, with Enable backup',
    steps: [
      {
        say: 'backup now vm-web-01',
        expect: { card: 'flow.explain', verbs: ['enableBackup.start'], text: /The VM is not protected/ },
      },
    ],
  },
  {
    name: 'a VM that was not offered (unprotected) is refused',
    steps: [
      { say: 'backup now', expect: { card: 'backupNow.vm', text: /vm-db-01/, noText: /^vm-web-01/ } },
      {
        click: 'backupNow.vm',
        inputs: {
          choice:
            '/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-web-01',
        },
        expect: { card: 'backupNow.vm', text: /not offered/ },
      },
      cancel,
    ],
    then: (bot) => expect(backups(bot, 'vm-web-01')).toEqual([]),
  },
  {
    name: 'vm-db-01: kept 30 days by default, the card follows the job to Completed',
    steps: [
      {
        say: 'backup now vm-db-01',
        expect: { card: 'backupNow.retention', verbs: ['backupNow.retention', 'flow.cancel'] },
      },
      {
        ...retention,
        expect: {
          card: 'backupNow.confirm',
          verbs: ['backupNow.confirm'],
          text: [new RegExp(`Keep until: ${in30Days} \\(30 days\\)`), /Vault: rsv-prod-eastasia/],
        },
      },
      confirm,
      { updated: { card: 'backupNow.progress', text: [/^Backup completed$/, /Job: /] }, until: /^Backup completed$/ },
    ],
    then: async (bot) => {
      const [job] = backups(bot, 'vm-db-01');
      expect(job).toMatchObject({ status: 'Completed' });
      // The card shows the end first; the run records it right after.
      const run = await settledRun(bot, `follow-job:rsv-prod-eastasia:${job.id}`);
      expect(run).toMatchObject({ status: 'succeeded', kind: 'follow-backup-job' });
      const actions = (await bot.store.audit.recent({ target: 'vm-db-01' })).map((e) => `${e.action} ${e.result}`);
      expect(actions).toEqual(expect.arrayContaining(['backup.trigger started', 'backup.job succeeded']));
    },
  },
  {
    name: 'vm-nogrant-01: the job fails with the key vault entry; its fix button grants access, and the backup then completes',
    steps: [
      { say: 'backup now vm-nogrant-01', expect: { card: 'backupNow.retention' } },
      retention,
      confirm,
      {
        updated: {
          card: 'backupNow.progress',
          verbs: ['grantAccess.start'],
          text: [/^Backup failed$/, /Azure Backup cannot read the key vault/, /get, list and backup permissions/],
        },
        until: /^Backup failed$/,
      },
      { click: 'grantAccess.start', expect: { card: 'grantAccess.confirm', text: /kv-ade-nogrant/ } },
      { click: 'grantAccess.confirm', expect: { card: 'grantAccess.result', verbs: ['backupNow.start'] } },
      { click: 'backupNow.start', expect: { card: 'backupNow.retention' } },
      retention,
      confirm,
      { updated: { card: 'backupNow.progress', text: /^Backup completed$/ }, until: /^Backup completed$/ },
    ],
    then: (bot) =>
      expect(
        backups(bot, 'vm-nogrant-01')
          .map((j) => j.status)
          .sort(),
      ).toEqual(['Completed', 'Failed']),
  },
  {
    name: 'zh-TW: chosen from the protected VMs, followed to completion in Traditional Chinese',
    steps: [
      { say: 'backup now', locale: 'zh-TW', expect: { card: 'backupNow.vm', text: /要立即備份哪部受保護的 VM/ } },
      {
        click: 'backupNow.vm',
        locale: 'zh-TW',
        inputs: { choice: choose('vm-legacy-01') },
        expect: { card: 'backupNow.retention', text: /復原點保留至/ },
      },
      { ...retention, locale: 'zh-TW', expect: { card: 'backupNow.confirm', text: /\(30 天\)/ } },
      { ...confirm, locale: 'zh-TW', expect: { card: 'backupNow.progress', text: /正在啟動備份/ } },
      { updated: { card: 'backupNow.progress', text: /^備份已完成$/ }, until: /^備份已完成$/ },
    ],
    then: (bot) => expect(backups(bot, 'vm-legacy-01')).toHaveLength(1),
  },
];

describe('backup now', () => {
  let bot: ProtectBot;
  beforeAll(async () => {
    bot = await startProtectBot();
  });
  afterAll(() => bot.close());

  it.each(cases.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    await play(bot, c, `backup-${i}`);
  });
});

/** The run once it is no longer running (or as it is after 20 s). */
async function settledRun(bot: ProtectBot, id: string) {
  const until = Date.now() + 20_000;
  for (;;) {
    const run = await bot.runs.get(id);
    if (run?.status !== 'running' || Date.now() > until) return run;
    await new Promise((r) => setTimeout(r, 25));
  }
}
