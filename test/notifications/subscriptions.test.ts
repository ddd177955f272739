import { createLogger } from '../../src/log';
import { ArmReadBudget, managedSubscriptionCheck, type NotificationService } from '../../src/notifications';
import type { Listening } from '../../src/server';
import { alertServer, backupAlert, post } from './support/alerts';
import { ConnectorStandIn } from './support/connector';
import { startHarness, startSandboxAzure, TOKEN, waitFor, type Harness, type SandboxAzure } from './support/harness';

const PRIMARY = '22222222-2222-4222-8222-222222222222';
const FINANCE = '22222222-2222-4222-8222-222222222223';
const RESEARCH = '22222222-2222-4222-8222-222222222224';
const OUTSIDE = '99999999-9999-4999-8999-999999999999';

/**
 * Failed-backup notifications across subscriptions (issue 17): the watcher reads vaults in every managed
 * subscription, each subscription with its own ARM read budget; alerts route by the subscription they name, and one
 * from a subscription the bot does not manage is refused, not posted.
 */
describe('notifications across subscriptions', () => {
  let sandbox: SandboxAzure;
  let h: Harness;
  let service: NotificationService;
  let server: Listening;
  let url: string;
  beforeAll(async () => {
    sandbox = await startSandboxAzure({ subscriptionIds: [PRIMARY, FINANCE, RESEARCH] });
  });
  afterAll(() => sandbox.close());
  beforeEach(async () => {
    h = await startHarness(sandbox);
    service = h.replica({ isManagedSubscription: managedSubscriptionCheck(sandbox.az) });
    await h.subscribe(service, 'channel-finance', {
      vault: 'rsv-fin-eastasia',
      resourceGroup: 'rg-fin-backup',
      subscriptionId: FINANCE,
    });
    await h.subscribe(service, 'channel-research', {
      vault: 'rsv-res-eastasia',
      resourceGroup: 'rg-res-backup',
      subscriptionId: RESEARCH,
    });
    server = await alertServer(service, createLogger({ level: 'silent' }));
    url = `${server.url}/api/alerts?token=${TOKEN}`;
  });
  afterEach(async () => {
    await server.close();
    await h.close();
  });

  it('the watcher posts a failed backup in Contoso Research, with portal links in that subscription', async () => {
    const failed = await h.admin('/_sandbox/backups/fail', { vm: 'vm-res-01' });
    expect(failed.status).toBe(201);
    await service.tick();
    await waitFor('the research card', () => h.connector.to('channel-research').length === 1);
    const card = JSON.stringify(ConnectorStandIn.card(h.connector.to('channel-research')[0]));
    expect(card).toContain('vm-res-01');
    expect(card).toContain(
      `/subscriptions/${RESEARCH}/resourceGroups/rg-res-backup/providers/Microsoft.RecoveryServices/vaults/rsv-res-eastasia`,
    );
    expect(h.connector.to('channel-finance')).toHaveLength(0);
  });

  it('the RPO watch covers the vaults of every managed subscription', async () => {
    // Three days on, the protected VMs of both subscriptions are past their 26-hour window.
    const later = h.replica({ now: () => Date.now() + 3 * 86_400_000 });
    await h.subscribe(later, 'channel-finance-rpo', {
      vault: 'rsv-fin-eastasia',
      resourceGroup: 'rg-fin-backup',
      subscriptionId: FINANCE,
      at: new Date(Date.now() - 60_000),
    });
    await h.subscribe(later, 'channel-research-rpo', {
      vault: 'rsv-res-eastasia',
      resourceGroup: 'rg-res-backup',
      subscriptionId: RESEARCH,
      at: new Date(Date.now() - 60_000),
    });
    expect((await later.rpo.check()).reported).toBeGreaterThanOrEqual(2);
    await waitFor('both RPO cards', () =>
      ['channel-finance-rpo', 'channel-research-rpo'].every((c) => h.connector.to(c).length > 0),
    );
    expect(JSON.stringify(h.connector.to('channel-finance-rpo').map((p) => p.activity))).toContain('vm-fin-01');
    expect(JSON.stringify(h.connector.to('channel-research-rpo').map((p) => p.activity))).toContain('vm-res-01');
  });

  it("one subscription's spent read budget does not stop the watcher reading the others", async () => {
    service.budget.record(service.budget.limit, FINANCE);
    await h.admin('/_sandbox/backups/fail', { vm: 'vm-fin-01' });
    await h.admin('/_sandbox/backups/fail', { vm: 'vm-res-01' });
    await service.tick();
    await waitFor('the research card', () => h.connector.to('channel-research').length === 1);
    expect(h.connector.to('channel-finance')).toHaveLength(0);
    expect(h.logs()).toMatch(/ARM read budget reached/);
  });

  it('an alert naming Contoso Finance routes to the conversation subscribed to that vault there', async () => {
    const { body } = await h.admin('/_sandbox/backups/fail', { vm: 'vm-fin-01' });
    const alert = backupAlert({
      jobId: body.jobId,
      vault: 'rsv-fin-eastasia',
      vm: 'vm-fin-01',
      subscriptionId: FINANCE,
      vaultResourceGroup: 'rg-fin-backup',
      vmResourceGroup: 'rg-fin-app',
    });
    expect(await post(url, alert)).toEqual({ status: 202, body: { status: 'accepted' } });
    await waitFor('the finance card', () => h.connector.to('channel-finance').length === 1);
    expect(JSON.stringify(ConnectorStandIn.card(h.connector.to('channel-finance')[0]))).toContain('vm-fin-01');
    expect(h.connector.to('channel-research')).toHaveLength(0);
  });

  it('the same vault name in another managed subscription is not the subscribed one: nothing posted', async () => {
    const alert = backupAlert({
      jobId: '7a1f0b2c-0000-4000-8000-000000000017',
      vault: 'rsv-fin-eastasia',
      vm: 'vm-res-01',
      subscriptionId: RESEARCH,
      vaultResourceGroup: 'rg-fin-backup',
      vmResourceGroup: 'rg-res-app',
    });
    expect(await post(url, alert)).toEqual({ status: 202, body: { status: 'accepted' } });
    await waitFor('nothing left to deliver', async () => (await service.outbox.pending()).length === 0);
    expect(h.connector.to('channel-finance')).toHaveLength(0);
  });

  it('one vault name in two subscriptions is two subscriptions of a conversation, each kept and removed on its own', async () => {
    const twin = { vault: 'rsv-fin-eastasia', resourceGroup: 'rg-fin-backup' };
    await h.subscribe(service, 'channel-both', { ...twin, subscriptionId: FINANCE });
    await h.subscribe(service, 'channel-both', { ...twin, subscriptionId: RESEARCH });
    expect((await service.subscriptions.forConversation('channel-both')).map((s) => s.vaultSubscriptionId)).toEqual(
      expect.arrayContaining([FINANCE, RESEARCH]),
    );
    // The watcher reads each of them, in its own subscription.
    const watched = (await service.subscriptions.vaults()).filter((v) => v.vault === 'rsv-fin-eastasia');
    expect(watched.map((v) => v.subscriptionId).sort()).toEqual([FINANCE, RESEARCH].sort());
    expect((await service.subscriptions.forVault('rsv-fin-eastasia', RESEARCH)).map((s) => s.conversationId)).toEqual([
      'channel-both',
    ]);
    const [research] = (await service.subscriptions.forConversation('channel-both')).filter(
      (s) => s.vaultSubscriptionId === RESEARCH,
    );
    expect(await service.subscriptions.remove(research)).toBe(true);
    expect(await service.subscriptions.forVault('rsv-fin-eastasia', RESEARCH)).toEqual([]);
    expect(
      (await service.subscriptions.forVault('rsv-fin-eastasia', FINANCE)).map((s) => s.conversationId).sort(),
    ).toEqual(['channel-both', 'channel-finance']);
  });

  it('an alert from a subscription the bot does not manage is refused and posts nothing', async () => {
    const alert = backupAlert({
      jobId: '7a1f0b2c-0000-4000-8000-000000000099',
      vault: 'rsv-fin-eastasia',
      subscriptionId: OUTSIDE,
      vaultResourceGroup: 'rg-fin-backup',
    });
    const answer = await post(url, alert);
    expect(answer).toMatchObject({ status: 422, body: { error: 'UnmanagedSubscription' } });
    expect(await service.outbox.pending()).toEqual([]);
    expect(h.connector.to('channel-finance')).toHaveLength(0);
  });
});

describe('the ARM read budget, per subscription', () => {
  it('spending one subscription’s share leaves the others’ whole', () => {
    let now = 1_000_000;
    const budget = new ArmReadBudget({ readsPerHour: 12_000, share: 0.05 }, () => now);
    budget.record(600, FINANCE);
    expect(budget.waitFor(1, FINANCE)).toBeGreaterThan(0);
    expect(budget.waitFor(1, RESEARCH)).toBe(0);
    expect(budget.used(FINANCE)).toBe(600);
    expect(budget.used(RESEARCH)).toBe(0);
    // Without a subscription: the busiest one binds.
    expect(budget.used()).toBe(600);
    now += 3_600_001;
    expect(budget.waitFor(1, FINANCE)).toBe(0);
  });
});
