import type { Subscription } from '../../src/notifications';
import { cardIdOf, cardOf, message, startTestBot, textsOf, type TestBot } from '../support/bot';

const VAULT = 'rsv-prod-eastasia';

/** Dead conversations as people see them (issue 20): `subscriptions` says where the bot can no longer post. */
describe('dead conversations in chat', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(() => t.close());

  const o = (conversationId: string) => ({ serviceUrl: t.connector.url, conversationId });
  const sub = async (conversationId: string) =>
    (await t.bot.store.records<Subscription>('notify.subs').list())
      .map((r) => r.value)
      .find((s) => s.conversationId === conversationId);

  it('lists a dead conversation in `subscriptions`, and a message from it turns it back on', async () => {
    await t.send(message(`subscribe ${VAULT}`, o('gone-chat')));
    await t.send(message(`subscribe ${VAULT}`, o('ops-chat')));
    // Teams answers 403 three times: the bot was removed from gone-chat.
    const removed = Object.assign(new Error('Forbidden'), { statusCode: 403 });
    for (let i = 0; i < 3; i++) await t.bot.notifications.health.failed('gone-chat', removed, false);
    expect((await sub('gone-chat'))?.inactive).toEqual(expect.objectContaining({ reason: 'removed' }));

    const [listed] = await t.send(message('subscriptions', o('ops-chat')));
    expect(cardIdOf(listed)).toBe('card.notify.subscriptions');
    const text = textsOf(cardOf(listed)).join('\n');
    expect(text).toMatch(/Conversations I can no longer post to/);
    expect(text).toMatch(
      /gone-chat · rsv-prod-eastasia: nothing sent since .*the bot was removed or has no access there \(Teams answered 403\)/,
    );

    // The bot is back in gone-chat and someone talks to it: its subscription is active again, and no longer listed.
    await t.send(message('help', o('gone-chat')));
    expect((await sub('gone-chat'))?.inactive).toBeUndefined();
    expect(await t.bot.notifications.health.deadConversations()).toEqual([]);
    const [again] = await t.send(message('subscriptions', o('ops-chat')));
    expect(textsOf(cardOf(again)).join('\n')).not.toMatch(/no longer post to/);
  });

  it('says the same in Traditional Chinese', async () => {
    await t.send(message(`subscribe ${VAULT}`, o('gone-zh')));
    const removed = Object.assign(new Error('Not Found'), { statusCode: 404 });
    for (let i = 0; i < 3; i++) await t.bot.notifications.health.failed('gone-zh', removed, false);
    const [listed] = await t.send({ ...message('subscriptions', o('ops-chat')), locale: 'zh-TW' });
    const text = textsOf(cardOf(listed)).join('\n');
    expect(text).toMatch(/我無法再張貼訊息的交談/);
    expect(text).toMatch(/gone-zh · rsv-prod-eastasia：自 .* 起不再傳送/);
  });
});
