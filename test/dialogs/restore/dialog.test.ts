import { cardId } from '../../../src/cards/render';
import { cardOf, textsOf } from '../../support/bot';
import { press, walkToPlan, type Targets } from '../../bot/approvals/flow';
import {
  actionsOf,
  choicesOf,
  operator,
  startRestoreBot,
  viewer,
  type RestoreBot,
} from '../../bot/approvals/restoreBot';

/** One conversation of the request dialog: where it stops and what that card says. */
interface Case {
  name: string;
  vm: string;
  targets?: Targets;
  /** The card the dialog ends on. */
  card: string;
  says: RegExp[];
  saysNot?: RegExp[];
}

const cases: Case[] = [
  {
    name: 'vm-lostkv-01: refused, the key vault is gone (the documented message and resolution)',
    vm: 'vm-lostkv-01',
    card: 'card.restore.refused',
    says: [
      /The key vault of this encrypted VM does not exist/,
      /You can't restore this encrypted VM because the key vault associated with this VM \(kv-ade-gone\) doesn't exist/,
      /Create the key vault again, restore the key and secret into it from the backup, then restore the VM/,
    ],
  },
  {
    name: 'vm-vhd-01 at its 2024 point (unmanaged disks): refused before any approval, with the documented alternative',
    vm: 'vm-vhd-01',
    targets: { point: (choices) => choices.find((c) => /^2024-11-20 .*unmanaged disks$/.test(c.title))!.value },
    card: 'card.restore.refused',
    says: [
      /This recovery point has unmanaged disks/,
      /taken while vm-vhd-01 had unmanaged disks/,
      /az backup restore restore-disks, create managed disks from the restored VHD files/,
    ],
  },
  {
    name: 'rg-restore-locked: the target card again, naming the roles the bot lacks there',
    vm: 'vm-db-01',
    targets: { resourceGroup: 'rg-restore-locked' },
    card: 'card.restore.target',
    says: [
      /cannot restore into rg-restore-locked/,
      /Virtual Machine Contributor on rg-restore-locked \(missing Microsoft\.Compute\/disks\/write/,
      /Network Contributor on rg-restore-locked/,
    ],
  },
  {
    name: 'vm-softkey-01: the plan recovers the soft-deleted key and secret',
    vm: 'vm-softkey-01',
    card: 'card.restore.plan',
    says: [/key soft-deleted, secret soft-deleted/, /Recover the soft-deleted key and secret in kv-ade-policy/],
  },
  {
    name: 'vm-lostkey-01: the plan puts the key and secret back from the encryption info',
    vm: 'vm-lostkey-01',
    card: 'card.restore.plan',
    says: [
      /key missing, secret missing/,
      /Put the key and secret back into kv-ade-policy from the restore job's encryption info/,
    ],
  },
  {
    name: 'vm-legacy-01 at a 2017 point: the compute API path',
    vm: 'vm-legacy-01',
    targets: { point: (choices) => choices.find((c) => /^2017-03-15/.test(c.title))!.value },
    card: 'card.restore.plan',
    says: [/through the compute API/, /Create vm-legacy-01-restored in rg-restore through the compute API/],
    saysNot: [/from the template the restore job produces/],
  },
  {
    name: "vm-db-01 at a recent point: still the compute API from the plan, the job's template not deployed",
    vm: 'vm-db-01',
    card: 'card.restore.plan',
    says: [
      /VM created: through the compute API, from this plan \(the restore job's template is not deployed\)/,
      /Create vm-db-01-restored in rg-restore through the compute API/,
    ],
    saysNot: [/from the template the restore job produces/],
  },
  {
    name: 'a VM name Azure would refuse',
    vm: 'vm-db-01',
    targets: { vmName: '-bad name-' },
    card: 'card.restore.target',
    says: [/A VM name has 1 to 64 letters/],
  },
  {
    name: 'a VM name already taken in the target group',
    vm: 'vm-db-01',
    targets: { resourceGroup: 'rg-app', subnet: 'snet-app', vmName: 'vm-web-01' },
    card: 'card.restore.target',
    says: [/A VM named vm-web-01 already exists in rg-app/],
  },
];

describe('the restore request dialog', () => {
  let bot: RestoreBot;
  beforeAll(async () => {
    bot = await startRestoreBot();
  });
  afterAll(() => bot.close());

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { card } = await walkToPlan(bot, operator, c.vm, c.targets);
    expect(cardId(card)).toBe(c.card);
    const facts = ((card?.body ?? []) as any[])
      .flatMap((b) => (b.type === 'FactSet' ? b.facts : []))
      .map((f: any) => `${f.title}: ${f.value}`);
    const text = [...textsOf(card), ...facts].join('\n');
    for (const re of c.says) expect(text).toMatch(re);
    for (const re of c.saysNot ?? []) expect(text).not.toMatch(re);
  });

  it('a free VM name whose NIC name (<vm>-nic) is taken: the target card again, naming the NIC (issue 15)', async () => {
    const subnetId = bot.azure.sandbox.world.networkInterfaces[0].subnetId;
    bot.azure.sandbox.world.networkInterfaces.push({
      name: 'vm-db-01-nicclash-nic',
      resourceGroup: 'rg-restore',
      location: 'eastasia',
      subnetId,
    });
    const { card } = await walkToPlan(bot, operator, 'vm-db-01', { vmName: 'vm-db-01-nicclash' });
    expect(cardId(card)).toBe('card.restore.target');
    expect(textsOf(card).join('\n')).toMatch(
      /A network interface named vm-db-01-nicclash-nic already exists in rg-restore/,
    );
  });

  it('offers only protected VMs, and says why when the named VM cannot be restored', async () => {
    const [list] = await bot.say(operator, 'restore');
    const values = choicesOf(cardOf(list), 'vm').map((c) => c.title);
    expect(values).toEqual(expect.arrayContaining([expect.stringMatching(/^vm-db-01 · rsv-prod-eastasia/)]));
    expect(values.some((v) => v.startsWith('vm-web-01'))).toBe(false);
    // Choosing from the list goes on to the recovery points.
    const id = bot.idOf(list);
    const vm = choicesOf(cardOf(list), 'vm').find((c) => c.title.startsWith('vm-db-01'))!.value;
    const points = await press(bot, operator, cardOf(list), 'restore.vm', id, { vm });
    expect(cardId(points.card)).toBe('card.restore.point');
    expect(choicesOf(points.card, 'point').length).toBe(14);

    const [unprotected] = await bot.say(operator, 'restore vm-web-01');
    expect(textsOf(cardOf(unprotected)).join('\n')).toMatch(/vm-web-01 is not protected by Azure Backup/);
    const [unknown] = await bot.say(operator, 'restore vm-nope');
    expect(textsOf(cardOf(unknown)).join('\n')).toMatch(/can't find a VM named vm-nope/);
    // A new `restore` starts over: the earlier flow's card is out of date.
    const old = await press(bot, operator, points.card, 'restore.point', id, {
      point: choicesOf(points.card, 'point')[0].value,
    });
    expect(cardId(old.card)).toBe('card.restore.message');
  });

  it('shows each recovery point with time, type and age; a pre-26-April-2017 point says there is no template', async () => {
    const [sent] = await bot.say(operator, 'restore vm-legacy-01');
    const choices = choicesOf(cardOf(sent), 'point');
    expect(choices.find((c) => c.title.startsWith('2017-03-15'))?.title).toMatch(
      /^2017-03-15 22:30 UTC · [\w-]+ · \d+ years ago · no template$/,
    );
    expect(choices[0].title).toMatch(/ · (\d+ h|\d+ days) ago$/);
    expect(textsOf(cardOf(sent)).join('\n')).toMatch(/before 26 April 2017 cannot use the template path/);
  });

  it('answers a double click with the same card, and an older card as out of date', async () => {
    const [sent] = await bot.say(operator, 'restore vm-db-01');
    const id = bot.idOf(sent);
    const card = cardOf(sent);
    const point = choicesOf(card, 'point')[0].value;
    const [first, second] = await Promise.all([
      press(bot, operator, card, 'restore.point', id, { point }),
      press(bot, operator, card, 'restore.point', id, { point }),
    ]);
    expect(cardId(first.card)).toBe('card.restore.target');
    expect(second.card).toEqual(first.card);
    const other = choicesOf(card, 'point')[1].value;
    const stale = await press(bot, operator, card, 'restore.point', id, { point: other });
    expect(textsOf(stale.card).join('\n')).toMatch(/This card is out of date/);
  });

  it('cancels at any step; the cancelled card cannot be used again', async () => {
    const [sent] = await bot.say(operator, 'restore vm-db-01');
    const id = bot.idOf(sent);
    const cancelled = await press(bot, operator, cardOf(sent), 'restore.cancel', id);
    expect(textsOf(cancelled.card).join('\n')).toMatch(/Restore cancelled[\s\S]*Nothing was changed/);
    const after = await press(bot, operator, cardOf(sent), 'restore.point', id, {
      point: choicesOf(cardOf(sent), 'point')[0].value,
    });
    expect(textsOf(after.card).join('\n')).toMatch(/out of date/);
  });

  it('refuses a viewer politely, at the command and at a card step', async () => {
    const [reply] = await bot.say(viewer, 'restore vm-db-01');
    expect(reply.activity.text).toMatch(/only operators can do that/);
    const [sent] = await bot.say(operator, 'restore vm-db-01');
    const click = await press(bot, viewer, cardOf(sent), 'restore.point', bot.idOf(sent), { point: 'x' });
    expect(click.text).toMatch(/only operators can do that/);
  });

  it('speaks Traditional Chinese when the activity does', async () => {
    const [sent] = await bot.say(operator, 'restore vm-db-01', undefined, 'zh-TW');
    const text = textsOf(cardOf(sent)).join('\n');
    expect(text).toMatch(/還原 vm-db-01：復原點/);
    expect(actionsOf(cardOf(sent)).map((a) => a.title)).toEqual(['下一步', '取消']);
  });
});
