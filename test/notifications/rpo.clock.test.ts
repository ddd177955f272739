import { nextScheduledRun, rpoDeadline } from '../../src/notifications/rpoClock';
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

const HOUR = 3_600_000;
const RPO = 26 * HOUR;

/**
 * Issue 20, blocker 2: right after `subscribe`, a VM protected minutes earlier was reported as having "no successful
 * backup for more than 26 hours". The RPO clock starts at protection (the ConfigureBackup job) or the last success.
 */
describe('the RPO clock starts at protection, never before', () => {
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

  const rpoCardsFor = (vm: string) =>
    h.connector
      .to('channel-ops')
      .filter((p) => cardName(p.activity.attachments[0].content) === 'card.notify.rpo')
      .map((p) => cardText(ConnectorStandIn.card(p)))
      .filter((text) => text.includes(vm));

  it('a VM protected just now is not reported; once its first scheduled backup is overdue, it is', async () => {
    const vm = await h.az.vms.get('vm-app-02', 'rg-app');
    await h.az.protection.enableProtection({ vm, vault: VAULT, policyName: 'DefaultPolicy' });
    const protectedAt = Date.now();
    // Subscribing right after: the check that runs then.
    const now = h.replica({ id: 'now' });
    await h.subscribe(now, 'channel-ops');
    const first = await now.rpo.check();
    // The check ran and reported what is really late (vm-nogrant-01 has never been backed up, protected long ago)…
    expect(first.reported).toBe(1);
    await waitFor('the vm-nogrant-01 RPO card', () => rpoCardsFor('vm-nogrant-01').length === 1);
    // …but not vm-app-02, protected a moment ago.
    expect(rpoCardsFor('vm-app-02')).toEqual([]);

    // 25 hours later: its first scheduled backup (22:30 UTC) has had its chance, but 26 hours have not passed yet.
    // (The VMs backed up last night are late by then, and reported: the clock is the same for all.)
    const breached = async (service: typeof now) => (await service.stream.openBreaches()).map((b) => b.vm);
    const later = h.replica({ id: 'later', now: () => protectedAt + 25 * HOUR });
    await later.rpo.check();
    expect(await breached(later)).toContain('vm-db-01');
    expect(await breached(later)).not.toContain('vm-app-02');

    // 27 hours after protection, still no successful backup: now it is reported, with the clock's start on the card.
    const overdue = h.replica({ id: 'overdue', now: () => protectedAt + 27 * HOUR });
    await overdue.rpo.check();
    expect(await breached(overdue)).toContain('vm-app-02');
    await overdue.outbox.sweep();
    const [card] = await waitFor('the vm-app-02 RPO card', () => {
      const cards = rpoCardsFor('vm-app-02');
      return cards.length ? cards : undefined;
    });
    expect(card).toMatch(/no successful backup since its protection/);
    expect(card).toMatch(/none since protection at/);
    expect(rpoCardsFor('vm-app-02')).toHaveLength(1);
  });
});

describe('rpoDeadline: every input starts the clock the same way', () => {
  const at = (iso: string) => Date.parse(iso);
  const daily = { frequency: 'Daily' as const, time: '22:30' };
  const weekly = { frequency: 'Weekly' as const, time: '22:30', days: ['Sunday'] };
  const windowStart = at('2026-11-01T00:00:00Z');

  it('a newly protected item: RPO_HOURS from protection, not from the look-back window', () => {
    const d = rpoDeadline({ protectedAt: '2026-12-01T08:00:00Z', schedule: daily }, RPO, windowStart);
    expect(new Date(d.deadline).toISOString()).toBe('2026-12-02T10:00:00.000Z');
  });

  it('a weekly policy: not late a day after its backup, late once the next Sunday run is past its slack', () => {
    const item = { lastSuccess: '2026-11-29T23:00:00Z', schedule: weekly }; // a Sunday
    const d = rpoDeadline(item, RPO, windowStart);
    expect(d.deadline).toBeGreaterThan(at('2026-12-01T01:00:00Z')); // 26 h later: not late
    expect(new Date(d.deadline).toISOString()).toBe('2026-12-07T00:30:00.000Z'); // Sunday 6 Dec 22:30 + 2 h
  });

  it('a policy change or re-protection after the last success restarts the clock at the ConfigureBackup job', () => {
    const item = { lastSuccess: '2026-11-28T23:00:00Z', protectedAt: '2026-11-30T12:00:00Z', schedule: daily };
    expect(new Date(rpoDeadline(item, RPO, windowStart).clockStart).toISOString()).toBe('2026-11-30T12:00:00.000Z');
  });

  it('protection older than the look-back window: the clock started no later than the window', () => {
    expect(rpoDeadline({ schedule: daily }, RPO, windowStart).clockStart).toBe(windowStart);
  });

  it('the next scheduled run follows the policy days', () => {
    expect(new Date(nextScheduledRun(at('2026-12-01T23:00:00Z'), daily)!).toISOString()).toBe(
      '2026-12-02T22:30:00.000Z',
    );
    expect(new Date(nextScheduledRun(at('2026-12-01T08:00:00Z'), weekly)!).toISOString()).toBe(
      '2026-12-06T22:30:00.000Z',
    );
  });
});
