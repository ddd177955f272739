import { cardName, startHarness, startSandboxAzure, waitFor, type Harness, type SandboxAzure } from './support/harness';

const failureCards = (h: Harness, conversation: string) =>
  h.connector.to(conversation).filter((p) => cardName(p.activity.attachments[0].content) === 'card.notify.failure');

/**
 * Issue 20, blocker 3: a store from an earlier run held conversations that no longer exist, and the bot retried
 * sends to them the whole time. Teams answers 403/404 to a bot that was removed: after `deadAfter` such answers the
 * conversation is dead — nothing more is sent, its subscriptions are inactive, it is logged once — and a dead (or
 * merely stale) conversation never holds up a live one.
 */
describe('dead conversations', () => {
  let sandbox: SandboxAzure;
  let h: Harness;
  beforeAll(async () => {
    sandbox = await startSandboxAzure();
  });
  afterAll(() => sandbox.close());
  beforeEach(async () => {
    h = await startHarness(sandbox);
    expect(h.settings.delivery.deadAfter).toBe(3); // the default
  });
  afterEach(() => h.close());

  it('marks a conversation answering 403 dead after 3 tries, stops sending there, and the live one gets its cards', async () => {
    const service = h.replica();
    h.connector.refuse('channel-gone', 403);
    await h.subscribe(service, 'channel-gone');
    await h.subscribe(service, 'channel-ops');
    await h.admin('/_sandbox/backups/fail', { vm: 'vm-nogrant-01' });
    await service.watcher.poll();

    await waitFor('the live conversation card', () => failureCards(h, 'channel-ops').length === 1);
    const subs = () => service.subscriptions.forConversation('channel-gone');
    await waitFor('channel-gone inactive', async () => (await subs())[0]?.inactive);
    expect((await subs())[0].inactive).toEqual(expect.objectContaining({ reason: 'removed', detail: '403' }));
    // Exactly three tries, then nothing more.
    expect(h.connector.requestsTo('channel-gone').map((r) => r.status)).toEqual([403, 403, 403]);
    expect(await service.outbox.pending()).toEqual([]);
    expect(h.logs().match(/conversation marked dead/g)).toHaveLength(1);

    // Another failure later: the live conversation's card is updated; the dead one gets no request at all.
    await h.admin('/_sandbox/backups/fail', { vm: 'vm-nogrant-01' });
    await service.watcher.poll();
    await waitFor('the live card updated', () => failureCards(h, 'channel-ops')[0].updates.length >= 1);
    expect(h.connector.requestsTo('channel-gone')).toHaveLength(3);
    expect(h.logs().match(/conversation marked dead/g)).toHaveLength(1);
    // The dead conversation's subscription no longer counts towards what is polled (only channel-ops').
    expect((await service.subscriptions.vaults()).length).toBe(1);
  });

  it('a restarted replica remembers dead conversations: nothing is sent there, the live one gets its card', async () => {
    const first = h.replica({ id: 'first' });
    h.connector.refuse('channel-gone', 404);
    await h.subscribe(first, 'channel-gone');
    await h.admin('/_sandbox/backups/fail', { vm: 'vm-nogrant-01' });
    await first.watcher.poll();
    await waitFor('channel-gone dead', async () => (await first.health.deadConversations()).length === 1);
    await first.stop();

    const second = h.replica({ id: 'second' });
    await h.subscribe(second, 'channel-ops');
    await h.admin('/_sandbox/backups/fail', { vm: 'vm-nogrant-01' });
    await second.watcher.poll();
    second.start();
    await waitFor('the live conversation card', () => failureCards(h, 'channel-ops').length === 1);
    expect(h.connector.requestsTo('channel-gone')).toHaveLength(3);
  });

  it('stale conversations whose sends hang never hold up a live one', async () => {
    const service = h.replica();
    // Six conversations from an earlier run, all subscribed before the live one; their sends get no answer.
    const stale = ['old-1', 'old-2', 'old-3', 'old-4', 'old-5', 'old-6'];
    for (const c of stale) {
      h.connector.hold(c);
      await h.subscribe(service, c);
    }
    await h.subscribe(service, 'channel-ops');
    // The live conversation has talked to the bot in this run (any turn marks it so).
    service.health.heard('channel-ops');
    await h.admin('/_sandbox/backups/fail', { vm: 'vm-nogrant-01' });
    await service.watcher.poll();

    await waitFor('the live conversation card', () => failureCards(h, 'channel-ops').length === 1);
    // While the live card went out, stale sends were (and still are) hanging: at most concurrency − 1 of them.
    const hanging = stale.flatMap((c) => h.connector.requestsTo(c)).filter((r) => r.status === 0);
    expect(hanging.length).toBeGreaterThan(0);
    expect(hanging.length).toBeLessThanOrEqual(h.settings.delivery.concurrency - 1);
    h.connector.release();
  });
});
