import { RecoveryPointOperations } from '../../src/azure/recoveryPoints';
import { RestoreOperations } from '../../src/azure/restore';
import { startTestAzure, type TestAzure } from '../support/azure';
import { ids, itemOf } from '../support/restore';
import { names, RG, VAULT } from './recoveryServices.support';

/**
 * Sandbox shapes checked against Microsoft's: recovery points of VMs that had unmanaged disks, and a VM whose KEK sits
 * in another key vault than its BEK (backups need both vaults to let Backup Management Service in).
 */
describe('sandbox fidelity: unmanaged points, split key vaults', () => {
  let azure: TestAzure;
  beforeAll(async () => {
    azure = await startTestAzure();
  });
  afterAll(() => azure.close());

  it("vm-vhd-01's 2024 point says isManagedVirtualMachine false; restored without a target group, its disks come back as VHD blobs", async () => {
    const points = await new RecoveryPointOperations(azure.clients).list(itemOf('vm-vhd-01'));
    const old = points.find((p) => p.time.toISOString().startsWith('2024-11-20'))!;
    expect(old.managedDisks).toBe(false);
    expect(points.filter((p) => p.managedDisks)).toHaveLength(2);

    const restore = new RestoreOperations(azure.clients);
    const disksBefore = azure.sandbox.world.disks.length;
    const { jobId } = await restore.beginRestoreDisks({
      item: itemOf('vm-vhd-01'),
      recoveryPointName: old.name,
      sourceVmId: ids(azure).vm('vm-vhd-01'),
      stagingAccountId: ids(azure).staging,
      targetResourceGroupId: ids(azure).rg('rg-restore'),
      managedDisks: false,
      region: 'eastasia',
    });
    const job = await restore.waitForRestoreJob(itemOf('vm-vhd-01'), jobId, { pollIntervalMs: 20 });
    expect(job.status).toBe('Completed');
    expect(azure.sandbox.world.disks.length).toBe(disksBefore);
    const container = azure.sandbox.world.blobs.stagingeastasia01[job.outputs!.configContainer];
    const config = JSON.parse(Buffer.from(container[job.outputs!.configBlobName].content, 'base64').toString('utf8'));
    expect(config.properties.storageProfile.osDisk.vhd.uri).toMatch(/\.vhd$/);
    expect(config.properties.storageProfile.osDisk.managedDisk).toBeUndefined();
    const sent = azure.sandbox.world.jobs.find((j) => j.id === jobId)!;
    expect(sent.propertyBag['Target resource group']).toBeUndefined();
  });

  it('vm-split-01: the recovery point keeps the KEK vault apart (KEKDetails.keyVaultId vs BEKDetails.secretVaultId)', async () => {
    const n = names('vm-split-01');
    const [first] = azure.sandbox.world.recoveryPoints.filter((r) => r.vmId === n.vmId);
    const rp = await azure.clients.backup.recoveryPoints.get(VAULT, RG, 'Azure', n.container, n.item, first.name);
    const ks = (rp.properties as any).keyAndSecret;
    expect(ks.kekDetails.keyVaultId).toMatch(/\/vaults\/kv-ade-kek$/);
    expect(ks.bekDetails.secretVaultId).toMatch(/\/vaults\/kv-ade-policy$/);
    expect(ks.kekDetails.keyUrl).toContain(
      azure.sandbox.world.keyVaults.find((k) => k.name === 'kv-ade-kek')!.vaultUri,
    );
  });

  it("vm-split-01's backup fails with the key vault error until the KEK's vault grants keys to Backup Management Service", async () => {
    const n = names('vm-split-01');
    const backup = async () => {
      let tracked = '';
      await azure.clients.backup.backups.trigger(
        VAULT,
        RG,
        'Azure',
        n.container,
        n.item,
        { properties: { objectType: 'IaasVMBackupRequest' } },
        {
          onResponse: (raw) => {
            tracked = raw.headers.get('azure-asyncoperation') ?? '';
          },
        },
      );
      expect(tracked).not.toBe(''); // accepted as an LRO; the job's end is read from the world
      for (;;) {
        const j = azure.sandbox.world.jobs.find(
          (x) => x.operation === 'Backup' && x.vmId === n.vmId && x.isUserTriggered && x.status !== 'InProgress',
        );
        if (j) return j;
        await azure.clients.backup.backupJobs.list(VAULT, RG).next();
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const failed = await backup();
    expect(failed.status).toBe('Failed');
    expect(failed.errorDetails[0].errorString).toBe(
      "Backup doesn't have sufficient permissions to the key vault for backup of encrypted VMs.",
    );
    azure.sandbox.world.jobs = azure.sandbox.world.jobs.filter((j) => j !== failed);
    const kek = azure.sandbox.world.keyVaults.find((k) => k.name === 'kv-ade-kek')!;
    const bms = azure.sandbox.world.servicePrincipals[0];
    kek.accessPolicies.push({
      tenantId: azure.sandbox.world.tenantId,
      objectId: bms.objectId,
      permissions: { keys: ['get', 'list', 'backup'], secrets: [] },
    });
    expect((await backup()).status).toBe('Completed');
  });
});
