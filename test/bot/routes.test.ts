import { Application } from '@microsoft/teams-ai';
import { TestAdapter, type Activity } from 'botbuilder';
import { AccessPolicy } from '../../src/bot/accessPolicy';
import { cardId } from '../../src/cards/render';
import { registerRoutes } from '../../src/bot/routes';
import type { AppTurnState } from '../../src/bot/state';
import { createLogger } from '../../src/log';
import { SqliteStorage, storeOn } from '../../src/store';
import { SANDBOX_USERS, textsOf } from '../support/bot';

// The routes alone on botbuilder's TestAdapter, without the Azure-backed flows wired in: what a command whose flow is
// not available answers, and how the help card shows it. (test/bot/conversation.test.ts drives the full bot.)
describe('routes without the Azure-backed flows', () => {
  const store = storeOn(new SqliteStorage(':memory:'));
  afterAll(() => store.close());

  function adapter() {
    const app = new Application<AppTurnState>({ storage: store.storage, startTypingTimer: false });
    const access = new AccessPolicy({
      allowedTenantIds: [],
      operatorIds: [SANDBOX_USERS.operator.aadObjectId],
      approverIds: [],
      operatorGroupIds: [],
      approverGroupIds: [],
    });
    registerRoutes(app, { mode: 'sandbox', logger: createLogger({ level: 'silent' }), store, access });
    const user = SANDBOX_USERS.operator;
    return new TestAdapter(async (ctx) => void (await app.run(ctx)), {
      channelId: 'msteams',
      from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    });
  }

  it.each(['enable backup vm-web-01', 'restore', 'Subscribe rsv-prod-eastasia', 'jobs'])(
    'answers "%s" honestly: not available yet, see help',
    async (text) => {
      await adapter()
        .send(text)
        .assertReply((a: Partial<Activity>) => {
          expect(a.text).toMatch(/is not available in this version yet[\s\S]*help/);
          expect(a.attachments ?? []).toHaveLength(0);
        })
        .startTest();
    },
  );

  it('marks those commands as not available on the help card, and not the others', async () => {
    await adapter()
      .send('help')
      .assertReply((a: Partial<Activity>) => {
        const card = a.attachments?.[0]?.content;
        expect(cardId(card)).toBe('card.help');
        const texts = textsOf(card);
        const note = (usage: string) => texts[texts.indexOf(usage) + 2] === 'Not available in this version yet.';
        expect(note('restore [vm]')).toBe(true);
        expect(note('enable backup [vm]')).toBe(true);
        expect(note('language [en | zh-TW]')).toBe(false);
        expect(note('audit [vm | vault]')).toBe(false);
      })
      .startTest();
  });
});
