import type { CardSender } from '../../src/notifications';
import { cardName, startHarness, startSandboxAzure, waitFor, type Harness, type SandboxAzure } from './support/harness';

// Sending within Teams' limits: 429 + Retry-After is waited out; a send that keeps failing stays queued, across a restart.
describe('card delivery', () => {
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

  it('waits out 429 Retry-After from the connector and then delivers', async () => {
    const service = h.replica();
    await h.subscribe(service, 'channel-ops');
    h.connector.throttle(2, 1);
    const started = Date.now();
    await h.admin('/_sandbox/backups/fail', { vm: 'vm-nogrant-01' });
    await service.watcher.poll();
    await waitFor('the card after the throttling', () => h.connector.to('channel-ops').length === 1);
    const statuses = h.connector.requests.map((r) => r.status);
    expect(statuses).toEqual([429, 429, 200]);
    // Retry-After: 1 was honoured twice.
    expect(h.connector.requests[2].at - started).toBeGreaterThanOrEqual(1900);
    expect(cardName(h.connector.to('channel-ops')[0].activity.attachments[0].content)).toBe('card.notify.failure');
  });

  it('keeps a card that cannot be sent, retries it, and a restarted replica delivers it', async () => {
    const fail = true;
    const down: CardSender = {
      post: async () => {
        if (fail) throw Object.assign(new Error('connector down'), { statusCode: 503 });
        return 'never';
      },
      update: async () => undefined,
    };
    const first = h.replica({ id: 'replica-a', sender: down });
    await h.subscribe(first, 'channel-ops');
    await h.admin('/_sandbox/backups/fail', { vm: 'vm-nogrant-01' });
    await first.watcher.poll();
    const kept = await waitFor('a retried, still pending card', async () => {
      const [card] = await first.outbox.pending();
      return card && card.attempts >= 2 && card;
    });
    expect(kept.lastFailure).toBe('503 Error');
    await first.stop(); // the replica goes away with the card undelivered

    const second = h.replica({ id: 'replica-b' });
    second.start(); // sweeps the queue it finds in the store
    await waitFor('the kept card delivered', () => h.connector.to('channel-ops').length === 1);
    await waitFor('nothing pending', async () => (await second.outbox.pending()).length === 0);
    expect(h.connector.posts).toHaveLength(1);
  });
});

describe('watcher lease', () => {
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

  it('lets one replica poll at a time and hands over when the holder dies', async () => {
    const a = h.replica({ id: 'replica-a' });
    const b = h.replica({ id: 'replica-b' });
    await h.subscribe(a, 'channel-ops');
    const mark = h.azure.sandbox.log.mark();
    expect((await a.tick()).leader).toBe(true);
    expect((await b.tick()).leader).toBe(false);
    expect((await a.tick()).leader).toBe(true); // renewal
    const polls = () => h.azure.sandbox.log.since(mark).filter((r) => r.routeId === 'backupJobs.list').length;
    expect(polls()).toBe(2); // only a polled

    // a dies (no release, no renewal): its lease expires and b takes over.
    const takenAt = Date.now();
    await waitFor('b to take over', async () => (await b.tick()).leader);
    expect(Date.now() - takenAt).toBeGreaterThan(h.settings.leaseTtlMs / 2);
    expect((await a.tick()).leader).toBe(false);
    expect((await a.lease.current())?.holder).toBe('replica-b');
  });

  it('folds a job another replica claimed but did not finish (it died mid-way)', async () => {
    const dead = h.replica({ id: 'replica-dead' });
    await h.subscribe(dead, 'chat-stranded');
    const event = {
      source: 'alert' as const,
      vault: 'rsv-prod-eastasia',
      jobId: 'stranded-job-1',
      vm: 'vm-web-01',
      operation: 'Backup',
      outcome: 'failed' as const,
      at: new Date().toISOString(),
      error: { title: 'ExtensionSnapshotFailedNoNetwork', message: 'No network.', recommendations: [] },
    };
    expect(await dead.ledger.claim(event)).toBe(true); // claimed, then the replica died before folding it

    const leader = h.replica({ id: 'replica-leader' });
    await waitFor('the leader', async () => (await leader.tick()).leader);
    await waitFor('the stranded failure posted', () => h.connector.to('chat-stranded').length === 1);
    expect(JSON.stringify(h.connector.to('chat-stranded')[0].activity)).toContain('stranded-job-1');
    expect(await leader.ledger.stranded(0)).toEqual([]);
  });
});
