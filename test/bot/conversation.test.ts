import type { SandboxUser } from '../../src/sandboxUsers';
import {
  SANDBOX_USERS,
  botAdded,
  cardAction,
  cardIdOf,
  cardOf,
  installed,
  message,
  startTestBot,
  textsOf,
  userAdded,
  type ActivityOptions,
  type SentActivity,
  type TestBot,
} from '../support/bot';

const { operator, approver, viewer } = SANDBOX_USERS;

/** One turn of a case: who says what where, and what the bot must answer. */
interface Step {
  /** Text to type, or an activity builder. */
  send: string | ((o: ActivityOptions) => Record<string, any>);
  user?: SandboxUser;
  /** Conversation name within the case (default: the user's personal chat). */
  conversation?: string;
  locale?: string;
  /** The card the bot must send (by id), or `none` for silence. */
  card?: string | 'none';
  /** Must appear in the reply's text or card texts. */
  says?: RegExp;
  saysNot?: RegExp;
  /** For a card action: the card id of the invoke response (the clicked card is replaced by it). */
  invokeCard?: string;
  /** For a card action: the text of a message invoke response. */
  invokeMessage?: RegExp;
}

interface Case {
  name: string;
  steps: Step[];
  /** Entries to put in the audit trail first. */
  audit?: boolean;
}

const cases: Case[] = [
  {
    name: 'welcome card once when the bot is installed (conversationUpdate and installationUpdate both arrive)',
    steps: [
      { send: botAdded, card: 'card.welcome', says: /type \*\*help\*\*/i },
      { send: (o) => installed(o), card: 'none' },
    ],
  },
  {
    name: 'welcome card on installationUpdate add, in the sandbox with the sandbox note',
    steps: [{ send: (o) => installed(o), card: 'card.welcome', says: /local sandbox Azure/ }],
  },
  {
    name: 'no welcome when a person (not the bot) joins',
    steps: [{ send: userAdded, card: 'none' }],
  },
  {
    name: 'welcome again after uninstall and reinstall',
    steps: [
      { send: (o) => installed(o), card: 'card.welcome' },
      { send: (o) => installed(o, 'remove'), card: 'none' },
      { send: (o) => installed(o), card: 'card.welcome' },
    ],
  },
  {
    name: 'help lists every command of the design',
    steps: [
      {
        send: 'help',
        card: 'card.help',
        says: /enable backup \[vm…?\][\s\S]*grant access \[key vault \| vm\][\s\S]*backup now[\s\S]*restore \[vm\][\s\S]*jobs \[vault\][\s\S]*check \[vm\][\s\S]*subscribe[\s\S]*unsubscribe[\s\S]*subscriptions[\s\S]*audit \[vm \| vault\][\s\S]*language \[en \| zh-TW\]/,
      },
    ],
  },
  {
    name: 'help is case-insensitive and tolerates spaces',
    steps: [{ send: '  HELP ', card: 'card.help' }],
  },
  {
    name: 'unknown text gets a pointer to help, never silence, without echoing the text',
    steps: [{ send: 'please do the thing', card: 'none', says: /help/, saysNot: /the thing/ }],
  },
  {
    name: 'a word that merely contains a command is not that command',
    steps: [{ send: 'helpful tips', card: 'none', says: /don't know that one/ }],
  },
  {
    name: 'language zh-TW, then help comes in Traditional Chinese',
    steps: [
      { send: 'language zh-TW', card: 'card.language', says: /從現在起/ },
      { send: 'help', card: 'card.help', says: /我能做什麼/, saysNot: /What I can do/ },
      { send: 'nonsense', card: 'none', says: /輸入 \*\*help\*\*/ },
    ],
  },
  {
    name: 'the chosen language is remembered per user, across conversations',
    steps: [
      { send: 'language zh-TW', user: operator, conversation: 'personal', card: 'card.language' },
      { send: 'help', user: operator, conversation: 'team-channel', card: 'card.help', says: /我能做什麼/ },
      { send: 'help', user: approver, conversation: 'team-channel', card: 'card.help', says: /What I can do/ },
      { send: 'language en', user: operator, conversation: 'team-channel', card: 'card.language', says: /English/ },
      { send: 'help', user: operator, conversation: 'personal', card: 'card.help', says: /What I can do/ },
    ],
  },
  {
    name: "the user's choice overrides the activity's locale; without a choice the locale counts",
    steps: [
      { send: 'help', locale: 'zh-TW', card: 'card.help', says: /我能做什麼/ },
      { send: 'language en', locale: 'zh-TW', card: 'card.language' },
      { send: 'help', locale: 'zh-TW', card: 'card.help', says: /What I can do/ },
    ],
  },
  {
    name: 'language without an argument shows the language card; an unknown language is explained',
    steps: [
      { send: 'language', card: 'card.language', says: /I reply to you in English/ },
      { send: 'language klingon', card: 'none', says: /language zh-TW/ },
    ],
  },
  {
    name: 'the language card button switches language and replaces the card',
    steps: [
      {
        send: (o) => cardAction('language.set', { language: 'zh-TW' }, o),
        invokeCard: 'card.language',
        says: /繁體中文/,
      },
      { send: 'help', card: 'card.help', says: /我能做什麼/ },
    ],
  },
  {
    name: 'a button of an unknown verb (a card from an older version) points to help instead of failing',
    steps: [{ send: (o) => cardAction('retired.verb', {}, o), invokeMessage: /help/ }],
  },
  {
    name: 'audit is refused for a viewer, naming what is needed',
    audit: true,
    steps: [{ send: 'audit', user: viewer, card: 'none', says: /only operators and approvers[\s\S]*OPERATOR_IDS/ }],
  },
  {
    name: 'audit shows recent entries to an operator, newest first, and filters by VM or vault',
    audit: true,
    steps: [
      { send: 'audit', user: operator, card: 'card.audit', says: /kv-ade-nogrant[\s\S]*vm-web-01/ },
      { send: 'audit vm-web-01', user: approver, card: 'card.audit', says: /vm-web-01/, saysNot: /kv-ade-nogrant/ },
      { send: 'audit vm rsv-nothing', user: operator, card: 'card.audit', says: /No entries for rsv-nothing/ },
    ],
  },
  {
    name: 'an unexpected error becomes a friendly card with a reference, never a stack trace',
    steps: [
      {
        // No from.id: teams-ai cannot load user state, an error no handler expects.
        send: (o) => ({ ...message('help', o), from: undefined }),
        card: 'card.error',
        says: /Reference: [0-9a-f-]{36}/,
        saysNot: /Error|at \w+ \(/,
      },
    ],
  },
];

describe('conversations (real composition over HTTP, sandbox mode)', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(() => t.close());

  cases.forEach((c, i) => {
    it(c.name, async () => {
      // Each case gets its own bot id (so its own user state) and its own conversations.
      const botId = `28:case-${i}`;
      if (c.audit) await seedAudit(t);
      for (const [n, step] of c.steps.entries()) {
        const user = step.user ?? operator;
        const o: ActivityOptions = {
          serviceUrl: t.connector.url,
          user,
          botId,
          locale: step.locale,
          conversationId: `case-${i}-${step.conversation ?? `personal-${user.id}`}`,
        };
        const activity = typeof step.send === 'string' ? message(step.send, o) : step.send(o);
        const where = `step ${n + 1} (${typeof step.send === 'string' ? step.send : activity.type})`;
        if (step.invokeMessage) {
          const res = await t.post(activity);
          const body = JSON.parse(res.text);
          expect({ where, status: res.status, type: body.type }).toEqual({
            where,
            status: 200,
            type: 'application/vnd.microsoft.activity.message',
          });
          expect(body.value).toMatch(step.invokeMessage);
          continue;
        }
        if (step.invokeCard) {
          const res = await t.post(activity);
          expect({ where, status: res.status }).toEqual({ where, status: 200 });
          const card = JSON.parse(res.text).value;
          expectReply(where, step, [{ method: 'INVOKE', conversationId: '', activity: attachmentOf(card) }]);
          continue;
        }
        expectReply(where, step, await t.send(activity));
      }
    });
  });

  it('writes one turn log line with the correlation id of the error reference', async () => {
    const o = { serviceUrl: t.connector.url, conversationId: 'error-log' };
    const sent = await t.send({ ...message('help', o), from: undefined });
    const reference = /Reference: ([0-9a-f-]{36})/.exec(textsOf(cardOf(sent[0])).join(' '))![1];
    const lines = t.logs.lines().filter((l) => l.correlationId === reference);
    expect(lines.map((l) => l.msg)).toEqual(['turn failed', 'turn']);
    expect(lines[1]).toMatchObject({ outcome: 'error' });
  });
});

function expectReply(where: string, step: Step, sent: SentActivity[]): void {
  const replies = sent.filter((s) => s.activity.type === 'message');
  if (step.card === 'none') {
    expect({ where, cards: replies.map(cardIdOf).filter(Boolean) }).toEqual({ where, cards: [] });
  } else if (step.card || step.invokeCard) {
    expect({ where, cards: replies.map(cardIdOf) }).toEqual({ where, cards: [step.card ?? step.invokeCard] });
  }
  if (step.says || step.saysNot) {
    const said = replies.map((r) => [r.activity.text ?? '', ...textsOf(cardOf(r))].join('\n')).join('\n');
    if (step.card === 'none' && !step.says) return;
    expect(replies.length).toBeGreaterThan(0);
    if (step.says) expect({ where, said }).toEqual({ where, said: expect.stringMatching(step.says) });
    if (step.saysNot) expect({ where, said }).toEqual({ where, said: expect.not.stringMatching(step.saysNot) });
  }
}

function attachmentOf(card: unknown): Record<string, any> {
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] };
}

let seeded = false;
async function seedAudit(t: TestBot): Promise<void> {
  if (seeded) return;
  seeded = true;
  const who = { aadObjectId: operator.aadObjectId, name: operator.name };
  await t.bot.store.audit.append({
    who,
    action: 'protection.enable',
    target: { kind: 'vm', name: 'vm-web-01' },
    details: { vault: 'rsv-prod-eastasia', policy: 'DefaultPolicy' },
    result: 'succeeded',
  });
  await t.bot.store.audit.append({
    who,
    action: 'keyVault.grant',
    target: { kind: 'keyVault', name: 'kv-ade-nogrant' },
    result: 'succeeded',
  });
}
