import { FINANCE, place, PRIMARY, RESEARCH, TWIN, twinVaults } from './support/twinVaults';
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

const DAY = 86_400_000;

/**
 * The RPO watch per vault in its Azure subscription (issue 17): two vaults of one name in two subscriptions are two
 * vaults. An overdue item of one is posted to the conversations subscribed to it there, never to those subscribed to
 * its namesake in the other subscription, and a successful backup in one subscription ends that one's breach only.
 */
describe('the RPO watch across subscriptions', () => {
  let sandbox: SandboxAzure;
  let h: Harness;
  const { addVault, protect: neverBackedUp } = twinVaults(() => sandbox);
  const vault = (id: string, name = TWIN) => ({ name, resourceGroup: place[id].backup, subscriptionId: id });

  beforeAll(async () => {
    sandbox = await startSandboxAzure({ subscriptionIds: [PRIMARY, FINANCE, RESEARCH] });
    // Contoso Research gets an (empty) namesake of Contoso Finance's seeded vault, and both get a twin vault
    // protecting a VM of one name that has never been backed up (as the seed's vm-nogrant-01: load.ts's addProtection
    // with no recovery points), so it is past its RPO window now.
    addVault(RESEARCH, 'rsv-fin-eastasia');
    for (const id of [FINANCE, RESEARCH]) {
      addVault(id, TWIN);
      neverBackedUp(id, TWIN, 'vm-twin-01');
    }
    // And one in the primary's seeded vault, for a breach recorded before several subscriptions.
    neverBackedUp(PRIMARY, 'rsv-prod-eastasia', 'vm-upgrade-01');
  });
  afterAll(() => sandbox.close());
  beforeEach(async () => {
    h = await startHarness(sandbox);
  });
  afterEach(() => h.close());

  /** Three days on: the protected VMs with no backup since (or since protection) are past their 26-hour window. */
  const later = () => h.replica({ now: () => Date.now() + 3 * DAY });
  const subscribe = (service: ReturnType<typeof later>, conversation: string, id: string, name = TWIN) =>
    h.subscribe(service, conversation, {
      vault: name,
      resourceGroup: place[id].backup,
      subscriptionId: id,
      at: new Date(Date.now() - 60_000),
    });
  const rpoCards = (conversation: string) =>
    h.connector.to(conversation).filter((p) => cardName(p.activity.attachments[0].content) === 'card.notify.rpo');
  const rpoText = (conversation: string) => cardText(ConnectorStandIn.card(rpoCards(conversation)[0]));
  const backUp = async (id: string, vm = 'vm-twin-01', vaultName = TWIN) => {
    const run = await h.admin('/_sandbox/backups/run', { vm, subscriptionId: id });
    expect(run.status).toBe(202);
    await waitFor(`the backup in ${id} to succeed`, async () =>
      /^Completed$/.test((await h.az.jobs.get(vault(id, vaultName), run.body.jobId)).status),
    );
  };

  it("an overdue item of Contoso Finance's vault is posted to its conversation, never to its namesake's in Research", async () => {
    const service = later();
    await subscribe(service, 'channel-finance', FINANCE, 'rsv-fin-eastasia');
    await subscribe(service, 'channel-research', RESEARCH, 'rsv-fin-eastasia');
    const checked = await service.rpo.check();
    expect(checked.reported).toBeGreaterThanOrEqual(1);
    await waitFor('the finance RPO card', () => rpoCards('channel-finance').length > 0);
    await waitFor('nothing left to deliver', async () => (await service.outbox.pending()).length === 0);
    expect(rpoText('channel-finance')).toMatch(/vm-fin-01[\s\S]*no successful backup for more than 26 hours/);
    // Research's vault of that name protects nothing: its conversation hears of nothing.
    expect(h.connector.to('channel-research')).toHaveLength(0);
    expect((await service.stream.openBreaches()).map((b) => b.subscriptionId)).not.toContain(RESEARCH);
  });

  it('one VM name in two vaults of one name: two breaches, each posted and ended in its own subscription', async () => {
    const service = h.replica();
    await subscribe(service, 'channel-a', FINANCE);
    await subscribe(service, 'channel-b', RESEARCH);
    expect((await service.rpo.check()).reported).toBe(2);
    await waitFor('one RPO card in each conversation', () =>
      ['channel-a', 'channel-b'].every((c) => rpoCards(c).length === 1),
    );
    const link = (id: string) =>
      `/subscriptions/${id}/resourceGroups/${place[id].backup}/providers/Microsoft.RecoveryServices/vaults/${TWIN}`;
    expect(JSON.stringify(ConnectorStandIn.card(rpoCards('channel-a')[0]))).toContain(link(FINANCE));
    expect(JSON.stringify(ConnectorStandIn.card(rpoCards('channel-b')[0]))).toContain(link(RESEARCH));
    const open = async () => (await service.stream.openBreaches()).map((b) => b.subscriptionId).sort();
    expect(await open()).toEqual([FINANCE, RESEARCH].sort());

    // A successful backup in Contoso Research ends Research's breach only: Finance's card still says overdue.
    await backUp(RESEARCH);
    await service.watcher.poll();
    await waitFor("Research's RPO card updated", () => /Backed up again/.test(rpoText('channel-b')));
    await waitFor('nothing left to deliver', async () => (await service.outbox.pending()).length === 0);
    expect(rpoText('channel-a')).not.toMatch(/Backed up again/);
    expect(await open()).toEqual([FINANCE]);

    // Then one in Contoso Finance ends Finance's.
    await backUp(FINANCE);
    await service.watcher.poll();
    await waitFor("Finance's RPO card updated", () => /Backed up again/.test(rpoText('channel-a')));
    expect(await open()).toEqual([]);
    expect(rpoCards('channel-a')).toHaveLength(1);
    expect(rpoCards('channel-b')).toHaveLength(1);
  });

  it('a breach recorded before several subscriptions is still found, and a success in its subscription ends it', async () => {
    const service = h.replica();
    const ops = { vault: 'rsv-prod-eastasia', resourceGroup: 'rg-backup' };
    // A subscription record from before issue 17: no Azure subscription. Its breach has today's key.
    await h.subscribe(service, 'channel-ops', { ...ops, at: new Date(Date.now() - 60_000) });
    await service.rpo.check();
    const upgradeCards = () => rpoCards('channel-ops').filter((p) => /vm-upgrade-01/.test(cardText(p.activity)));
    await waitFor('the RPO card', () => upgradeCards().length === 1);
    const breach = (await service.stream.openBreaches()).find((b) => b.vm === 'vm-upgrade-01');
    expect(breach).toBeDefined();
    expect(breach!.subscriptionId).toBeUndefined();

    // After the upgrade the conversation's subscription knows its Azure subscription: the item is read in it, and the
    // breach on record is its breach (not reported again).
    expect(await service.subscriptions.remove({ vault: ops.vault, conversationId: 'channel-ops' })).toBe(true);
    await subscribe(service, 'channel-ops', PRIMARY, ops.vault);
    await service.rpo.check();
    await waitFor('nothing left to deliver', async () => (await service.outbox.pending()).length === 0);
    expect(upgradeCards()).toHaveLength(1);

    await backUp(PRIMARY, 'vm-upgrade-01', ops.vault);
    await service.watcher.poll();
    await waitFor('the RPO card updated', () =>
      /Backed up again/.test(cardText(ConnectorStandIn.card(upgradeCards()[0]))),
    );
    expect((await service.stream.openBreaches()).map((b) => b.vm)).not.toContain('vm-upgrade-01');
  });
});
