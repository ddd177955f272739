import { AzureRequestError } from '../../src/azure/errors';
import { RestoreOperations } from '../../src/azure/restore';
import type { CreateVmPlan, RestoreJobOutputs } from '../../src/azure/types';
import { startTestAzure, type TestAzure } from '../support/azure';
import { ids, restoreDisksOf } from '../support/restore';

const poll = { pollIntervalMs: 20 };

describe('putting the key and secret back', () => {
  let azure: TestAzure;
  let restore: RestoreOperations;
  beforeAll(async () => {
    azure = await startTestAzure();
    restore = new RestoreOperations(azure.clients);
  });
  afterAll(() => azure.close());

  describe('vm-lostkey-01 (key and secret purged)', () => {
    let outputs: RestoreJobOutputs;
    let plan: CreateVmPlan;
    beforeAll(async () => {
      ({ outputs } = await restoreDisksOf(azure, 'vm-lostkey-01'));
      plan = {
        requestId: 'req-lostkey-1',
        outputs,
        recoveryPointTime: new Date(Date.now() - 86400_000),
        sourceVmName: 'vm-lostkey-01',
        osType: 'Linux',
        targetResourceGroup: 'rg-restore',
        region: 'eastasia',
        subnetId: ids(azure).subnet(),
        encryption: { pass: 'single', keyVault: { id: ids(azure).keyVault('kv-ade-policy') } },
      };
    });

    it('fails to create the VM before the key and secret are back, with the inner Azure code', async () => {
      const err = await restore.createVm(plan, poll).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AzureRequestError);
      const code = (err as AzureRequestError).details.code;
      expect(code).not.toBe('DeploymentFailed');
      expect(code).toMatch(/KeyVault|Secret|Key|Encryption/);
    });

    it('restores key and secret from the encryption info blob, then the VM is created', async () => {
      const kv = { id: ids(azure).keyVault('kv-ade-policy') };
      const putBack = await restore.putBackKeyAndSecret({ restoreJob: outputs }, kv, 'Linux', 'vm-lostkey-01');
      expect(putBack.actions).toEqual(['restored key', 'restored secret']);
      expect(putBack.keyUrl).toMatch(/\/keys\/kek-vm-lostkey-01\//);
      const rp = azure.sandbox.world.recoveryPoints.find((r) => /vm-lostkey-01/.test(r.vmId))!;
      for (const material of [rp.keyBackup!, rp.secretValue!]) expect(JSON.stringify(putBack)).not.toContain(material);
      const kvWorld = azure.sandbox.world.keyVaults.find((k) => k.name === 'kv-ade-policy')!;
      const secretName = putBack.secretUrl.split('/secrets/')[1].split('/')[0];
      const secret = kvWorld.secrets.find((s) => s.name === secretName && s.state === 'active');
      expect(secret).toMatchObject({
        contentType: 'Wrapped BEK',
        tags: expect.objectContaining({
          DiskEncryptionKeyFileName: 'LinuxPassPhraseFileName',
          DiskEncryptionKeyEncryptionAlgorithm: 'RSA-OAEP',
          DiskEncryptionKeyEncryptionKeyURL: putBack.keyUrl,
          MachineName: 'vm-lostkey-01',
        }),
      });

      const created = await restore.createVm({ ...plan, encryption: { ...plan.encryption!, putBack } }, poll);
      const vm = azure.sandbox.world.vms.find((v) => v.name === created.vmName && v.resourceGroup === 'rg-restore');
      expect(vm).toBeDefined();
      expect(azure.sandbox.world.vms.filter((v) => v.name === created.vmName)).toHaveLength(1);
    });
  });

  it('vm-softkey-01: recovers the soft-deleted key and secret instead of restoring them', async () => {
    const { outputs } = await restoreDisksOf(azure, 'vm-softkey-01');
    const mark = azure.sandbox.log.mark();
    const putBack = await restore.putBackKeyAndSecret(
      { restoreJob: outputs },
      { id: ids(azure).keyVault('kv-ade-policy') },
      'Windows',
      'vm-softkey-01',
    );
    expect(putBack.actions).toEqual(['recovered key', 'recovered secret']);
    const requests = azure.requestsSince(mark);
    expect(requests.some((r) => /recover/i.test(`${r.routeId} ${r.path}`))).toBe(true);
    expect(
      requests.filter(
        (r) => /restore/i.test(`${r.routeId} ${r.path}`) || (r.method === 'PUT' && /\/secrets\//.test(r.path)),
      ),
    ).toEqual([]);
    const kvWorld = azure.sandbox.world.keyVaults.find((k) => k.name === 'kv-ade-policy')!;
    expect(kvWorld.keys.find((k) => k.name === 'kek-vm-softkey-01')?.state).toBe('active');
  });
});
