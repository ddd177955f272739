import { RestoreOperations } from '../../src/azure/restore';
import { startTestAzure, type TestAzure } from '../support/azure';
import { ids, itemOf, restoreDisksOf } from '../support/restore';

/** vm-legacy-01 (Windows, BEK+KEK, dual pass) from a March 2017 point: no template, key and secret from the point. */
describe('restore from a 2017 recovery point (vm-legacy-01, compute path)', () => {
  let azure: TestAzure;
  let restore: RestoreOperations;
  beforeAll(async () => {
    azure = await startTestAzure();
    restore = new RestoreOperations(azure.clients);
  });
  afterAll(() => azure.close());

  it('takes the key and secret from the recovery point and builds NIC and VM, and gives the dual-pass ADE command', async () => {
    const { point, outputs } = await restoreDisksOf(azure, 'vm-legacy-01', (points) =>
      points.find((p) => p.legacyKeyAndSecret)!,
    );
    expect(point.templateRestorable).toBe(false);

    const kv = { id: ids(azure).keyVault('kv-ade-policy') };
    const putBack = await restore.putBackKeyAndSecret(
      { recoveryPoint: { ...itemOf('vm-legacy-01'), recoveryPointName: point.name } },
      kv,
      'Windows',
      'vm-legacy-01',
    );
    expect(putBack.actions).toEqual(['key already present', 'secret already present']);

    const mark = azure.sandbox.log.mark();
    const created = await restore.createVm(
      {
        requestId: 'req-legacy-1',
        outputs,
        recoveryPointTime: point.time,
        sourceVmName: 'vm-legacy-01',
        osType: 'Windows',
        targetResourceGroup: 'rg-restore',
        region: 'eastasia',
        subnetId: ids(azure).subnet(),
        encryption: { pass: 'dual', keyVault: kv, putBack },
      },
      { pollIntervalMs: 20 },
    );
    expect(created.path).toBe('compute');
    const writes = azure
      .requestsSince(mark)
      .filter((r) => r.method === 'PUT')
      .map((r) => r.path);
    // Dual pass: NIC and VM (with the put-back URLs on the VM model), and no extension: the single-pass one would be
    // wrong on these disks and the dual-pass one needs the app's secret. The operator gets the command instead.
    expect(writes).toEqual([
      expect.stringMatching(/\/networkInterfaces\//i),
      expect.stringMatching(/\/virtualMachines\/[^/]+$/i),
    ]);
    const vm = azure.sandbox.world.vms.find((v) => v.name === created.vmName && v.resourceGroup === 'rg-restore')!;
    expect(vm.encryption).toMatchObject({ pass: 'dual', secretUrl: putBack.secretUrl, keyUrl: putBack.keyUrl });
    expect(vm.extensions).toEqual([]);
    expect(created.adeCommand).toContain(`-KeyEncryptionKeyUrl '${putBack.keyUrl}'`);
    expect(created.adeCommand).toMatch(/-AadClientSecret <secret of the Microsoft Entra app> .*-VolumeType Data$/);
  });

  it('refuses the recovery point as key source for points from 11 July 2017 on', async () => {
    const { point } = await restoreDisksOf(azure, 'vm-legacy-01');
    await expect(
      restore.putBackKeyAndSecret(
        { recoveryPoint: { ...itemOf('vm-legacy-01'), recoveryPointName: point.name } },
        { id: ids(azure).keyVault('kv-ade-policy') },
        'Windows',
        'vm-legacy-01',
      ),
    ).rejects.toMatchObject({ code: 'InvalidInput' });
  });
});
