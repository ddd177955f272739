import { ConnectorStandIn } from './support/connector';
import {
  buttons,
  cardName,
  cardText,
  startHarness,
  startSandboxAzure,
  VAULT,
  waitFor,
  type Harness,
  type SandboxAzure,
} from './support/harness';

// The watcher against the sandbox: real SDK clients, real job lists, cards posted to a Bot Connector stand-in.
// The last test grants Backup access on kv-ade-nogrant (the fix), after which vm-nogrant-01's backups succeed.
describe('job watcher', () => {
  let sandbox: SandboxAzure;
  let h: Harness;
  beforeAll(async () => {
    sandbox = await startSandboxAzure();
  });
  afterAll(() => sandbox.close());
  beforeEach(async () => {
    h = await startHarness(sandbox);
  });
  afterEach(async () => {
    if (process.env.NOTIFY_DEBUG)
      console.log(
        h
          .logs()
          .split('\n')
          .filter((l) => /notification|watcher|warn|error|alert/i.test(l))
          .slice(-30)
          .join('\n'),
      );
    await h.close();
  });

  it('posts one card per subscribed conversation when a backup fails, with the error, the entry and the fix', async () => {
    const service = h.replica();
    await h.subscribe(service, 'channel-ops');
    await h.subscribe(service, 'chat-oncall');
    await h.subscribe(service, 'chat-sea', { vault: 'rsv-prod-sea' });
    service.start();
    const failed = await h.admin('/_sandbox/backups/fail', { vm: 'vm-nogrant-01' });
    expect(failed.status).toBe(201);

    await service.tick();
    await waitFor(
      'a card in both conversations',
      () => h.connector.to('channel-ops').length && h.connector.to('chat-oncall').length,
    );
    // The seeded failure of yesterday predates the subscriptions: not posted.
    expect(h.connector.to('channel-ops')).toHaveLength(1);
    expect(h.connector.to('chat-oncall')).toHaveLength(1);
    expect(h.connector.to('chat-sea')).toHaveLength(0);

    const card = ConnectorStandIn.card(h.connector.to('channel-ops')[0]);
    expect(cardName(card)).toBe('card.notify.failure');
    const text = cardText(card);
    expect(text).toContain('vm-nogrant-01');
    expect(text).toContain(VAULT);
    expect(text).toContain('UserErrorKeyVaultPermissionsNotConfigured');
    expect(text).toMatch(/key vault/i);
    expect(buttons(card)).toEqual([
      // A real job error names no key vault (AzureIaaSVMErrorInfo): the grant flow reads it from the VM.
      expect.objectContaining({
        verb: 'grantAccess.start',
        title: 'Grant key vault access',
        data: { keyVault: '', vm: 'vm-nogrant-01' },
      }),
      expect.objectContaining({ verb: 'backupNow.start', data: { vm: 'vm-nogrant-01' } }),
      expect.objectContaining({ verb: 'notify.showJob', data: { vault: VAULT, jobId: failed.body.jobId } }),
    ]);
  });

  it('reads each subscribed vault with one filtered job list per poll', async () => {
    const service = h.replica();
    await h.subscribe(service, 'channel-ops');
    await service.tick(); // the first poll also warms the caches
    const mark = h.azure.sandbox.log.mark();
    const poll = await service.watcher.poll();
    const requests = h.azure.sandbox.log.since(mark).filter((r) => r.surface !== 'identity');
    expect(requests.map((r) => r.routeId)).toEqual(['backupJobs.list']);
    const filter = new URLSearchParams(requests[0].query).get('$filter') ?? '';
    expect(filter).toMatch(/operation eq 'Backup'/);
    expect(filter).toMatch(/startTime eq '\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [AP]M'/);
    expect(filter).not.toMatch(/status eq/);
    expect(poll.reads).toBe(requests.length);
  });

  it('posts nothing again after a restart on the same store', async () => {
    const first = h.replica({ id: 'replica-a' });
    await h.subscribe(first, 'channel-ops');
    first.start();
    await h.admin('/_sandbox/backups/fail', { vm: 'vm-nogrant-01' });
    await first.tick();
    await waitFor('the failure card', () => h.connector.to('channel-ops').length === 1);
    await first.stop();

    const restarted = h.replica({ id: 'replica-b' });
    restarted.start();
    const round = await restarted.tick();
    expect(round.leader).toBe(true);
    expect(await restarted.outbox.pending()).toEqual([]);
    await restarted.outbox.sweep();
    expect(h.connector.posts).toHaveLength(1);
    expect(h.connector.posts[0].updates).toHaveLength(0);
  });
  it('updates the living card on a repeat failure and says recovered after a later success', async () => {
    const service = h.replica();
    await h.subscribe(service, 'channel-ops');
    service.start();
    await h.admin('/_sandbox/backups/fail', { vm: 'vm-nogrant-01' });
    await service.tick();
    const [posted] = await waitFor(
      'the failure card',
      () => h.connector.to('channel-ops').length > 0 && h.connector.to('channel-ops'),
    );

    await h.admin('/_sandbox/backups/fail', { vm: 'vm-nogrant-01' });
    await service.tick();
    await waitFor('the card updated', () => posted.updates.length >= 1);
    expect(cardText(ConnectorStandIn.card(posted))).toMatch(/failed 2 times/);

    // The fix (what the card's button starts), then a backup that now succeeds.
    await h.az.keyVaults.grantBackupAccess({ name: 'kv-ade-nogrant', resourceGroup: 'rg-keys' }, 'bek+kek');
    const run = await h.admin('/_sandbox/backups/run', { vm: 'vm-nogrant-01' });
    await waitFor('the backup to finish', async () =>
      /^Completed$/.test((await h.az.jobs.get(VAULT, run.body.jobId)).status),
    );
    await service.tick();
    await waitFor('the card to say recovered', () => /Recovered/.test(cardText(ConnectorStandIn.card(posted))));
    const card = ConnectorStandIn.card(posted);
    expect(cardText(card)).toMatch(/succeeded/);
    expect(buttons(card).map((b) => b.verb)).toEqual(['notify.showJob']);
    expect(h.connector.to('channel-ops')).toHaveLength(1); // edited in place, never a second card
  });
});
