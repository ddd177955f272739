import { AzureRequestError, UnsupportedVmError } from '../../src/azure/errors';
import { JobOperations } from '../../src/azure/jobs';
import { ProtectionOperations } from '../../src/azure/protection';
import { explain } from '../../src/azure/troubleshooting';
import { VmOperations } from '../../src/azure/vms';
import { job } from '../../src/sandbox/world/records';
import { startTestAzure, type TestAzure } from '../support/azure';
import { armCalls, waitForJob } from '../support/azureOps';

const VAULT = 'rsv-prod-eastasia';
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000);

describe('ProtectionOperations', () => {
  let azure: TestAzure;
  let protection: ProtectionOperations;
  let vms: VmOperations;
  let jobs: JobOperations;
  beforeAll(async () => {
    azure = await startTestAzure();
    protection = new ProtectionOperations(azure.clients);
    vms = new VmOperations(azure.clients);
    jobs = new JobOperations(azure.clients);
  });
  afterAll(() => azure.close());

  it('enables protection for vm-web-01 with the chosen policy and follows it to the ConfigureBackup job', async () => {
    const vm = await vms.get('vm-web-01', 'rg-app');
    await jobs.list(VAULT, {}); // the vault name is resolved once, before the mark
    const mark = azure.sandbox.log.mark();
    const result = await protection.enableProtection({ vm, vault: VAULT, policyName: 'Daily-90d' });
    const calls = armCalls(azure, mark);

    expect(result).toMatchObject({
      vault: VAULT,
      vaultResourceGroup: 'rg-backup',
      containerName: expect.stringMatching(/^iaasvmcontainer;iaasvmcontainerv2;rg-app;vm-web-01$/i),
      protectedItemName: expect.stringMatching(/^vm;iaasvmcontainerv2;rg-app;vm-web-01$/i),
      jobId: expect.any(String),
    });
    const item = azure.sandbox.world.protectedItems.find((p) => p.vmName === 'vm-web-01');
    expect(item).toMatchObject({ vault: VAULT, policyName: 'Daily-90d' });

    // Discovery as the CLI does it, one PUT, then operation polls only.
    const put = calls.findIndex((c) => c.startsWith('PUT '));
    expect(put).toBeGreaterThan(0);
    expect(
      calls.slice(0, put).every((c) => /^GET .*protectable|^POST .*refresh|^GET .*operationResults/i.test(c)),
    ).toBe(true);
    expect(calls.filter((c) => c.startsWith('PUT '))).toHaveLength(1);
    expect(calls.slice(put + 1).length).toBeGreaterThan(0);
    expect(
      calls.slice(put + 1).every((c) => /^GET .*(operationsStatus|backupOperations|operationStatus)/i.test(c)),
    ).toBe(true);

    const job = await waitForJob(jobs, VAULT, result.jobId!);
    expect(job).toMatchObject({ operation: 'ConfigureBackup', vmName: 'vm-web-01' });
    expect((await vms.get('vm-web-01', 'rg-app')).protection).toMatchObject({ vault: VAULT });
  });

  it('backs vm-web-01 up now and the job completes', async () => {
    const vm = await vms.get('vm-web-01', 'rg-app');
    const mark = azure.sandbox.log.mark();
    const { jobId } = await protection.triggerBackup({ vm, retainUntil: inDays(30) });
    const calls = armCalls(azure, mark);
    expect(calls[0]).toMatch(/^POST backups\.trigger/);
    expect(calls.slice(1).length).toBeGreaterThan(0);
    expect(calls.slice(1).every((c) => /^GET .*operationStatuses/i.test(c))).toBe(true);
    const job = await waitForJob(jobs, VAULT, jobId);
    expect(job).toMatchObject({ id: jobId, operation: 'Backup', status: 'Completed', vmName: 'vm-web-01', errors: [] });
  });

  it('explains the failed backup of vm-nogrant-01 with the key vault grant as the fix', async () => {
    const vm = await vms.get('vm-nogrant-01', 'rg-app');
    expect(vm.protection).toBeDefined();
    const { jobId } = await protection.triggerBackup({ vm, retainUntil: inDays(7) });
    const job = await waitForJob(jobs, VAULT, jobId);
    expect(job.status).toBe('Failed');
    expect(job.errors.length).toBeGreaterThan(0);
    for (const locale of ['en', 'zh-TW'] as const) {
      const text = explain(job.errors[0], locale, { vm: vm.name });
      expect(text.code).toBe('KeyVaultPermissionsNotConfigured');
      // The job's error names no key vault (as Azure words it): the grant flow reads it from the VM.
      expect(text.fix).toEqual({ kind: 'grantKeyVaultAccess', keyVault: '' });
    }
  });

  it.each([
    ['vm-classic-01', 'ClassicVmNotSupported'],
    ['vm-bek-01', 'BekOnlyNotSupported'],
    ['vm-db-01', 'AlreadyProtectedByAnotherVault', 'rsv-prod-sea'],
    ['vm-sea-01', 'VaultRegionMismatch'],
  ])('refuses %s (%s) before changing anything', async (name, code, vault = VAULT) => {
    const vm = await vms.get(name);
    const mark = azure.sandbox.log.mark();
    const err = await protection.enableProtection({ vm, vault, policyName: 'DefaultPolicy' }).catch((e) => e);
    expect(err).toBeInstanceOf(UnsupportedVmError);
    expect(err.code).toBe(code);
    expect(armCalls(azure, mark).filter((c) => !c.startsWith('GET '))).toEqual([]);
    expect(explain(err, 'zh-TW').code).toBe(code);
  });

  it('backs up a BEK-only VM when the setting allows it', async () => {
    const vm = await vms.get('vm-bek-01', 'rg-app');
    const result = await protection.enableProtection({
      vm,
      vault: VAULT,
      policyName: 'DefaultPolicy',
      allowBekOnly: true,
    });
    expect(result.jobId).toEqual(expect.any(String));
  });

  it("surfaces a backup Azure refuses with Azure's code, after exactly one POST", async () => {
    const vm = await vms.get('vm-db-01', 'rg-app');
    const running = job(
      VAULT,
      { name: 'vm-db-01', resourceGroup: 'rg-app', subscriptionId: azure.settings.subscriptionId },
      'Backup',
      'InProgress',
      Date.now(),
    );
    azure.sandbox.world.jobs.push(running);
    const mark = azure.sandbox.log.mark();
    const err = await protection.triggerBackup({ vm, retainUntil: inDays(3) }).catch((e) => e);
    running.status = 'Completed';
    expect(err).toBeInstanceOf(AzureRequestError);
    expect(err.code).toBe('UserErrorBackupOperationInProgress');
    expect(armCalls(azure, mark)).toEqual([expect.stringMatching(/^POST /)]);
    expect(explain(err, 'zh-TW')).toMatchObject({ code: 'BackupOperationInProgress', fix: { kind: 'retry' } });
  });

  it('refuses to back up a VM that is not protected, and a retention date in the past', async () => {
    const plain = await vms.get('vm-plain-01', 'rg-app');
    await expect(protection.triggerBackup({ vm: plain, retainUntil: inDays(1) })).rejects.toMatchObject({
      code: 'VmNotProtected',
    });
    const db = await vms.get('vm-db-01', 'rg-app');
    await expect(protection.triggerBackup({ vm: db, retainUntil: inDays(-1) })).rejects.toMatchObject({
      code: 'InvalidInput',
    });
  });
});
