import { ArmReadBudget } from '../../src/notifications';
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

// vm-nogrant-01 is protected and has never been backed up: past any RPO window. The last test fixes it.
describe('RPO watch and the poll window', () => {
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

  const rpoCards = (conversation: string) =>
    h.connector.to(conversation).filter((p) => cardName(p.activity.attachments[0].content) === 'card.notify.rpo');

  it('reports an item past its RPO window once, across checks and replicas', async () => {
    const a = h.replica({ id: 'replica-a' });
    await h.subscribe(a, 'channel-ops');
    const first = await a.rpo.check();
    expect(first.reported).toBe(1);
    await waitFor('the RPO card', () => rpoCards('channel-ops').length === 1);
    const card = ConnectorStandIn.card(rpoCards('channel-ops')[0]);
    expect(cardText(card)).toMatch(/vm-nogrant-01[\s\S]*no successful backup for more than 26 hours/);
    expect(card?.actions?.[0]).toEqual(
      expect.objectContaining({ verb: 'backupNow.start', data: { vm: 'vm-nogrant-01' } }),
    );

    expect((await a.rpo.check()).reported).toBe(0);
    const b = h.replica({ id: 'replica-b' });
    expect((await b.rpo.check()).reported).toBe(0);
    await b.outbox.sweep();
    // Only vm-nogrant-01: the other protected VMs were backed up last night (inside 26 hours).
    expect(h.connector.posts).toHaveLength(1);
    expect(first.reads).toBeGreaterThan(0);
  });

  it('sees the end of a job that was running at the previous poll', async () => {
    const service = h.replica({ settings: { listingSkewMs: 0 } });
    await h.subscribe(service, 'channel-ops', { at: new Date(Date.now() - 5000) });
    const run = await h.admin('/_sandbox/backups/run', { vm: 'vm-nogrant-01' });
    const during = await service.watcher.poll();
    expect(during.events).toBe(0); // still running
    await waitFor('the job to fail', async () => /^Failed$/.test((await h.az.jobs.get(VAULT, run.body.jobId)).status));
    await service.watcher.poll();
    await waitFor('the failure card', () => h.connector.to('channel-ops').length === 1);
    expect(JSON.stringify(h.connector.posts[0].activity)).toContain(run.body.jobId);
  });

  it('keeps the watcher within its ARM read budget', async () => {
    const service = h.replica({ settings: { budget: { readsPerHour: 100, share: 0.05 } } });
    await h.subscribe(service, 'channel-ops');
    expect(service.budget.limit).toBe(5);
    const polled = [];
    for (let i = 0; i < 7; i++) polled.push((await service.watcher.poll()).polled);
    expect(polled).toEqual([1, 1, 1, 1, 1, 0, 0]);
    expect(service.budget.used()).toBe(5);
    expect(h.logs()).toMatch(/ARM read budget reached/);

    // The documented budget: 5% of 12,000 reads an hour; the interval stretches to what a poll costs.
    const budget = new ArmReadBudget({ readsPerHour: 12_000, share: 0.05 });
    expect(budget.limit).toBe(600);
    expect(budget.intervalFor(12, 300_000)).toBe(300_000); // 12 vaults at 5 minutes: 144 reads an hour
    expect(budget.intervalFor(100, 300_000)).toBe(600_000); // 100 vault pages a poll: every 10 minutes
  });

  it('marks the RPO card backed up again when a later backup succeeds', async () => {
    const service = h.replica();
    await h.subscribe(service, 'channel-ops');
    await service.rpo.check();
    await waitFor('the RPO card', () => rpoCards('channel-ops').length === 1);
    await h.az.keyVaults.grantBackupAccess({ name: 'kv-ade-nogrant', resourceGroup: 'rg-keys' }, 'bek+kek');
    const run = await h.admin('/_sandbox/backups/run', { vm: 'vm-nogrant-01' });
    await waitFor('the backup to succeed', async () =>
      /^Completed$/.test((await h.az.jobs.get(VAULT, run.body.jobId)).status),
    );
    await service.watcher.poll();
    await waitFor('the RPO card updated', () =>
      /Backed up again/.test(cardText(ConnectorStandIn.card(rpoCards('channel-ops')[0]))),
    );
    expect(await service.stream.openBreaches()).toEqual([]);
    expect((await service.rpo.check()).breaches).toBe(0);
  });
});
