import type { FullOperationResponse } from '@azure/core-client';
import { startTestAzure, type TestAzure } from '../support/azure';
import { eventually, names, RG, SUB, VAULT, VAULT_ID } from './recoveryServices.support';

/** Backup now: the job's outcome is decided by the world when it ends (key vault grant, VM agent, the VM itself). */
describe('Recovery Services sandbox: backup now', () => {
  let azure: TestAzure;
  const BMS_OBJECT_ID = '66666666-6666-4666-8666-666666666601';

  /** Triggers a backup and follows the operation to its job id, as the Azure CLI does. */
  const backupNow = async (vm: string) => {
    const n = names(vm);
    const seen: FullOperationResponse[] = [];
    await azure.clients.backup.backups.trigger(
      VAULT,
      RG,
      'Azure',
      n.container,
      n.item,
      {
        properties: {
          objectType: 'IaasVMBackupRequest',
          recoveryPointExpiryTimeInUTC: new Date(Date.now() + 7 * 86_400_000),
        },
      },
      { onResponse: (r) => void seen.push(r) },
    );
    expect(seen[0].status).toBe(202);
    const opId = new URL(seen[0].headers.get('azure-asyncoperation')!).pathname.split('/').pop()!;
    expect(seen[0].headers.get('location')).toContain(`/operationResults/${opId}`);
    const op = await eventually(async () => {
      const s = await azure.clients.backup.protectedItemOperationStatuses.get(
        VAULT,
        RG,
        'Azure',
        n.container,
        n.item,
        opId,
      );
      return s.status === 'InProgress' ? undefined : s;
    });
    expect(op.status).toBe('Succeeded');
    return (op.properties as any).jobId as string;
  };
  const jobWhenDone = (jobId: string) =>
    eventually(async () => {
      const j = await azure.clients.backup.jobDetails.get(VAULT, RG, jobId);
      return j.properties?.status === 'InProgress' ? undefined : (j.properties as any);
    });
  const protect = async (vm: string) => {
    const n = names(vm);
    await azure.clients.backup.protectionContainers.refresh(VAULT, RG, 'Azure');
    await eventually(
      async () => (
        azure.sandbox.engine.settle(),
        azure.sandbox.world.recoveryVaults[0].discoveredVmIds ? true : undefined
      ),
    );
    await azure.clients.backup.protectedItems.createOrUpdate(VAULT, RG, 'Azure', n.container, n.item, {
      properties: {
        protectedItemType: 'Microsoft.Compute/virtualMachines',
        sourceResourceId: n.vmId,
        policyId: `${VAULT_ID}/backupPolicies/DefaultPolicy`,
      } as any,
    });
    await eventually(
      async () => (azure.sandbox.engine.settle(), azure.sandbox.world.protectedItems.find((p) => p.vmName === vm)),
    );
  };

  beforeAll(async () => {
    azure = await startTestAzure({ timing: { jobMs: 400 } });
    await protect('vm-web-01');
    await protect('vm-noagent-01');
    await protect('vm-rbac-01');
  });
  afterAll(() => azure.close());

  it('backs vm-web-01 up: the job runs, completes, and leaves a recovery point carrying the key and secret', async () => {
    const jobId = await backupNow('vm-web-01');
    const running = await azure.clients.backup.jobDetails.get(VAULT, RG, jobId);
    expect(running.properties).toMatchObject({
      jobType: 'AzureIaaSVMJob',
      operation: 'Backup',
      status: 'InProgress',
      isUserTriggered: true,
    });
    expect((running.properties as any).actionsInfo).toEqual(['Cancellable']);

    const n = names('vm-web-01');
    const again = await azure.clients.backup.backups
      .trigger(VAULT, RG, 'Azure', n.container, n.item, { properties: { objectType: 'IaasVMBackupRequest' } })
      .catch((e) => e);
    expect(again.statusCode).toBe(400);
    expect(again.code).toBe('UserErrorBackupOperationInProgress');

    const done = await jobWhenDone(jobId);
    expect(done.status).toBe('Completed');
    expect(done.extendedInfo.progressPercentage).toBe(100);
    expect(done.duration).toMatch(/^\d{2}:\d{2}:\d{2}\.\d{7}$/);
    const points = [];
    for await (const rp of azure.clients.backup.recoveryPoints.list(VAULT, RG, 'Azure', n.container, n.item))
      points.push(rp);
    expect(points).toHaveLength(1);
    expect((points[0].properties as any).isSourceVMEncrypted).toBe(true);
    const rp = azure.sandbox.world.recoveryPoints.find((r) => r.vmId === n.vmId)!;
    expect(rp.keyBackup).toBeTruthy();
    expect(rp.secretValue).toBeTruthy();
    const item = await azure.clients.backup.protectedItems.get(VAULT, RG, 'Azure', n.container, n.item);
    expect(item.properties).toMatchObject({ protectionState: 'Protected', lastBackupStatus: 'Completed' });
  });

  it('fails vm-nogrant-01 with the key vault permission error until Backup Management Service is granted', async () => {
    const failed = await jobWhenDone(await backupNow('vm-nogrant-01'));
    expect(failed.status).toBe('Failed');
    // Real-shaped (AzureIaaSVMErrorInfo): an integer code, the docs' message (no key vault named in it), the entity
    // as errorTitle.
    expect(failed.errorDetails[0]).toMatchObject({
      errorCode: expect.any(Number),
      errorTitle: 'vm-nogrant-01',
      errorString: "Backup doesn't have sufficient permissions to the key vault for backup of encrypted VMs.",
    });
    expect(failed.errorDetails[0].errorString).not.toContain('kv-ade-nogrant');
    expect(failed.actionsInfo).toEqual(['Retriable']);
    expect(failed.extendedInfo.dynamicErrorMessage).toBe(failed.errorDetails[0].errorString);

    // The key vault provider is another module's: grant the access policy straight in the world.
    const kv = azure.sandbox.world.keyVaults.find((k) => k.name === 'kv-ade-nogrant')!;
    kv.accessPolicies.push({
      tenantId: azure.sandbox.world.tenantId,
      objectId: BMS_OBJECT_ID,
      permissions: { keys: ['get', 'list', 'backup'], secrets: ['get', 'list', 'backup'] },
    });
    const ok = await jobWhenDone(await backupNow('vm-nogrant-01'));
    expect(ok.status).toBe('Completed');
  });

  it('judges RBAC key vaults by role assignments for Backup Management Service', async () => {
    expect((await jobWhenDone(await backupNow('vm-rbac-01'))).status).toBe('Failed');
    const kvId = `/subscriptions/${SUB}/resourceGroups/rg-keys/providers/Microsoft.KeyVault/vaults/kv-ade-rbac`;
    azure.sandbox.world.roleAssignments.push({
      name: 'bbbbbbbb-0000-4000-8000-000000000001',
      scope: kvId,
      roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/00482a5a-887f-4fb3-b363-3b7fe8e74483`,
      principalId: BMS_OBJECT_ID,
      principalType: 'ServicePrincipal',
      createdOn: new Date().toISOString(),
    });
    expect((await jobWhenDone(await backupNow('vm-rbac-01'))).status).toBe('Completed');
  });

  it('fails vm-noagent-01 with the guest agent error, and a deleted VM with BCMV2VMNotFound', async () => {
    const agent = await jobWhenDone(await backupNow('vm-noagent-01'));
    expect(agent.status).toBe('Failed');
    expect(agent.errorDetails[0]).toMatchObject({
      errorTitle: 'vm-noagent-01',
      errorString: 'VM Agent unable to communicate with Azure Backup',
    });
    expect(typeof agent.errorDetails[0].errorCode).toBe('number');
    expect(agent.errorDetails[0].recommendations.length).toBeGreaterThan(0);

    const jobId = await backupNow('vm-lostkey-01');
    const w = azure.sandbox.world;
    w.vms = w.vms.filter((v) => v.name !== 'vm-lostkey-01');
    const gone = await jobWhenDone(jobId);
    expect(gone.errorDetails[0]).toMatchObject({
      errorCode: 400094,
      errorTitle: 'vm-lostkey-01',
      errorString: "The virtual machine doesn't exist",
    });
    const n = names('vm-lostkey-01');
    const item = await azure.clients.backup.protectedItems.get(VAULT, RG, 'Azure', n.container, n.item);
    expect(item.properties).toMatchObject({
      lastBackupStatus: 'Failed',
      protectionState: 'ProtectionError',
      healthStatus: 'ActionRequired',
    });
  });

  it('refuses a backup request that is not an IaasVMBackupRequest or whose expiry has passed', async () => {
    const n = names('vm-db-01');
    const err = await azure.clients.backup.backups
      .trigger(VAULT, RG, 'Azure', n.container, n.item, {
        properties: { objectType: 'IaasVMBackupRequest', recoveryPointExpiryTimeInUTC: new Date('2020-01-01') },
      })
      .catch((e) => e);
    expect(err.statusCode).toBe(400);
    expect(err.code).toBe('BMSUserErrorInvalidInput');
  });
});
