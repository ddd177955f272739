import { failureCard } from '../../src/bot/chatNotifications/cards';
import { foldFailure } from '../../src/notifications/fold';
import type { FailureCard, JobEvent, Subscription } from '../../src/notifications';
import { SANDBOX_USERS } from '../../src/sandboxUsers';
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

const { operator: alex, approver: megan } = SANDBOX_USERS;
const person = (u: typeof alex) => ({ aadObjectId: u.aadObjectId, name: u.name });

// Ownership of a failing item, decided on the card record by compare-and-set: the notification service on two
// replicas over one store (real SDK clients against the sandbox), cards delivered to a Bot Connector stand-in.
describe('ownership on failure cards', () => {
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

  async function failureCardPosted() {
    const a = h.replica({ id: 'replica-a' });
    await h.subscribe(a, 'channel-ops');
    a.start();
    expect((await h.admin('/_sandbox/backups/fail', { vm: 'vm-nogrant-01' })).status).toBe(201);
    await a.tick();
    await waitFor('the failure card', () => h.connector.to('channel-ops').length === 1);
    return a;
  }

  it('two people take it at once on two replicas: one owner, shown on the card for everyone, once', async () => {
    const a = await failureCardPosted();
    const b = h.replica({ id: 'replica-b' });
    b.start();
    const [ra, rb] = await Promise.all([
      a.ownership.take('channel-ops', VAULT, 'vm-nogrant-01', person(alex)),
      b.ownership.take('channel-ops', VAULT, 'vm-nogrant-01', person(megan)),
    ]);
    const kinds = [ra.kind, rb.kind].sort();
    expect(kinds).toEqual(['taken', 'takenByOther']);
    const owner = ra.kind === 'taken' ? alex : megan;
    const [posted] = h.connector.to('channel-ops');
    await waitFor('the card to show who took it', () => posted.updates.length > 0);
    await b.outbox.sweep();
    await a.outbox.sweep();
    const updated = ConnectorStandIn.card(posted);
    expect(cardText(updated)).toContain(`Taken by: ${owner.name}`);
    // One edit for the one change, and no second post.
    expect(posted.updates.filter((u) => JSON.stringify(u).includes('Taken by'))).toHaveLength(1);
    expect(h.connector.to('channel-ops')).toHaveLength(1);
    // I'm on it is gone from the card once taken; Snooze stays.
    const verbs = JSON.stringify(updated);
    expect(verbs).not.toContain('notify.take');
    expect(verbs).toContain('notify.snooze');
  });

  // The on-call team's view: the same failure on two cards in two conversations (Alex's and Megan's personal chats).
  it('taken in one conversation, the same failure shows it taken in every conversation; snooze stays where it was asked', async () => {
    const a = h.replica({ id: 'replica-a' });
    await h.subscribe(a, 'chat-alex');
    await h.subscribe(a, 'chat-megan');
    a.start();
    expect((await h.admin('/_sandbox/backups/fail', { vm: 'vm-nogrant-01' })).status).toBe(201);
    await a.tick();
    await waitFor(
      'both failure cards',
      () => h.connector.to('chat-alex').length === 1 && h.connector.to('chat-megan').length === 1,
    );
    const b = h.replica({ id: 'replica-b' });
    b.start();
    // Both click at the same moment, each on their own card, on two replicas: one owner.
    const [ra, rb] = await Promise.all([
      a.ownership.take('chat-alex', VAULT, 'vm-nogrant-01', person(alex)),
      b.ownership.take('chat-megan', VAULT, 'vm-nogrant-01', person(megan)),
    ]);
    expect([ra.kind, rb.kind].sort()).toEqual(['taken', 'takenByOther']);
    const owner = ra.kind === 'taken' ? alex : megan;
    const loser = ra.kind === 'taken' ? rb : ra;
    expect(loser.kind === 'takenByOther' && loser.owner.name).toBe(owner.name);
    const [alexCard] = h.connector.to('chat-alex');
    const [meganCard] = h.connector.to('chat-megan');
    await waitFor('both cards to show who took it', () =>
      [alexCard, meganCard].every((p) => p.updates.some((u) => JSON.stringify(u).includes('Taken by'))),
    );
    await a.outbox.sweep();
    await b.outbox.sweep();
    for (const posted of [alexCard, meganCard]) {
      const text = cardText(ConnectorStandIn.card(posted));
      expect(text).toContain(`Taken by: ${owner.name}`);
      expect(JSON.stringify(ConnectorStandIn.card(posted))).not.toContain('notify.take');
      // One edit for the one owner on each card, and no second post.
      expect(posted.updates.filter((u) => JSON.stringify(u).includes('Taken by'))).toHaveLength(1);
    }
    expect(h.connector.to('chat-alex')).toHaveLength(1);
    expect(h.connector.to('chat-megan')).toHaveLength(1);
    // A later click elsewhere is told who has it, and changes nothing.
    const again = await b.ownership.take('chat-megan', VAULT, 'vm-nogrant-01', person(owner === alex ? megan : alex));
    expect(again).toMatchObject({ kind: 'takenByOther', owner: { name: owner.name } });

    // A snooze is for that conversation's cards only.
    expect((await b.ownership.snooze('chat-megan', VAULT, 'vm-nogrant-01', 1, person(megan))).kind).toBe('snoozed');
    await waitFor("Megan's card to say it is snoozed", () =>
      cardText(ConnectorStandIn.card(meganCard)).includes('Snoozed until'),
    );
    expect(await a.ownership.snoozeOf('chat-alex', VAULT, 'vm-nogrant-01')).toBeUndefined();
    expect(cardText(ConnectorStandIn.card(alexCard))).not.toContain('Snoozed until');
  });

  it('a snoozed item’s RPO breach is still posted, and says it is snoozed', async () => {
    const a = await failureCardPosted();
    const r = await a.ownership.snooze('channel-ops', VAULT, 'vm-nogrant-01', 4, person(megan));
    expect(r.kind).toBe('snoozed');
    expect((await a.rpo.check()).reported).toBe(1);
    await waitFor('the RPO card', () =>
      h.connector.to('channel-ops').some((p) => cardName(p.activity.attachments[0].content) === 'card.notify.rpo'),
    );
    const rpo = h.connector
      .to('channel-ops')
      .find((p) => cardName(p.activity.attachments[0].content) === 'card.notify.rpo')!;
    expect(cardText(ConnectorStandIn.card(rpo))).toMatch(/Snoozed until: .* UTC \(by Megan Bowen\)/);
  });
});

describe('the living card while snoozed, and when it recovers', () => {
  const sub = {
    vault: VAULT,
    conversationId: 'c',
    reference: {},
    locale: 'en',
    by: {},
    at: '2026-01-01T00:00:00Z',
  } as Subscription;
  const event = (jobId: string, at: string): JobEvent => ({
    source: 'watcher',
    vault: VAULT,
    jobId,
    vm: 'vm-nogrant-01',
    operation: 'Backup',
    outcome: 'failed',
    at,
  });
  const recovered = (extra: Partial<FailureCard>): FailureCard => ({
    ...foldFailure(undefined, event('j1', '2026-01-01T10:00:00Z'), sub, '2026-01-01T10:00:00Z')!,
    recovered: { at: '2026-01-01T11:00:00Z', jobId: 'j2' },
    delivered: { version: 1, at: '2026-01-01T11:00:00Z' },
    ...extra,
  });

  it('a failure after a recovery reopens the snoozed card instead of posting a new one', () => {
    const snooze = { until: '2026-01-01T14:00:00Z', by: person(megan) };
    const reopened = foldFailure(
      recovered({ snooze }),
      event('j3', '2026-01-01T12:00:00Z'),
      sub,
      '2026-01-01T12:00:00Z',
    )!;
    expect(reopened).toMatchObject({ count: 2, recovered: undefined, snooze, createdAt: '2026-01-01T10:00:00Z' });
    // After the snooze ends, a new failure starts a new card (a new post) again.
    const fresh = foldFailure(recovered({ snooze }), event('j4', '2026-01-01T15:00:00Z'), sub, '2026-01-01T15:00:00Z')!;
    expect(fresh).toMatchObject({ count: 1, createdAt: '2026-01-01T15:00:00Z' });
    expect(fresh.snooze).toBeUndefined();
  });

  it('Recovered names who had taken it, in both languages', () => {
    const owner = { ...person(megan), at: '2026-01-01T10:05:00Z' };
    const en = cardText(failureCard(recovered({ owner })));
    expect(en).toMatch(/Megan Bowen had taken it\./);
    expect(en).toContain('Taken by: Megan Bowen, 2026-01-01 10:05 UTC');
    const zh = cardText(failureCard(recovered({ owner, locale: 'zh-TW' })));
    expect(zh).toMatch(/此問題由 Megan Bowen 處理。/);
    expect(zh).toContain('處理人員');
  });
});
