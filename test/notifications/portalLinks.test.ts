import { setPortalScope } from '../../src/cards/portal';
import { openUrls } from '../support/portalLinks';
import { ConnectorStandIn } from './support/connector';
import { cardName, startHarness, startSandboxAzure, waitFor, type Harness, type SandboxAzure } from './support/harness';

const TENANT = '11111111-1111-4111-8111-111111111111';
const RG = '/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups';
const VAULT_ID = `${RG}/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-prod-eastasia`;
const VM_ID = `${RG}/rg-app/providers/Microsoft.Compute/virtualMachines/vm-nogrant-01`;

// A failed backup seen by the watcher (real SDK clients against the sandbox): the card links the VM (its resource
// group read from the job's container name), the vault and the vault's Backup jobs blade, in the world's tenant.
describe('portal links on a failed-backup card', () => {
  let sandbox: SandboxAzure;
  let h: Harness;
  beforeAll(async () => {
    sandbox = await startSandboxAzure();
    setPortalScope({ tenantId: TENANT, subscriptionId: '22222222-2222-4222-8222-222222222222' });
  });
  afterAll(async () => {
    setPortalScope({});
    await h?.close();
    await sandbox.close();
  });

  it('open the VM, the vault and its Backup jobs in the portal', async () => {
    h = await startHarness(sandbox);
    const service = h.replica();
    await h.subscribe(service, 'channel-ops');
    service.start();
    expect((await h.admin('/_sandbox/backups/fail', { vm: 'vm-nogrant-01' })).status).toBe(201);
    await service.tick();
    await waitFor('the failure card', () => h.connector.to('channel-ops').length);
    const card = ConnectorStandIn.card(h.connector.to('channel-ops')[0]);
    expect(cardName(card)).toBe('card.notify.failure');
    const urls = openUrls(card).map((l) => l.url.toLowerCase());
    expect(urls).toEqual(
      [
        `https://portal.azure.com/#@${TENANT}/resource${VM_ID}`,
        `https://portal.azure.com/#@${TENANT}/resource${VAULT_ID}`,
        `https://portal.azure.com/#@${TENANT}/resource${VAULT_ID}/backupJobs`,
      ].map((u) => u.toLowerCase()),
    );
  });
});
