import { createLogger } from '../../src/log';
import { PostureDigest, postureWeek } from '../../src/notifications/postureDigest';
import { ConnectorStandIn } from './support/connector';
import {
  cardName,
  cardText,
  startHarness,
  startSandboxAzure,
  waitFor,
  type Harness,
  type SandboxAzure,
} from './support/harness';
import type { NotificationService } from '../../src/notifications';

describe('the weekly posture digest', () => {
  it('weeks start on Monday 08:00 UTC and are named by ISO week', () => {
    const wed = Date.parse('2026-03-04T12:00:00Z');
    expect(postureWeek(wed)).toEqual({ key: '2026-W10', start: Date.parse('2026-03-02T08:00:00Z') });
    // Monday before 08:00 still belongs to the week before.
    expect(postureWeek(Date.parse('2026-03-09T07:59:00Z')).key).toBe('2026-W10');
    expect(postureWeek(Date.parse('2026-03-09T08:00:00Z')).key).toBe('2026-W11');
    expect(postureWeek(Date.parse('2027-01-01T12:00:00Z')).key).toBe('2026-W53');
  });

  describe('against the sandbox, on two replicas', () => {
    let sandbox: SandboxAzure;
    let h: Harness;
    beforeAll(async () => {
      sandbox = await startSandboxAzure();
      h = await startHarness(sandbox);
    });
    afterAll(async () => {
      await h.close();
      await sandbox.close();
    });

    const digestOf = (service: NotificationService) =>
      new PostureDigest({
        posture: { azure: sandbox.az, allowBekOnly: false, rpoHours: 26 },
        subscriptions: service.subscriptions,
        outbox: service.outbox,
        budget: service.budget,
        logger: createLogger({ level: 'silent' }),
        now: Date.now,
      });

    it('posts each subscribed conversation its vault’s posture once a week, however many replicas run it', async () => {
      const a = h.replica({ id: 'replica-a' });
      const b = h.replica({ id: 'replica-b' });
      await h.subscribe(a, 'channel-ops');
      const [ra, rb] = await Promise.all([digestOf(a).run(), digestOf(b).run()]);
      expect(ra + rb).toBeGreaterThan(0);
      await a.outbox.sweep();
      await waitFor('the posture card', () =>
        h.connector
          .to('channel-ops')
          .some((p) => cardName(p.activity.attachments[0].content) === 'card.posture.report'),
      );
      await digestOf(a).run();
      await b.outbox.sweep();
      const cards = h.connector
        .to('channel-ops')
        .filter((p) => cardName(p.activity.attachments[0].content) === 'card.posture.report');
      expect(cards).toHaveLength(1);
      const text = cardText(ConnectorStandIn.card(cards[0]));
      expect(text).toMatch(/Backup posture: rsv-prod-eastasia/);
      expect(text).toMatch(/vm-drift-01/);
    });
  });
});
