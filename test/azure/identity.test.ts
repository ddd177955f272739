import { DirectoryOperations } from '../../src/azure/directory';
import { IdentityNotApprovedError } from '../../src/azure/errors';
import { JobOperations } from '../../src/azure/jobs';
import { KeyVaultOperations } from '../../src/azure/keyVaults';
import { PolicyOperations } from '../../src/azure/policies';
import { ProtectionOperations } from '../../src/azure/protection';
import { explain } from '../../src/azure/troubleshooting';
import { VaultOperations } from '../../src/azure/vaults';
import { VmOperations } from '../../src/azure/vms';
import { startTestAzure, type TestAzure } from '../support/azure';

describe('an identity that is not the approved one', () => {
  let azure: TestAzure;
  let running: string;
  let approved: string;
  beforeAll(async () => {
    azure = await startTestAzure({ identity: 'id-other' });
    running = azure.sandbox.world.identities.find((i) => i.name === 'id-other')!.objectId;
    approved = azure.sandbox.world.identities.find((i) => i.approved)!.objectId;
  });
  afterAll(() => azure.close());

  const vault = { name: 'rsv-prod-eastasia', resourceGroup: 'rg-backup' };
  const kv = { name: 'kv-ade-policy', resourceGroup: 'rg-keys' };
  const operations: [string, (a: TestAzure) => Promise<unknown>][] = [
    ['vaults.list', (a) => new VaultOperations(a.clients).list()],
    ['vaults.get', (a) => new VaultOperations(a.clients).get('rsv-prod-eastasia')],
    ['policies.list', (a) => new PolicyOperations(a.clients).list(vault)],
    [
      'policies.create',
      (a) =>
        new PolicyOperations(a.clients).create(vault, { name: 'X', frequency: 'Daily', time: '01:00', retention: 7 }),
    ],
    ['vms.get', (a) => new VmOperations(a.clients).get('vm-web-01', 'rg-app')],
    ['vms.list', (a) => new VmOperations(a.clients).list()],
    ['keyVaults.getAccess', (a) => new KeyVaultOperations(a.clients).getAccess(kv, 'bek+kek')],
    ['keyVaults.grantBackupAccess', (a) => new KeyVaultOperations(a.clients).grantBackupAccess(kv, 'bek+kek')],
    [
      'keyVaults.getKeyState',
      (a) =>
        new KeyVaultOperations(a.clients).getKeyState(
          a.sandbox.endpoints.keyVaults['kv-ade-policy'],
          `${a.sandbox.endpoints.keyVaults['kv-ade-policy']}keys/k/1`,
        ),
    ],
    [
      'keyVaults.getSecretState',
      (a) =>
        new KeyVaultOperations(a.clients).getSecretState(
          a.sandbox.endpoints.keyVaults['kv-ade-policy'],
          `${a.sandbox.endpoints.keyVaults['kv-ade-policy']}secrets/s/1`,
        ),
    ],
    [
      'protection.enableProtection',
      (a) =>
        new ProtectionOperations(a.clients).enableProtection({
          vm: `/subscriptions/${a.settings.subscriptionId}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-web-01`,
          vault,
          policyName: 'DefaultPolicy',
        }),
    ],
    [
      'protection.triggerBackup',
      (a) =>
        new ProtectionOperations(a.clients).triggerBackup({
          item: {
            vault: vault.name,
            vaultResourceGroup: vault.resourceGroup,
            containerName: 'c',
            protectedItemName: 'i',
          },
          retainUntil: new Date(Date.now() + 86_400_000),
        }),
    ],
    ['jobs.get', (a) => new JobOperations(a.clients).get(vault, 'job-1')],
    ['jobs.list', (a) => new JobOperations(a.clients).list(vault, { status: 'Failed' })],
    [
      'directory.backupManagementServiceObjectId',
      (a) => new DirectoryOperations(a.clients).backupManagementServiceObjectId(),
    ],
    ['directory.memberGroups', (a) => new DirectoryOperations(a.clients).memberGroups('u-1', ['g-1'])],
  ];

  it.each(operations)('%s refuses, naming both identities, and sends nothing to Azure', async (_name, run) => {
    const mark = azure.sandbox.log.mark();
    const err = await run(azure).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(IdentityNotApprovedError);
    expect((err as Error).message).toContain(running);
    expect((err as Error).message).toContain(approved);
    expect(azure.requestsSince(mark)).toEqual([]);
    const text = explain(err, 'zh-TW');
    expect(text.code).toBe('IdentityNotApproved');
    expect(text.cause).toContain(running);
  });

  it('records the refusal for /healthz', () => {
    expect(azure.credential.state).toMatchObject({
      state: 'not-approved',
      running: { objectId: running },
      approved: { objectId: approved },
    });
  });
});
