import { RecoveryPointOperations } from '../../src/azure/recoveryPoints';
import { RestoreOperations } from '../../src/azure/restore';
import type { RestoreJobOutputs } from '../../src/azure/types';
import { startTestAzure, type TestAzure } from '../support/azure';
import { ids, itemOf } from '../support/restore';

/** The whole restore of vm-db-01 (Linux, BEK+KEK, single pass): disks, VM from the plan, clean-up. */
describe('restore happy path (vm-db-01, compute API from the plan)', () => {
  let azure: TestAzure;
  let restore: RestoreOperations;
  let outputs: RestoreJobOutputs;
  /** Requests of the happy path's own steps (not the checks the tests add). */
  const happy: { method: string; path: string; routeId?: string; status: number }[] = [];
  const counted = async <T>(step: () => Promise<T>): Promise<T> => {
    const mark = azure.sandbox.log.mark();
    try {
      return await step();
    } finally {
      happy.push(...azure.requestsSince(mark));
    }
  };
  const poll = { pollIntervalMs: 20 };
  beforeAll(async () => {
    azure = await startTestAzure();
    restore = new RestoreOperations(azure.clients);
  });
  afterAll(() => azure.close());

  it('restores the disks and reads the staged files from the completed job', async () => {
    const item = itemOf('vm-db-01');
    const [latest] = await new RecoveryPointOperations(azure.clients).list(item);
    const { jobId } = await counted(() =>
      restore.beginRestoreDisks({
        item,
        recoveryPointName: latest.name,
        sourceVmId: ids(azure).vm('vm-db-01'),
        stagingAccountId: ids(azure).staging,
        targetResourceGroupId: ids(azure).rg('rg-restore'),
        region: 'eastasia',
      }),
    );
    expect(jobId).toMatch(/^[0-9a-f-]{36}$/i);
    const job = await counted(() => restore.waitForRestoreJob(item, jobId, poll));
    expect(job).toMatchObject({ id: jobId, status: 'Completed', vmName: 'vm-db-01' });
    expect(job.outputs).toMatchObject({ stagingAccountName: 'stagingeastasia01' });
    expect(job.outputs?.templateBlobUri).toBeTruthy();
    expect(job.outputs?.encryptionInfoBlobName).toBeTruthy();
    outputs = job.outputs!;
  });

  it('leaves a key and secret that are still there untouched', async () => {
    const target = { id: ids(azure).keyVault('kv-ade-policy') };
    const result = await restore.putBackKeyAndSecret({ restoreJob: outputs }, target, 'Linux', 'vm-db-01');
    expect(result.actions).toEqual(['key already present', 'secret already present']);
    expect(result.changed).toBe(false);
    const kv = azure.sandbox.world.keyVaults.find((k) => k.name === 'kv-ade-policy')!;
    const material = [...kv.keys, ...kv.secrets].filter((o) => /vm-db-01/.test(JSON.stringify(o))).map((o) => o.value);
    expect(material.length).toBeGreaterThan(0);
    for (const value of material) expect(JSON.stringify(result)).not.toContain(value);
  });

  it('creates the VM through the compute API (the default) into rg-restore / snet-restore, with the restored encrypted disks', async () => {
    const created = await counted(() =>
      restore.createVm(
        {
          requestId: 'req-happy-1',
          outputs,
          recoveryPointTime: new Date(Date.now() - 86400_000),
          sourceVmName: 'vm-db-01',
          osType: 'Linux',
          targetResourceGroup: 'rg-restore',
          region: 'eastasia',
          subnetId: ids(azure).subnet('snet-restore'),
          encryption: { pass: 'single', keyVault: { id: ids(azure).keyVault('kv-ade-policy') } },
        },
        poll,
      ),
    );
    expect(created.path).toBe('compute');
    expect(created.deploymentName).toBeUndefined();
    const vm = azure.sandbox.world.vms.find((v) => v.name === created.vmName && v.resourceGroup === 'rg-restore');
    expect(vm).toBeDefined();
    const disks = azure.sandbox.world.disks.filter(
      (d) => d.resourceGroup === 'rg-restore' && d.managedBy?.toLowerCase() === created.vmId.toLowerCase(),
    );
    expect(disks.map((d) => d.name).sort()).toEqual([vm!.osDiskName, ...vm!.dataDiskNames].sort());
    expect(disks).toHaveLength(2);
    const osDisk = disks.find((d) => d.name === vm!.osDiskName)!;
    expect(osDisk.encryption?.secretUrl ?? vm!.encryption?.secretUrl).toMatch(/\/secrets\//);
    expect(vm!.extensions.map((e) => e.type)).toContain('AzureDiskEncryptionForLinux');
    const nicIds = vm!.networkInterfaceIds;
    const nic = azure.sandbox.world.networkInterfaces.find((n) =>
      nicIds.some((id) => id.toLowerCase().endsWith(`/${n.name.toLowerCase()}`)),
    );
    expect(nic?.subnetId).toMatch(/snet-restore$/);
  });

  it('creating again for the same request reuses the VM instead of making a second one', async () => {
    const before = azure.sandbox.world.vms.filter((v) => v.resourceGroup === 'rg-restore').length;
    await restore.createVm(
      {
        requestId: 'req-happy-1',
        outputs,
        recoveryPointTime: new Date(Date.now() - 86400_000),
        sourceVmName: 'vm-db-01',
        osType: 'Linux',
        targetResourceGroup: 'rg-restore',
        region: 'eastasia',
        subnetId: ids(azure).subnet('snet-restore'),
        encryption: { pass: 'single', keyVault: { id: ids(azure).keyVault('kv-ade-policy') } },
      },
      poll,
    );
    expect(azure.sandbox.world.vms.filter((v) => v.resourceGroup === 'rg-restore')).toHaveLength(before);
  });

  it('deletes the staged files (wrapped keys included), and again is a no-op', async () => {
    const first = await counted(() => restore.deleteStagingBlobs(outputs));
    expect(first.deleted).toHaveLength(3);
    const container = azure.sandbox.world.blobs.stagingeastasia01?.[outputs.configContainer] ?? {};
    expect(Object.keys(container)).not.toContain(outputs.encryptionInfoBlobName);
    expect(Object.keys(container)).not.toContain(outputs.configBlobName);
    await expect(restore.deleteStagingBlobs(outputs)).resolves.toEqual({ deleted: [] });
  });

  it('records the number of Azure requests the happy path took', () => {
    const arm = happy.filter((r) => (r as { surface?: string }).surface === 'arm');
    console.log(
      `restore happy path: ${happy.length} requests, ${arm.length} ARM\n` +
        happy.map((r) => `${r.method} ${r.routeId ?? r.path} ${r.status}`).join('\n'),
    );
    // trigger + polls, job polls, config read, disk list, NIC and VM each read then created (+ polls), extension +
    // polls, deletes: bounded, no N+1.
    expect(arm.length).toBeLessThanOrEqual(24);
  });
});
