import { SANDBOX_USERS } from '../../src/sandboxUsers';
import type { FailureCard, NotificationService } from '../../src/notifications';
import { foldFailure } from '../../src/notifications/fold';
import { conversationKey, itemKey, itemScopeKey } from '../../src/notifications/keys';
import { FINANCE, place, PRIMARY, RESEARCH, TWIN, twinVaults } from './support/twinVaults';
import { ConnectorStandIn, type Posted } from './support/connector';
import { cardText, startHarness, startSandboxAzure, waitFor, type Harness, type SandboxAzure } from './support/harness';

const { operator: alex } = SANDBOX_USERS;
const person = { aadObjectId: alex.aadObjectId, name: alex.name };

/**
 * The living failure cards and "I'm on it" per item in its Azure subscription (issue 17): one VM name in two vaults
 * of one name in two subscriptions, both subscribed in one conversation, are two items with two cards; a success of
 * one recovers its own card only, and taking one marks that one only. Cards from before the upgrade, under the key
 * without a subscription, are still found.
 */
describe('living failure cards across subscriptions', () => {
  let sandbox: SandboxAzure;
  let h: Harness;
  const { addVault, protect } = twinVaults(() => sandbox);
  /** Each test's start: subscriptions from then on (the sandbox, shared by the tests, keeps earlier tests' jobs). */
  let since: Date;

  beforeAll(async () => {
    sandbox = await startSandboxAzure({ subscriptionIds: [PRIMARY, FINANCE, RESEARCH] });
    for (const id of [FINANCE, RESEARCH]) {
      addVault(id, TWIN);
      protect(id, TWIN, 'vm-twin-01');
    }
    protect(PRIMARY, 'rsv-prod-eastasia', 'vm-upgrade-02');
  });
  afterAll(() => sandbox.close());
  beforeEach(async () => {
    since = new Date();
    h = await startHarness(sandbox);
  });
  afterEach(() => h.close());

  const subscribe = (service: NotificationService, conversation: string, id: string, name = TWIN) =>
    h.subscribe(service, conversation, {
      vault: name,
      resourceGroup: place[id].backup,
      subscriptionId: id,
      at: since,
    });
  const fail = async (id: string, vm = 'vm-twin-01'): Promise<string> => {
    const failed = await h.admin('/_sandbox/backups/fail', { vm, subscriptionId: id });
    expect(failed.status).toBe(201);
    return failed.body.jobId;
  };
  const backUp = async (id: string, vm = 'vm-twin-01', vaultName = TWIN) => {
    const run = await h.admin('/_sandbox/backups/run', { vm, subscriptionId: id });
    expect(run.status).toBe(202);
    const vault = { name: vaultName, resourceGroup: place[id].backup, subscriptionId: id };
    await waitFor(`the backup in ${id} to succeed`, async () =>
      /^Completed$/.test((await h.az.jobs.get(vault, run.body.jobId)).status),
    );
  };
  /** The posted card whose vault link is in subscription `id`. */
  const cardIn = (conversation: string, id: string): Posted | undefined =>
    h.connector
      .to(conversation)
      .find((p) => JSON.stringify(ConnectorStandIn.card(p)).includes(`/subscriptions/${id}/resourceGroups/`));
  const text = (p: Posted | undefined) => cardText(ConnectorStandIn.card(p!));
  /** The "I'm on it" button's data, as the bot's handler reads it (an empty subscription is none). */
  const take = async (service: NotificationService, conversation: string, posted: Posted) => {
    const data = findAction(ConnectorStandIn.card(posted), 'notify.take').data;
    return service.ownership.take(conversation, data.vault, data.vm, person, data.subscriptionId || undefined);
  };

  it('one VM name in two same-named vaults: two cards, taken and recovered each on its own', async () => {
    const service = h.replica();
    await subscribe(service, 'channel-twins', FINANCE);
    await subscribe(service, 'channel-twins', RESEARCH);
    await fail(FINANCE);
    await fail(RESEARCH);
    await service.tick();
    await waitFor('a card for each item', () => cardIn('channel-twins', FINANCE) && cardIn('channel-twins', RESEARCH));
    await waitFor('nothing left to deliver', async () => (await service.outbox.pending()).length === 0);
    expect(h.connector.to('channel-twins')).toHaveLength(2);
    const finance = cardIn('channel-twins', FINANCE)!;
    const research = cardIn('channel-twins', RESEARCH)!;
    for (const p of [finance, research]) expect(text(p)).toMatch(/Backup failed: vm-twin-01[\s\S]*Failures: 1/);

    // I'm on it on Contoso Finance's card: that card says who took it; Research's item is still nobody's.
    expect((await take(service, 'channel-twins', finance)).kind).toBe('taken');
    await waitFor("Finance's card to say who took it", () => text(finance).includes(`Taken by: ${alex.name}`));
    await waitFor('nothing left to deliver', async () => (await service.outbox.pending()).length === 0);
    expect(text(research)).not.toContain('Taken by');
    expect(JSON.stringify(ConnectorStandIn.card(research))).toContain('notify.take');

    // A successful backup in Contoso Research recovers Research's card; Finance's still says failed.
    await backUp(RESEARCH);
    await service.watcher.poll();
    await waitFor("Research's card recovered", () => /Recovered: vm-twin-01/.test(text(research)));
    await waitFor('nothing left to deliver', async () => (await service.outbox.pending()).length === 0);
    expect(text(finance)).toMatch(/Backup failed: vm-twin-01/);
    expect(text(finance)).not.toMatch(/Recovered/);
    expect(h.connector.to('channel-twins')).toHaveLength(2);
  });

  it('a card from before the upgrade (under the key without a subscription) is still taken and recovered', async () => {
    const service = h.replica();
    const ops = { vault: 'rsv-prod-eastasia', resourceGroup: 'rg-backup' };
    // A subscription record from before issue 17 (no Azure subscription): its card has the key cards had then.
    await h.subscribe(service, 'channel-ops', { ...ops, at: since });
    await fail(PRIMARY, 'vm-upgrade-02');
    await service.tick();
    await waitFor('the failure card', () => h.connector.to('channel-ops').length === 1);
    const [posted] = h.connector.to('channel-ops');
    const oldKey = `${conversationKey('channel-ops')}|item|${itemKey(ops.vault, 'vm-upgrade-02')}`;
    const newKey = `${conversationKey('channel-ops')}|item|${itemScopeKey(ops.vault, 'vm-upgrade-02', PRIMARY)}`;
    expect(await service.outbox.get(oldKey)).toMatchObject({ kind: 'failure', vm: 'vm-upgrade-02' });

    // The upgrade: the conversation's subscription now knows the vault's Azure subscription, and its events carry it.
    expect(await service.subscriptions.remove({ vault: ops.vault, conversationId: 'channel-ops' })).toBe(true);
    await subscribe(service, 'channel-ops', PRIMARY, ops.vault);

    // I'm on it on the card posted before (its button names no subscription) still takes that failure.
    expect((await take(service, 'channel-ops', posted)).kind).toBe('taken');
    await waitFor('the card to say who took it', () => text(posted).includes(`Taken by: ${alex.name}`));

    // A success whose event carries the subscription recovers the old card: no second card, nothing left failing.
    await backUp(PRIMARY, 'vm-upgrade-02', ops.vault);
    await service.watcher.poll();
    await waitFor('the old card recovered', () => /Recovered: vm-upgrade-02/.test(text(posted)));
    await waitFor('nothing left to deliver', async () => (await service.outbox.pending()).length === 0);
    expect(h.connector.to('channel-ops')).toHaveLength(1);
    expect(await service.outbox.get(newKey)).toBeUndefined();

    // The item's next failure episode starts its card under the new key.
    await fail(PRIMARY, 'vm-upgrade-02');
    await service.tick();
    await waitFor('a new failure card', () => h.connector.to('channel-ops').length === 2);
    expect(await service.outbox.get(newKey)).toMatchObject({ kind: 'failure', vaultSubscriptionId: PRIMARY });
    expect(text(h.connector.to('channel-ops')[1])).toMatch(/Backup failed: vm-upgrade-02/);
  });

  it("a card the previous release stored under the old key, naming its subscription, is not the namesake's", async () => {
    const service = h.replica();
    await subscribe(service, 'channel-twins', FINANCE);
    await subscribe(service, 'channel-twins', RESEARCH);
    // The release before this one keyed living cards by vault and VM name, and wrote the vault's subscription in the
    // card: Contoso Finance's failure folded as it did then, under that key.
    const jobId = await fail(FINANCE);
    const job = await h.az.jobs.get(
      { name: TWIN, resourceGroup: place[FINANCE].backup, subscriptionId: FINANCE },
      jobId,
    );
    const [sub] = await service.subscriptions.forVault(TWIN, FINANCE);
    const event = {
      source: 'watcher' as const,
      vault: TWIN,
      jobId,
      vm: 'vm-twin-01',
      vmResourceGroup: place[FINANCE].app,
      subscriptionId: FINANCE,
      operation: 'Backup',
      outcome: 'failed' as const,
      at: job.endTime!.toISOString(),
    };
    const oldKey = `${conversationKey('channel-twins')}|item|${itemKey(TWIN, 'vm-twin-01')}`;
    await service.outbox.change<FailureCard>(oldKey, (c) => foldFailure(c, event, sub, new Date().toISOString()));
    await waitFor("Finance's card", () => cardIn('channel-twins', FINANCE));
    const finance = cardIn('channel-twins', FINANCE)!;

    // Research's failure is another item's: its own card, not a second failure on Finance's.
    await fail(RESEARCH);
    await service.tick();
    await waitFor("Research's card", () => cardIn('channel-twins', RESEARCH));
    await waitFor('nothing left to deliver', async () => (await service.outbox.pending()).length === 0);
    expect(h.connector.to('channel-twins')).toHaveLength(2);
    expect(text(finance)).toMatch(/Failures: 1/);

    // Research's success leaves Finance's old card failed; Finance's success recovers it.
    await backUp(RESEARCH);
    await service.watcher.poll();
    await waitFor("Research's card recovered", () =>
      /Recovered: vm-twin-01/.test(text(cardIn('channel-twins', RESEARCH))),
    );
    await waitFor('nothing left to deliver', async () => (await service.outbox.pending()).length === 0);
    expect(text(finance)).not.toMatch(/Recovered/);
    await backUp(FINANCE);
    await service.watcher.poll();
    await waitFor("Finance's old card recovered", () => /Recovered: vm-twin-01/.test(text(finance)));
    expect(h.connector.to('channel-twins')).toHaveLength(2);
  });
});

function findAction(card: unknown, verb: string): { data: Record<string, string> } {
  let found: { data: Record<string, string> } | undefined;
  const walk = (n: unknown) => {
    if (found || !n || typeof n !== 'object') return;
    if ((n as { verb?: string }).verb === verb) found = n as { data: Record<string, string> };
    Object.values(n).forEach(walk);
  };
  walk(card);
  if (!found) throw new Error(`no ${verb} button on the card`);
  return found;
}
