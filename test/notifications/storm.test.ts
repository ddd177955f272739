import type { DigestCard } from '../../src/notifications';
import { ConnectorStandIn } from './support/connector';
import {
  cardName,
  cardText,
  startHarness,
  startSandboxAzure,
  VAULT,
  waitFor,
  type Harness,
  type SandboxAzure,
} from './support/harness';

// A storm: 2,000 failed jobs at once. The conversation gets a few cards, then one digest that counts every failure.
describe('failure storm', () => {
  let sandbox: SandboxAzure;
  let h: Harness;
  beforeAll(async () => {
    sandbox = await startSandboxAzure();
  });
  afterAll(() => sandbox.close());
  beforeEach(async () => {
    h = await startHarness(sandbox);
  });
  afterEach(() => h.close());

  it('turns 2,000 failures into one digest per conversation, every failure counted', async () => {
    const service = h.replica();
    await h.subscribe(service, 'channel-ops');
    await h.subscribe(service, 'chat-oncall');
    const bulk = await h.admin('/_sandbox/jobs/bulk', { count: 2000, status: 'Failed', vault: VAULT });
    expect(bulk.status).toBe(201);

    const poll = await service.watcher.poll();
    expect(poll.accepted).toBe(2000);
    expect(poll.reads).toBe(40); // 50 jobs a page: every page followed, counted against the budget

    for (const conversation of ['channel-ops', 'chat-oncall']) {
      const digest = await waitFor(`the digest in ${conversation} to count all 2000`, () =>
        h.connector.to(conversation).find((p) => /^2000 failed backups/.test(cardText(ConnectorStandIn.card(p)))),
      );
      expect(cardName(ConnectorStandIn.card(digest))).toBe('card.notify.digest');
      const posted = h.connector.to(conversation);
      const digests = posted.filter((p) => cardName(p.activity.attachments[0].content) === 'card.notify.digest');
      expect(digests).toHaveLength(1);
      // Up to the threshold, failures got cards of their own (living cards: one per VM); the rest went to the digest.
      const cards = posted.filter((p) => cardName(p.activity.attachments[0].content) === 'card.notify.failure');
      expect(cards.length).toBeGreaterThan(0);
      expect(cards.length).toBeLessThanOrEqual(h.settings.storm.threshold);
      // Edits of the digest coalesce: far fewer than one per failure.
      expect(digest.updates.length).toBeLessThan(100);
    }

    const stored = (await h.store.records<DigestCard>('notify.cards').list())
      .map((r) => r.value)
      .filter((c) => c.kind === 'digest');
    expect(stored).toHaveLength(2);
    for (const d of stored) {
      expect(d.total).toBe(2000);
      expect(Object.values(d.groups).reduce((n, g) => n + g.count, 0)).toBe(2000);
      expect(Object.values(d.items).reduce((n, i) => n + i.count, 0)).toBe(2000);
      expect(d.carded).toBe(h.settings.storm.threshold);
    }
    const text = cardText(
      ConnectorStandIn.card(
        h.connector
          .to('channel-ops')
          .find((p) => cardName(p.activity.attachments[0].content) === 'card.notify.digest')!,
      ),
    );
    expect(text).toMatch(/UserErrorKeyVaultPermissionsNotConfigured/);
    expect(text).toMatch(/ExtensionSnapshotFailedNoNetwork/);
    expect(text).toMatch(/Most affected VMs/);
  }, 60_000);
});
