import type { FullOperationResponse } from '@azure/core-client';
import { startTestAzure, type TestAzure } from '../support/azure';
import { eventually, names, RG, SUB, VAULT } from './recoveryServices.support';

/** Recovery points and Restore (disks): a real LRO whose job leaves disks and staging blobs in the world. */
describe('Recovery Services sandbox: recovery points and restore', () => {
  let azure: TestAzure;
  const staging = (account = 'stagingeastasia01', rg = 'rg-staging') =>
    `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/${account}`;
  const points = async (vm: string, filter?: string) => {
    const n = names(vm);
    const out: any[] = [];
    for await (const rp of azure.clients.backup.recoveryPoints.list(VAULT, RG, 'Azure', n.container, n.item, {
      filter,
    }))
      out.push(rp);
    return out;
  };
  /** Restores disks and returns the Restore job id, read from the operation-status polls (the SDK's result is void). */
  const restore = async (vm: string, rpName: string, over: Record<string, unknown> = {}) => {
    const n = names(vm);
    let jobId: string | undefined;
    const statuses: number[] = [];
    const onResponse = (r: FullOperationResponse) => {
      statuses.push(r.status);
      const id = (r.parsedBody as any)?.properties?.jobId;
      if (id) jobId = id;
    };
    await azure.clients.backup.restores.beginTriggerAndWait(
      VAULT,
      RG,
      'Azure',
      n.container,
      n.item,
      rpName,
      {
        properties: {
          objectType: 'IaasVMRestoreRequest',
          recoveryPointId: rpName,
          recoveryType: 'RestoreDisks',
          sourceResourceId: n.vmId,
          targetResourceGroupId: `/subscriptions/${SUB}/resourceGroups/rg-restore`,
          storageAccountId: staging(),
          region: 'eastasia',
          createNewCloudService: true,
          originalStorageAccountOption: false,
          ...over,
        } as any,
      },
      { onResponse, updateIntervalInMs: 10 },
    );
    return { jobId: jobId!, statuses };
  };
  const finished = (jobId: string) =>
    eventually(async () => {
      const j = await azure.clients.backup.jobDetails.get(VAULT, RG, jobId);
      return j.properties?.status === 'InProgress' ? undefined : (j.properties as any);
    });
  const blob = (account: string, container: string, name: string) => {
    const b = azure.sandbox.world.blobs[account]?.[container]?.[name];
    return b ? JSON.parse(Buffer.from(b.content, 'base64').toString('utf8')) : undefined;
  };

  beforeAll(async () => {
    azure = await startTestAzure();
  });
  afterAll(() => azure.close());

  it('lists recovery points newest first within a date range, without key material', async () => {
    const all = await points('vm-db-01');
    expect(all).toHaveLength(14);
    const times = all.map((rp) => Date.parse(rp.properties.recoveryPointTime));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(
      all.every(
        (rp) => rp.properties.objectType === 'IaasVMRecoveryPoint' && rp.properties.isSourceVMEncrypted === true,
      ),
    ).toBe(true);
    expect(all.some((rp) => rp.properties.keyAndSecret)).toBe(false);
    const legacy = await points(
      'vm-legacy-01',
      "startDate eq '2017-03-01 12:00:00 AM' and endDate eq '2017-03-31 11:59:59 PM'",
    );
    expect(legacy.map((rp) => rp.properties.recoveryPointTime.toISOString().slice(0, 10))).toEqual([
      '2017-03-22',
      '2017-03-15',
    ]);
  });

  it('gets one recovery point with keyAndSecret (key backup and wrapped BEK)', async () => {
    const [latest] = await points('vm-db-01');
    const n = names('vm-db-01');
    const rp = await azure.clients.backup.recoveryPoints.get(VAULT, RG, 'Azure', n.container, n.item, latest.name);
    const ks = (rp.properties as any).keyAndSecret;
    const world = azure.sandbox.world.recoveryPoints.find((r) => r.vmId === n.vmId && r.name === latest.name)!;
    expect(ks.kekDetails).toEqual({
      keyUrl: world.encryption!.keyUrl,
      keyVaultId: world.encryption!.vaultId,
      keyBackupData: world.keyBackup,
    });
    expect(ks.bekDetails).toEqual({
      secretUrl: world.encryption!.secretUrl,
      secretVaultId: world.encryption!.vaultId,
      secretData: world.secretValue,
    });
    expect(ks.encryptionMechanism).toBe('SinglePass');
    const missing = await azure.clients.backup.recoveryPoints
      .get(VAULT, RG, 'Azure', n.container, n.item, '123')
      .catch((e) => e);
    expect(missing.statusCode).toBe(404);
  });

  it('restores vm-db-01 disks as an LRO; the Restore job leaves disks, the template and the encryption info blob', async () => {
    const [latest] = await points('vm-db-01');
    const mark = azure.sandbox.log.mark();
    const { jobId, statuses } = await restore('vm-db-01', latest.name);
    expect(statuses[0]).toBe(202);
    const routes = azure.requestsSince(mark).map((c) => `${c.routeId} ${c.status}`);
    expect(routes[0]).toBe('restores.trigger 202');
    expect(routes).toContain('protectedItemOperationStatuses.get 200');
    expect(routes[routes.length - 1]).toBe('protectedItemOperationResults.get 204');
    expect(jobId).toBeTruthy();

    const job = await finished(jobId);
    expect(job).toMatchObject({ operation: 'Restore', status: 'Completed', entityFriendlyName: 'vm-db-01' });
    const bag = job.extendedInfo.propertyBag;
    expect(Object.keys(bag).sort()).toEqual(
      [
        'Config Blob Container Name',
        'Config Blob Name',
        'Encryption Info Blob Name',
        'Job Type',
        'Recovery point time',
        'Target Storage Account Name',
        'Target resource group',
        'Template Blob Uri',
      ].sort(),
    );
    expect(bag).toMatchObject({
      'Job Type': 'Recover disks',
      'Target Storage Account Name': 'stagingeastasia01',
      'Target resource group': 'rg-restore',
    });
    const container = bag['Config Blob Container Name'];
    expect(bag['Template Blob Uri']).toMatch(
      new RegExp(`^${azure.sandbox.endpoints.blob}/stagingeastasia01/${container}/`),
    );

    const template = blob('stagingeastasia01', container, bag['Template Blob Uri'].split('/').pop());
    expect(template.metadata.sandboxRestore).toEqual({ restoreJobId: jobId, vault: VAULT });
    expect(Object.keys(template.parameters)).toEqual([
      'VirtualMachineName',
      'VirtualNetwork',
      'VirtualNetworkResourceGroup',
      'Subnet',
      'NetworkInterfaceName',
    ]);
    const vmResource = template.resources.find((r: any) => r.type === 'Microsoft.Compute/virtualMachines');
    const osDiskId = vmResource.properties.storageProfile.osDisk.managedDisk.id as string;
    expect(osDiskId).toMatch(
      /\/resourceGroups\/rg-restore\/providers\/Microsoft\.Compute\/disks\/vm-db-01-osdisk-\d{8}-\d{6}$/,
    );
    expect(vmResource.properties.storageProfile.dataDisks).toHaveLength(1);

    const world = azure.sandbox.world;
    const rp = world.recoveryPoints.find((r) => r.vmId === names('vm-db-01').vmId && r.name === latest.name)!;
    const info = blob('stagingeastasia01', container, bag['Encryption Info Blob Name']);
    expect(info).toEqual({
      OsDiskKeyAndSecretDetails: {
        KeyUrl: rp.encryption!.keyUrl,
        SecretUrl: rp.encryption!.secretUrl,
        KeyVaultId: rp.encryption!.vaultId,
        SecretVaultId: rp.encryption!.vaultId,
        KeyBackupData: rp.keyBackup,
        SecretData: rp.secretValue,
        KeyVaultSecretBackupData: rp.secretBackup,
      },
      EncryptionMechanism: 'SinglePass',
      OsType: 'Linux',
    });
    expect(blob('stagingeastasia01', container, bag['Config Blob Name']).properties.hardwareProfile.vmSize).toBe(
      rp.vmSize,
    );

    const restoredJob = world.jobs.find((j) => j.id === jobId)!;
    expect(restoredJob.recoveryPoint).toBe(latest.name);
    expect(restoredJob.restoredDiskIds).toHaveLength(2);
    const osDisk = world.disks.find((d) => osDiskId.endsWith(`/${d.name}`))!;
    expect(osDisk).toMatchObject({ resourceGroup: 'rg-restore', location: 'eastasia', osType: 'Linux' });
    expect(osDisk.encryption).toMatchObject({
      vaultId: rp.encryption!.vaultId,
      secretUrl: rp.encryption!.secretUrl,
      keyUrl: rp.encryption!.keyUrl,
    });
  });

  it('writes no template for a recovery point before 26 April 2017', async () => {
    const [oldest] = (await points('vm-legacy-01')).slice(-1);
    expect(oldest.properties.recoveryPointTime.toISOString().startsWith('2017-03-15')).toBe(true);
    const { jobId } = await restore('vm-legacy-01', oldest.name);
    const job = await finished(jobId);
    expect(job.status).toBe('Completed');
    const bag = job.extendedInfo.propertyBag;
    expect(bag['Template Blob Uri']).toBeUndefined();
    expect(bag['Encryption Info Blob Name']).toBeTruthy();
    const files = Object.keys(azure.sandbox.world.blobs.stagingeastasia01[bag['Config Blob Container Name']]);
    expect(files.sort()).toEqual([bag['Config Blob Name'], bag['Encryption Info Blob Name']].sort());
    expect(
      blob('stagingeastasia01', bag['Config Blob Container Name'], bag['Encryption Info Blob Name'])
        .EncryptionMechanism,
    ).toBe('DualPass');
  });

  it('refuses a restore the caller may not complete or Azure would not run', async () => {
    const [latest] = await points('vm-db-01');
    const restoreJobs = () => azure.sandbox.world.jobs.filter((j) => j.operation === 'Restore').length;
    const before = restoreJobs();
    const locked = await restore('vm-db-01', latest.name, {
      targetResourceGroupId: `/subscriptions/${SUB}/resourceGroups/rg-restore-locked`,
    }).catch((e) => e);
    expect(locked.statusCode).toBe(403);
    expect(locked.code).toBe('LinkedAuthorizationFailed');
    expect(locked.message).toContain("'Microsoft.Compute/disks/write'");
    expect(locked.message).toContain(`/subscriptions/${SUB}/resourceGroups/rg-restore-locked`);

    const farAway = await restore('vm-db-01', latest.name, { storageAccountId: staging('stagingsea01') }).catch(
      (e) => e,
    );
    expect(farAway.statusCode).toBe(400);
    expect(farAway.code).toBe('StorageAccountLocationMismatch');

    const noAccount = await restore('vm-db-01', latest.name, { storageAccountId: staging('nosuchaccount') }).catch(
      (e) => e,
    );
    expect(noAccount.code).toBe('UserErrorStorageAccountNotFound');

    const replace = await restore('vm-db-01', latest.name, { recoveryType: 'OriginalLocation' }).catch((e) => e);
    expect(replace.statusCode).toBe(400);
    expect(replace.message).toMatch(/Azure Disk Encryption/);
    expect(restoreJobs()).toBe(before);
  });
});
