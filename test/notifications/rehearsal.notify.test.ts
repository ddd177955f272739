import { failureEvent, rehearsalEvent } from '../../src/bot/rehearsal/cards';
import { failureCard } from '../../src/bot/chatNotifications/cards';
import type { FailureCard, JobEvent } from '../../src/notifications/types';
import { rehearsalRunSample } from '../support/rehearsal';
import { ConnectorStandIn } from './support/connector';
import {
  buttons,
  cardText,
  startHarness,
  startSandboxAzure,
  waitFor,
  type Harness,
  type SandboxAzure,
  VAULT,
} from './support/harness';

/**
 * A failed rehearsal is a failure notification like a failed backup: through the real notification service (stream,
 * ledger, outbox) to the conversations subscribed to the VM's vault, once, with the troubleshooting entry and a fix.
 */
describe('a failed rehearsal, notified', () => {
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
  /**
   * The posts in a conversation of vm-agentdown-01's rehearsal card (REHEARSAL) or backup card (BACKUP): a started
   * replica also polls the sandbox vault's job history, whose failures of other VMs may land in the same conversation.
   */
  const REHEARSAL = true;
  const BACKUP = false;
  const posts = (conversation: string, rehearsal: boolean) =>
    h.connector.to(conversation).filter((p) => {
      const text = cardText(ConnectorStandIn.card(p));
      return /vm-agentdown-01/.test(text) && /rehearsal/i.test(text) === rehearsal;
    });

  it('posts the failure card with "VM agent not ready after restore", its fix and Backup now, once', async () => {
    const service = h.replica({ id: 'replica-a' });
    // Subscribed before the rehearsal ended (failures that ended before a subscription are not posted to it).
    await h.subscribe(service, 'channel-ops', { at: new Date('2026-01-01T00:00:00Z') });
    service.start();
    const event = failureEvent(rehearsalRunSample('failed'));
    expect(event).toMatchObject({ vault: 'rsv-prod-eastasia', vm: 'vm-agentdown-01', operation: 'Rehearsal' });
    await service.stream.accept([event]);
    await waitFor('the failure card', () => posts('channel-ops', REHEARSAL).length === 1);
    const card = ConnectorStandIn.card(posts('channel-ops', REHEARSAL)[0]);
    const text = cardText(card);
    expect(text).toMatch(/The restore rehearsal of \*\*vm-agentdown-01\*\* in vault \*\*rsv-prod-eastasia\*\* failed/);
    expect(text).toMatch(/VM agent not ready after restore/);
    expect(text).toMatch(/take a new backup and rehearse again/);
    expect(JSON.stringify(card)).toMatch(/"verb":"backupNow.start"/);
    // The same rehearsal again (a second replica, a restart): not posted twice.
    expect(await service.stream.accept([event])).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(posts('channel-ops', REHEARSAL)).toHaveLength(1);
    await service.stop();
  });

  it('has its own card: a backup success does not recover it, a passed rehearsal of the VM does', async () => {
    const service = h.replica({ id: 'replica-b' });
    await h.subscribe(service, 'channel-rh', { at: new Date('2026-01-01T00:00:00Z') });
    service.start();
    // Another run than the first test's (that one is claimed in the ledger already).
    const failed = { ...failureEvent(rehearsalRunSample('failed')), jobId: 'rehearsal:second-failed-run' };
    await service.stream.accept([failed]);
    await waitFor('the rehearsal card', () => posts('channel-rh', REHEARSAL).length === 1);
    const rehearsalPost = posts('channel-rh', REHEARSAL)[0];
    const card = ConnectorStandIn.card(rehearsalPost);
    expect(cardText(card)).toMatch(/Restore rehearsal failed: vm-agentdown-01/);
    expect(cardText(card)).toMatch(/Rehearsal run: rehearsal:/);
    const verbs = buttons(card);
    // Rehearse again (the `rehearse` flow for this VM) and the rehearsals list; no "Show job" with a run id in it.
    expect(verbs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ verb: 'rehearsal.start', title: 'Rehearse again', data: { vm: 'vm-agentdown-01' } }),
        expect.objectContaining({ verb: 'rehearsal.list', title: 'Show rehearsals', data: { vault: VAULT } }),
        expect.objectContaining({ verb: 'backupNow.start' }),
      ]),
    );
    expect(verbs.map((b) => b.verb)).not.toContain('notify.showJob');
    expect(JSON.stringify(card)).not.toMatch(/Show job/);

    // A backup failure of the same VM: a different card (the VM's backup card), posted beside it.
    const backup = (outcome: JobEvent['outcome'], jobId: string, at: string): JobEvent => ({
      source: 'watcher',
      vault: VAULT,
      jobId,
      vm: 'vm-agentdown-01',
      vmResourceGroup: 'rg-app',
      operation: 'Backup',
      outcome,
      at,
      ...(outcome === 'failed'
        ? { error: { title: 'UserErrorVmNotFound', message: 'The VM was not found.', recommendations: [] } }
        : {}),
    });
    await service.stream.accept([backup('failed', 'job-rh-b1', '2026-03-13T11:00:00.000Z')]);
    await waitFor('the backup card', () => posts('channel-rh', BACKUP).length === 1);
    const backupPost = posts('channel-rh', BACKUP)[0];
    expect(cardText(ConnectorStandIn.card(backupPost))).toMatch(/Backup failed: vm-agentdown-01/);
    expect(buttons(ConnectorStandIn.card(backupPost)).map((b) => b.verb)).toContain('notify.showJob');

    // A later backup success recovers the backup card only: the VM was never shown to restore.
    await service.stream.accept([backup('succeeded', 'job-rh-b2', '2026-03-13T12:00:00.000Z')]);
    await waitFor('the backup card recovered', () =>
      /Recovered: vm-agentdown-01/.test(cardText(ConnectorStandIn.card(backupPost))),
    );
    expect(rehearsalPost.updates).toHaveLength(0);
    expect(cardText(ConnectorStandIn.card(rehearsalPost))).toMatch(/Restore rehearsal failed: vm-agentdown-01/);

    // A passed rehearsal of that VM recovers the rehearsal card (edited in place, nothing new posted).
    const passedRun = rehearsalRunSample('passed');
    passedRun.checkpoint.plan.vm = { ...passedRun.checkpoint.plan.vm, name: 'vm-agentdown-01' };
    passedRun.checkpoint.times = { ...passedRun.checkpoint.times!, endedAt: '2026-03-13T13:00:00.000Z' };
    const passed = rehearsalEvent(passedRun);
    expect(passed).toMatchObject({ operation: 'Rehearsal', outcome: 'succeeded', vm: 'vm-agentdown-01' });
    await service.stream.accept([passed]);
    await waitFor('the rehearsal card recovered', () => rehearsalPost.updates.length > 0);
    const recovered = ConnectorStandIn.card(rehearsalPost);
    expect(cardText(recovered)).toMatch(/Rehearsal passed: vm-agentdown-01/);
    expect(cardText(recovered)).toMatch(/A later restore rehearsal of \*\*vm-agentdown-01\*\* passed/);
    expect(buttons(recovered).map((b) => b.verb)).not.toContain('rehearsal.start');
    expect(posts('channel-rh', REHEARSAL)).toHaveLength(1);
    expect(posts('channel-rh', BACKUP)).toHaveLength(1);
    // The backup card was not touched by the rehearsal's pass (its last edit is still the backup's recovery).
    expect(backupPost.updates).toHaveLength(1);
    // Posted once: the same pass again is a duplicate.
    expect(await service.stream.accept([passed])).toMatchObject({ accepted: 0, duplicates: 1 });
    await service.stop();
  });

  it('says it in Traditional Chinese: its titles, its run, Rehearse again and Show rehearsals', () => {
    const record: FailureCard = {
      kind: 'failure',
      conversationId: 'channel-zh',
      reference: {},
      locale: 'zh-TW',
      version: 1,
      attempts: 0,
      createdAt: '2026-03-13T10:00:00.000Z',
      vault: VAULT,
      vm: 'vm-agentdown-01',
      operation: 'Rehearsal',
      count: 2,
      firstAt: '2026-03-13T10:00:00.000Z',
      lastAt: '2026-03-13T11:00:00.000Z',
      lastJobId: 'rehearsal:run-2',
      recentJobs: ['rehearsal:run-1', 'rehearsal:run-2'],
    };
    const failing = failureCard(record);
    expect(cardText(failing)).toMatch(/還原演練已失敗 2 次：vm-agentdown-01/);
    expect(cardText(failing)).toMatch(/演練執行: rehearsal:run-2/);
    expect(buttons(failing).map((b) => b.title)).toEqual(expect.arrayContaining(['再次演練', '顯示還原演練']));
    expect(buttons(failing).map((b) => b.verb)).not.toContain('notify.showJob');
    const recovered = failureCard({
      ...record,
      recovered: { at: '2026-03-13T12:00:00.000Z', jobId: 'rehearsal:run-3' },
    });
    expect(cardText(recovered)).toMatch(/還原演練已通過：vm-agentdown-01/);
    expect(cardText(recovered)).toMatch(/後續還原演練已於 2026-03-13 12:00 UTC 通過/);
  });
});
