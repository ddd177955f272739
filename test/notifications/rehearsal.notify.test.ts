import { failureEvent } from '../../src/bot/rehearsal/cards';
import { rehearsalRunSample } from '../support/rehearsal';
import { ConnectorStandIn } from './support/connector';
import { cardText, startHarness, startSandboxAzure, waitFor, type Harness, type SandboxAzure } from './support/harness';

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

  it('posts the failure card with "VM agent not ready after restore", its fix and Backup now, once', async () => {
    const service = h.replica({ id: 'replica-a' });
    // Subscribed before the rehearsal ended (failures that ended before a subscription are not posted to it).
    await h.subscribe(service, 'channel-ops', { at: new Date('2026-01-01T00:00:00Z') });
    service.start();
    const event = failureEvent(rehearsalRunSample('failed'));
    expect(event).toMatchObject({ vault: 'rsv-prod-eastasia', vm: 'vm-agentdown-01', operation: 'Rehearsal' });
    await service.stream.accept([event]);
    await waitFor('the failure card', () => h.connector.to('channel-ops').length === 1);
    const card = ConnectorStandIn.card(h.connector.to('channel-ops')[0]);
    const text = cardText(card);
    expect(text).toMatch(/The restore rehearsal of \*\*vm-agentdown-01\*\* in vault \*\*rsv-prod-eastasia\*\* failed/);
    expect(text).toMatch(/VM agent not ready after restore/);
    expect(text).toMatch(/take a new backup and rehearse again/);
    expect(JSON.stringify(card)).toMatch(/"verb":"backupNow.start"/);
    // The same rehearsal again (a second replica, a restart): not posted twice.
    expect(await service.stream.accept([event])).toMatchObject({ accepted: 0, duplicates: 1 });
    await service.stop();
  });
});
