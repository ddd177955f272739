import { addVms, growEstate } from '../../src/sandbox/world/estate';
import { choose, play, type Case } from './support/conversation';
import { startProtectBot, type ProtectBot } from './support/protectBot';

/**
 * Issue 17 through the real bot: a typed VM name costs the same Azure requests in an estate of 100 VMs as in one of
 * 10,000, and a name two resource groups hold is asked about, never guessed.
 */

/** ARM requests since `mark`, by route (managed-identity tokens and Graph left out). */
function routes(bot: ProtectBot, mark: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of bot.azure.sandbox.log.since(mark)) {
    if (r.surface !== 'arm' || r.routeId?.startsWith('directory.')) continue;
    const route = r.routeId ?? `${r.method} ${r.path}`;
    counts[route] = (counts[route] ?? 0) + 1;
  }
  return counts;
}

const twins = (bot: ProtectBot) =>
  addVms(bot.azure.sandbox, [
    { name: 'vm-twin-01', os: 'Linux' },
    { name: 'vm-twin-01', os: 'Linux', resourceGroup: 'rg-restore' },
  ]);

const ambiguous: Case[] = [
  {
    name: 'check vm-twin-01: which of the two? then the one chosen is checked',
    given: twins,
    steps: [
      {
        say: 'check vm-twin-01',
        expect: { card: 'check.vm', text: [/More than one VM is called \*\*vm-twin-01\*\*/] },
      },
      {
        click: 'check.vm',
        inputs: { choice: choose('vm-twin-01 (rg-restore') },
        expect: { card: 'check.result', text: /vm-twin-01/ },
      },
    ],
  },
  {
    name: 'grant access vm-twin-01: asked, not guessed',
    steps: [
      {
        say: 'grant access vm-twin-01',
        expect: { card: 'grantAccess.target', text: /More than one key vault or VM is called \*\*vm-twin-01\*\*/ },
      },
    ],
  },
];

describe('an estate of any size, through the bot', () => {
  let bot: ProtectBot;
  beforeAll(async () => {
    bot = await startProtectBot();
  });
  afterAll(() => bot.close());

  it.each(ambiguous.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    await play(bot, c, `estate-${i}`);
  });

  it('check with no name among 10,000 VMs: the picker pages and filters on the server, one query per page', async () => {
    growEstate(bot.azure.sandbox, 10_000);
    const queries: number[] = [];
    let mark = bot.azure.sandbox.log.mark();
    const counted = () => {
      queries.push(routes(bot, mark)['resourceGraph.resources'] ?? 0);
      expect(routes(bot, mark)['virtualMachines.listAll']).toBeUndefined();
      mark = bot.azure.sandbox.log.mark();
    };
    await play(
      bot,
      {
        name: 'check, picked from 10,000',
        steps: [
          { say: 'check', expect: { card: 'check.vm', verbs: ['flow.page'], text: /Page 1 of 500/ } },
          {
            click: 'flow.page',
            inputs: { page: 1 },
            expect: { card: 'check.vm', text: [/Page 2 of 500/, /vm-estate-000\d\d \(rg-app/] },
          },
          {
            click: 'flow.page',
            inputs: { filter: 'ESTATE-0500', page: 0 },
            expect: {
              card: 'check.vm',
              text: [/vm-estate-05000/, /vm-estate-05009/],
              noText: [/vm-estate-05010/, /Page \d/],
            },
          },
          {
            click: 'check.vm',
            inputs: { choice: choose('vm-estate-05005') },
            expect: { card: 'check.result', text: /vm-estate-05005/ },
          },
        ],
        then: counted,
      },
      'estate-picker',
    );
    // The question, page 2, the filtered page: three queries; the check itself reads the VM it was given.
    expect(queries).toEqual([3]);
  });

  it('enable backup among 10,000 VMs: the VM question pages on the server, picks kept across pages and filters', async () => {
    growEstate(bot.azure.sandbox, 10_000);
    const mark = bot.azure.sandbox.log.mark();
    await play(
      bot,
      {
        name: 'enable, picked from 10,000',
        steps: [
          { say: 'enable backup', expect: { card: 'enableBackup.vault' } },
          {
            click: 'enableBackup.vault',
            inputs: { choice: choose('rsv-prod-eastasia') },
            expect: { card: 'enableBackup.policy' },
          },
          {
            click: 'enableBackup.policy',
            inputs: { choice: choose('DefaultPolicy') },
            expect: {
              card: 'enableBackup.vms',
              verbs: ['flow.page'],
              text: /Page 1 of \d{3}/,
              noText: /^vm-nogrant-01/,
            },
          },
          {
            click: 'flow.page',
            inputs: { filter: 'estate-0700', page: 0 },
            expect: { card: 'enableBackup.vms', text: /vm-estate-07005/, noText: /Page \d/ },
          },
          {
            click: 'flow.page',
            inputs: { choice: choose('vm-estate-07005'), filter: 'estate-0800', page: 0 },
            expect: { card: 'enableBackup.vms', text: [/vm-estate-08001/, /1 selected so far/] },
          },
          {
            click: 'enableBackup.vms',
            inputs: { choice: choose('vm-estate-08001') },
            expect: { card: 'enableBackup.precheck', text: [/vm-estate-07005/, /vm-estate-08001/] },
          },
          { click: 'flow.cancel', expect: { card: 'flow.notice' } },
        ],
      },
      'estate-enable',
    );
    const calls = routes(bot, mark);
    expect(calls['virtualMachines.listAll']).toBeUndefined();
    // The question and its two filtered pages: one Resource Graph query each.
    expect(calls['resourceGraph.resources']).toBe(3);
  });

  it('check <vm> makes the same Azure requests with 100 and with 10,000 VMs', async () => {
    const measure = async (size: number) => {
      growEstate(bot.azure.sandbox, size);
      const mark = bot.azure.sandbox.log.mark();
      await play(
        bot,
        { name: `check at ${size}`, steps: [{ say: 'check vm-db-01', expect: { card: 'check.result' } }] },
        `estate-size-${size}`,
      );
      return routes(bot, mark);
    };
    const small = await measure(100);
    const large = await measure(10_000);
    expect(bot.world.vms.length).toBe(10_000);
    expect(large).toEqual(small);
    expect(small['resourceGraph.resources']).toBe(1);
    expect(small['virtualMachines.listAll']).toBeUndefined();
  });
});
