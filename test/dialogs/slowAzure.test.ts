import { cardId } from '../../src/cards/render';
import { cardOf } from '../support/bot';
import { operator, startRestoreBot, until, type RestoreBot } from '../bot/approvals/restoreBot';
import { choose, play, type Case, type Step } from './support/conversation';
import { startProtectBot, type ProtectBot } from './support/protectBot';

/**
 * When Azure is slow, a turn still answers at once (Teams shows an error for a card action not answered in 5 s): the
 * answer is a "working on it" card, and the card the person was waiting for replaces it in place when Azure has
 * answered. The flow goes on from that card as if Azure had been fast. Here every ARM request waits 700 ms and a
 * turn waits at most 250 ms; the flows below make several ARM requests per turn.
 */
const ARM_LATENCY_MS = 400;
const REPLY_WITHIN_MS = 150;

const working = { card: 'flow.notice', text: [/^Working on it…$/, /update itself/] };
const workingZh = { card: 'flow.notice', text: [/^處理中…$/] };

const cases: Case[] = [
  {
    name: 'enable backup answers each slow step with a progress card, then the step card in its place',
    steps: [
      { say: 'enable backup vm-noagent-01', expect: working },
      { updated: { card: 'enableBackup.vault' } },
      { click: 'enableBackup.vault', inputs: { choice: choose('rsv-prod-eastasia') }, expect: working },
      { updated: { card: 'enableBackup.policy' } },
      { click: 'flow.cancel', expect: { card: 'flow.notice', text: [/^Cancelled$/] } },
    ],
    then: (bot) => expect(bot.world.protectedItems.find((p) => p.vmName === 'vm-noagent-01')).toBeUndefined(),
  },
  {
    name: 'the progress card speaks the user’s language',
    steps: [
      { say: 'enable backup vm-noagent-01', locale: 'zh-TW', expect: workingZh } as Step,
      { updated: { card: 'enableBackup.vault', text: /^啟用備份$/ } },
    ],
  },
];

// One sandbox per test file (the managed-identity endpoint is cached per process): the restore bot shares it.
let bot: ProtectBot;
let restoreBot: RestoreBot;
beforeAll(async () => {
  bot = await startProtectBot({ replyWithinMs: REPLY_WITHIN_MS });
  restoreBot = await startRestoreBot({ replyWithinMs: REPLY_WITHIN_MS, azure: bot.azure });
  bot.azure.sandbox.faults.add({ surface: 'arm', kind: 'latency', latencyMs: ARM_LATENCY_MS });
});
afterAll(async () => {
  await restoreBot.close();
  await bot.close();
});

describe('slow Azure: every turn answers at once, the card follows in place', () => {
  it.each(cases.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    await play(bot, c, `slow-${i}`);
  });

  it('a turn Azure answers in time gets its card directly, with no progress card', async () => {
    bot.azure.sandbox.faults.clear();
    try {
      await play(bot, { name: 'fast', steps: [{ say: 'help', expect: { card: 'help' } }] }, 'slow-fast');
    } finally {
      bot.azure.sandbox.faults.add({ surface: 'arm', kind: 'latency', latencyMs: ARM_LATENCY_MS });
    }
  });
});

describe('slow Azure: the restore request answers at once too', () => {
  it('`restore vm-db-01` shows a progress card, then the recovery points in its place', async () => {
    const bot = restoreBot;
    const sent = await bot.say(operator, 'restore vm-db-01');
    const first = sent.find((s) => s.method === 'POST' && cardOf(s));
    expect(cardId(cardOf(first!))).toBe('card.flow.notice');
    const id = bot.idOf(first!);
    await until(
      'the recovery points in place of the progress card',
      () =>
        bot.connector.sent.some(
          (s) => s.method === 'PUT' && s.replyToId === id && cardId(cardOf(s)) === 'card.restore.point',
        ),
      20_000,
    );
    const updates = bot.connector.sent.filter((s) => s.method === 'PUT' && s.replyToId === id);
    expect(updates.map((s) => cardId(cardOf(s)))).toEqual(['card.restore.point']);
  });
});
