import { choose, play, shown, type Case } from './support/conversation';
import { startProtectBot, type ProtectBot } from './support/protectBot';

const PRIMARY = '22222222-2222-4222-8222-222222222222';
const FINANCE = '22222222-2222-4222-8222-222222222223';
const RESEARCH = '22222222-2222-4222-8222-222222222224';
const RESTRICTED = '22222222-2222-4222-8222-222222222225';
/** Backup Management Service's object id in the sandbox directory. */
const BMS = '66666666-6666-4666-8666-666666666601';

/** The world of one sandbox subscription (each subscription is its own world). */
const world = (bot: ProtectBot, id: string) => bot.azure.sandbox.worlds.find((w) => w.subscriptionId === id)!;

/**
 * Issue 17 through the bot: it manages the sandbox's primary subscription, Contoso Finance and Contoso Research, and
 * is configured with Contoso Restricted too, which its identity cannot read. Flows work on VMs of any managed
 * subscription, with that subscription's vaults; pickers say which subscription; Restricted's VMs are never offered.
 */
const cases: Case[] = [
  {
    name: 'help names the managed subscriptions, and the configured one it cannot read',
    steps: [
      {
        say: 'help',
        expect: {
          card: 'help',
          text: [
            /^Subscriptions I manage: Sandbox Production, Contoso Finance, Contoso Research\.$/,
            new RegExp(`my identity cannot read them .*: ${RESTRICTED}\\.$`),
          ],
        },
      },
    ],
  },
  {
    name: 'the vault picker offers the vaults of all three subscriptions, each with its subscription',
    steps: [
      {
        say: 'jobs',
        expect: {
          card: 'jobs.vault',
          text: [
            /rsv-prod-eastasia \(rg-backup, eastasia, Sandbox Production\)/,
            /rsv-fin-eastasia \(rg-fin-backup, eastasia, Contoso Finance\)/,
            /rsv-res-eastasia \(rg-res-backup, eastasia, Contoso Research\)/,
          ],
          noText: /rsv-sec/,
        },
      },
      {
        click: 'jobs.vault',
        inputs: { choice: choose('rsv-fin-eastasia') },
        expect: { card: 'jobs.list', text: /rsv-fin-eastasia/ },
      },
    ],
  },
  {
    name: 'enable backup vm-fin-02 (Contoso Finance): only that subscription’s vault offered; protected there',
    steps: [
      {
        say: 'enable backup vm-fin-02',
        expect: {
          card: 'enableBackup.vault',
          text: /rsv-fin-eastasia \(rg-fin-backup, eastasia, Contoso Finance\)/,
          noText: [/rsv-prod-eastasia/, /rsv-res-eastasia/],
        },
      },
      {
        click: 'enableBackup.vault',
        inputs: { choice: choose('rsv-fin-eastasia') },
        expect: { card: 'enableBackup.policy' },
      },
      {
        click: 'enableBackup.policy',
        inputs: { choice: choose('DefaultPolicy') },
        expect: { card: 'enableBackup.precheck' },
      },
      { click: 'enableBackup.precheck', expect: { card: 'enableBackup.confirm', verbs: ['enableBackup.confirm'] } },
      { click: 'enableBackup.confirm', expect: { card: 'enableBackup.result', text: /Enabling…/ } },
      {
        updated: { card: 'enableBackup.result', verbs: ['backupNow.start'], text: /^Backup enabled$/ },
        until: /^Backup enabled$/,
      },
    ],
    then: (bot) => {
      expect(world(bot, FINANCE).protectedItems.find((p) => p.vmName === 'vm-fin-02')).toMatchObject({
        vault: 'rsv-fin-eastasia',
      });
      expect(world(bot, PRIMARY).protectedItems.find((p) => p.vmName === 'vm-fin-02')).toBeUndefined();
    },
  },
  {
    name: 'backup now vm-res-01 (Contoso Research): the job runs in its vault and completes',
    steps: [
      { say: 'backup now vm-res-01', expect: { card: 'backupNow.retention' } },
      {
        click: 'backupNow.retention',
        inputs: { retainUntil: shown('retainUntil') },
        expect: { card: 'backupNow.confirm', text: /Vault: rsv-res-eastasia/ },
      },
      { click: 'backupNow.confirm', expect: { card: 'backupNow.progress', text: /Starting the backup/ } },
      { updated: { card: 'backupNow.progress', text: /^Backup completed$/ }, until: /^Backup completed$/ },
    ],
    then: async (bot) => {
      const jobs = world(bot, RESEARCH).jobs.filter((j) => j.entityFriendlyName === 'vm-res-01' && j.isUserTriggered);
      expect(jobs.map((j) => j.status)).toEqual(['Completed']);
      const entries = await bot.store.audit.recent({ target: 'vm-res-01' });
      expect(entries.find((e) => e.action === 'backup.trigger')).toMatchObject({ subscriptionId: RESEARCH });
    },
  },
  {
    name: 'grant access vm-res-02 (Contoso Research): the access policy is added to its key vault there',
    given: (bot) => {
      // Backup Management Service loses its access policy on Research's key vault.
      const kv = world(bot, RESEARCH).keyVaults.find((k) => k.name === 'kv-res-ade')!;
      kv.accessPolicies = kv.accessPolicies.filter((p) => p.objectId !== BMS);
    },
    steps: [
      {
        say: 'grant access vm-res-02',
        expect: {
          card: 'grantAccess.confirm',
          text: /one access policy to key vault \*\*kv-res-ade\*\* \(rg-res-keys\)/,
        },
      },
      {
        click: 'grantAccess.confirm',
        expect: { card: 'grantAccess.result', text: [/Access granted on kv-res-ade/, /Verified/] },
      },
    ],
    then: async (bot) => {
      const kv = world(bot, RESEARCH).keyVaults.find((k) => k.name === 'kv-res-ade')!;
      expect(kv.accessPolicies.filter((p) => p.objectId === BMS)).toHaveLength(1);
      const [entry] = await bot.store.audit.recent({ target: 'kv-res-ade' });
      expect(entry).toMatchObject({ action: 'keyVault.grant', subscriptionId: RESEARCH });
    },
  },
  {
    name: 'check vm-fin-01 reads it in Contoso Finance, with its own vault and key vault',
    steps: [
      {
        say: 'check vm-fin-01',
        expect: { card: 'check.result', text: [/kv-fin-ade exists/, /Yes, by rsv-fin-eastasia/] },
      },
    ],
  },
  {
    name: 'the unreadable subscription’s VMs are never found nor offered',
    steps: [
      {
        say: 'check vm-sec-01',
        expect: { card: 'check.vm', text: /No VM is called \*\*vm-sec-01\*\*/, noText: /^vm-sec-01 \(/ },
      },
    ],
  },
  {
    name: 'a VM picker across subscriptions names each VM’s subscription and never one of Restricted',
    steps: [
      {
        say: 'backup now',
        expect: {
          card: 'backupNow.vm',
          text: [
            /vm-fin-01 \(rg-fin-app, eastasia, rsv-fin-eastasia, Contoso Finance\)/,
            /vm-db-01 \(rg-app, eastasia, rsv-prod-eastasia, Sandbox Production\)/,
          ],
          noText: /vm-sec-01/,
        },
      },
    ],
  },
];

describe('several subscriptions, through the bot', () => {
  let bot: ProtectBot;
  beforeAll(async () => {
    bot = await startProtectBot({ subscriptionIds: [PRIMARY, FINANCE, RESEARCH, RESTRICTED] });
  });
  afterAll(() => bot.close());

  it.each(cases.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    await play(bot, c, `subs-${i}`);
  });

  it('the bot never sent a request into the subscription it cannot read', () => {
    const into = bot.azure
      .requestsSince(0)
      .filter((r) => r.path.toLowerCase().includes(`/subscriptions/${RESTRICTED}`));
    expect(into).toEqual([]);
  });
});
