import type { FullOperationResponse } from '@azure/core-client';
import { startTestAzure, type TestAzure } from '../support/azure';
import { API, names, raw, RG, SUB, VAULT, VAULT_ID } from './recoveryServices.support';

/** Discovery and enabling protection, on a clock the test steps (operations take 10 s of sandbox time). */
describe('Recovery Services sandbox: discovery and protection', () => {
  const LRO = 10_000;
  let azure: TestAzure;
  const capture = () => {
    const seen: FullOperationResponse[] = [];
    return { seen, onResponse: (r: FullOperationResponse) => void seen.push(r) };
  };
  const protectable = async (vault = VAULT) => {
    const out: any[] = [];
    for await (const p of azure.clients.backup.backupProtectableItems.list(vault, RG, {
      filter: "backupManagementType eq 'AzureIaasVM'",
    }))
      out.push(p);
    return out;
  };
  const put = (
    vm: string,
    policy: string,
    opts: { vault?: string; rg?: string; onResponse?: (r: FullOperationResponse) => void } = {},
  ) => {
    const n = names(vm, opts.rg);
    const vaultId = VAULT_ID.replace(VAULT, opts.vault ?? VAULT);
    return azure.clients.backup.protectedItems.createOrUpdate(
      opts.vault ?? VAULT,
      RG,
      'Azure',
      n.container,
      n.item,
      {
        properties: {
          protectedItemType: 'Microsoft.Compute/virtualMachines',
          sourceResourceId: n.vmId,
          policyId: `${vaultId}/backupPolicies/${policy}`,
        } as any,
      },
      { onResponse: opts.onResponse },
    );
  };
  const refresh = async (vault = VAULT) => {
    const c = capture();
    await azure.clients.backup.protectionContainers.refresh(vault, RG, 'Azure', { onResponse: c.onResponse });
    azure.sandbox.engine.advance(LRO);
    return c.seen[0];
  };

  beforeAll(async () => {
    azure = await startTestAzure({ timing: { lroMs: LRO } });
  });
  afterAll(() => azure.close());

  it('offers a VM for protection only after a container refresh, and only VMs in the vault region', async () => {
    const before = await protectable();
    expect(before.map((p) => p.properties.friendlyName).sort()).toEqual([
      'vm-agentdown-01',
      'vm-db-01',
      'vm-drift-01',
      'vm-dual-01',
      'vm-lateenc-01',
      'vm-legacy-01',
      'vm-lostkey-01',
      'vm-lostkv-01',
      'vm-nogrant-01',
      'vm-softkey-01',
      'vm-split-01',
      'vm-vhd-01',
    ]);
    expect(before.every((p) => p.properties.protectionState === 'Protected')).toBe(true);

    const c = capture();
    await azure.clients.backup.protectionContainers.refresh(VAULT, RG, 'Azure', { onResponse: c.onResponse });
    const accepted = c.seen[0];
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get('azure-asyncoperation')).toBeUndefined();
    const location = accepted.headers.get('location')!;
    expect(location.startsWith(`${azure.sandbox.endpoints.arm}${VAULT_ID}/backupFabrics/Azure/operationResults/`)).toBe(
      true,
    );
    const opId = new URL(location).pathname.split('/').pop()!;

    const polls: number[] = [];
    const poll = () =>
      azure.clients.backup.protectionContainerRefreshOperationResults.get(VAULT, RG, 'Azure', opId, {
        onResponse: (r) => void polls.push(r.status),
      });
    await poll();
    expect((await protectable()).some((p) => p.properties.friendlyName === 'vm-web-01')).toBe(false);
    azure.sandbox.engine.advance(LRO);
    await poll();
    expect(polls).toEqual([202, 204]);

    const after = await protectable();
    const web = after.find((p) => p.properties.friendlyName === 'vm-web-01');
    expect(web).toMatchObject({
      name: 'iaasvmcontainerv2;rg-app;vm-web-01',
      properties: {
        protectableItemType: 'Microsoft.Compute/virtualMachines',
        protectionState: 'NotProtected',
        virtualMachineId: names('vm-web-01').vmId,
      },
    });
    expect(web.id).toBe(
      `${VAULT_ID}/backupFabrics/Azure/protectionContainers/${names('vm-web-01').container}/protectableItems/${names('vm-web-01').item}`,
    );
    const classic = after.find((p) => p.properties.friendlyName === 'vm-classic-01');
    expect(classic.properties.protectableItemType).toBe('Microsoft.ClassicCompute/virtualMachines');
    expect(classic.id).toContain('/protectionContainers/iaasvmcontainer;iaasvmcontainer;rg-app;vm-classic-01/');
    expect(after.some((p) => p.properties.friendlyName === 'vm-sea-01')).toBe(false);
  });

  it('enables protection for vm-web-01: 202, operation InProgress then Succeeded with the ConfigureBackup job', async () => {
    const c = capture();
    await put('vm-web-01', 'Daily-90d', { onResponse: c.onResponse });
    const res = c.seen[0];
    expect(res.status).toBe(202);
    expect(res.headers.get('retry-after')).toBe('0');
    const n = names('vm-web-01');
    const itemUrl = `${azure.sandbox.endpoints.arm}${VAULT_ID}/backupFabrics/Azure/protectionContainers/${n.container}/protectedItems/${n.item}`;
    const asyncOp = res.headers.get('azure-asyncoperation')!;
    const location = res.headers.get('location')!;
    expect(asyncOp.startsWith(`${itemUrl}/operationsStatus/`)).toBe(true);
    expect(location.startsWith(`${itemUrl}/operationResults/`)).toBe(true);
    expect(asyncOp).toContain(API);
    const opId = new URL(asyncOp).pathname.split('/').pop()!;

    const running = await azure.clients.backup.protectedItemOperationStatuses.get(
      VAULT,
      RG,
      'Azure',
      n.container,
      n.item,
      opId,
    );
    expect(running.status).toBe('InProgress');
    const results: number[] = [];
    await azure.clients.backup.protectedItemOperationResults.get(VAULT, RG, 'Azure', n.container, n.item, opId, {
      onResponse: (r) => void results.push(r.status),
    });
    const notYet = await azure.clients.backup.protectedItems
      .get(VAULT, RG, 'Azure', n.container, n.item)
      .catch((e) => e);
    expect(notYet.statusCode).toBe(404);

    azure.sandbox.engine.advance(LRO);
    const done = await azure.clients.backup.protectedItemOperationStatuses.get(
      VAULT,
      RG,
      'Azure',
      n.container,
      n.item,
      opId,
    );
    expect(done.status).toBe('Succeeded');
    const jobId = (done.properties as any).jobId as string;
    expect(done.properties).toMatchObject({ objectType: 'OperationStatusJobExtendedInfo' });
    const viaVault = await azure.clients.backup.backupOperationStatuses.get(VAULT, RG, opId);
    expect((viaVault.properties as any).jobId).toBe(jobId);
    const vaultResults: number[] = [];
    await azure.clients.backup.backupOperationResults.get(VAULT, RG, opId, {
      onResponse: (r) => void vaultResults.push(r.status),
    });
    expect(vaultResults).toEqual([204]);
    const final = await azure.clients.backup.protectedItemOperationResults.get(
      VAULT,
      RG,
      'Azure',
      n.container,
      n.item,
      opId,
      {
        onResponse: (r) => void results.push(r.status),
      },
    );
    expect(results).toEqual([202, 200]);
    expect((final as any).properties.policyName).toBe('Daily-90d');

    // Names compare case-insensitively, as Azure's do.
    const item = await azure.clients.backup.protectedItems.get(
      VAULT,
      RG,
      'Azure',
      `IaasVMContainer;iaasvmcontainerv2;rg-app;vm-web-01`,
      `VM;iaasvmcontainerv2;rg-app;vm-web-01`,
    );
    expect(item.properties).toMatchObject({
      protectionState: 'IRPending',
      policyName: 'Daily-90d',
      sourceResourceId: n.vmId,
      protectedItemType: 'Microsoft.Compute/virtualMachines',
    });
    const job = await azure.clients.backup.jobDetails.get(VAULT, RG, jobId);
    expect(job.properties).toMatchObject({
      operation: 'ConfigureBackup',
      status: 'Completed',
      entityFriendlyName: 'vm-web-01',
    });
    const status = await azure.clients.backup.backupStatus.get('eastasia', { resourceType: 'VM', resourceId: n.vmId });
    expect(status.protectionStatus).toBe('Protected');
  });

  it('treats enabling the same VM again in the same vault as a policy change', async () => {
    await put('vm-web-01', 'DefaultPolicy');
    azure.sandbox.engine.advance(LRO);
    const n = names('vm-web-01');
    const item = await azure.clients.backup.protectedItems.get(VAULT, RG, 'Azure', n.container, n.item);
    expect((item.properties as any).policyName).toBe('DefaultPolicy');
    expect(azure.sandbox.world.protectedItems.filter((p) => p.vmName === 'vm-web-01')).toHaveLength(1);
    const items: string[] = [];
    for await (const p of azure.clients.backup.backupProtectedItems.list(VAULT, RG, {
      filter: "backupManagementType eq 'AzureIaasVM' and itemType eq 'VM'",
    }))
      items.push(p.name!);
    expect(items).toContain(n.item);
  });

  it('refuses VMs Azure Backup would refuse: another region, classic, unknown, protected elsewhere, not yet discovered', async () => {
    const region = await put('vm-sea-01', 'DefaultPolicy').catch((e) => e);
    expect(region.statusCode).toBe(400);
    expect(region.code).toBe('BMSUserErrorInvalidConfigureProtectionRequest');
    expect(region.message).toContain('southeastasia');

    const classicId = `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.ClassicCompute/virtualMachines/vm-classic-01`;
    const classic = await azure.clients.backup.protectedItems
      .createOrUpdate(
        VAULT,
        RG,
        'Azure',
        'iaasvmcontainer;iaasvmcontainer;rg-app;vm-classic-01',
        'vm;iaasvmcontainer;rg-app;vm-classic-01',
        {
          properties: {
            protectedItemType: 'Microsoft.ClassicCompute/virtualMachines',
            sourceResourceId: classicId,
            policyId: `${VAULT_ID}/backupPolicies/DefaultPolicy`,
          } as any,
        },
      )
      .catch((e) => e);
    expect(classic.statusCode).toBe(400);
    expect(classic.message).toMatch(/classic/i);

    const unknown = await put('vm-ghost-01', 'DefaultPolicy').catch((e) => e);
    expect(unknown.statusCode).toBe(400);

    const w = azure.sandbox.world;
    w.recoveryVaults.push({ name: 'rsv-second-eastasia', resourceGroup: RG, location: 'eastasia' });
    w.policies.push({ ...w.policies[0], vault: 'rsv-second-eastasia' });
    const elsewhere = await put('vm-db-01', 'DefaultPolicy', { vault: 'rsv-second-eastasia' }).catch((e) => e);
    expect(elsewhere.statusCode).toBe(400);
    expect(elsewhere.code).toBe('BMSUserErrorAlreadyProtectedByOtherVault');
    expect(elsewhere.message).toContain('rsv-prod-eastasia');

    const undiscovered = await put('vm-plain-01', 'DefaultPolicy', { vault: 'rsv-second-eastasia' }).catch((e) => e);
    expect(undiscovered.code).toBe('BMSUserErrorInvalidConfigureProtectionRequest');
    expect(undiscovered.message).toMatch(/container exists/);
    await refresh('rsv-second-eastasia');
    const offered = (await protectable('rsv-second-eastasia')).map((p) => p.properties.friendlyName);
    expect(offered).toContain('vm-plain-01');
    expect(offered).not.toContain('vm-db-01');
    const c = capture();
    await put('vm-plain-01', 'DefaultPolicy', { vault: 'rsv-second-eastasia', onResponse: c.onResponse });
    expect(c.seen[0].status).toBe(202);
  });

  it('needs write permission on the VM itself (403 LinkedAuthorizationFailed)', async () => {
    const other = azure.sandbox.world.identities.find((i) => i.name === 'id-other')!;
    azure.sandbox.world.roleAssignments.push({
      name: 'aaaaaaaa-0000-4000-8000-000000000001',
      scope: `/subscriptions/${SUB}/resourceGroups/${RG}`,
      roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/5e467623-bb1f-42f4-a55d-6e525e11384b`,
      principalId: other.objectId,
      principalType: 'ServicePrincipal',
      createdOn: new Date().toISOString(),
    });
    const { token } = azure.sandbox.tokens.issue({
      objectId: other.objectId,
      appId: other.clientId,
      audience: 'https://management.azure.com',
    });
    const n = names('vm-app-02');
    const res = await raw(
      azure,
      'PUT',
      `${VAULT_ID}/backupFabrics/Azure/protectionContainers/${n.container}/protectedItems/${n.item}?${API}`,
      {
        token,
        body: {
          properties: {
            protectedItemType: 'Microsoft.Compute/virtualMachines',
            sourceResourceId: n.vmId,
            policyId: `${VAULT_ID}/backupPolicies/DefaultPolicy`,
          },
        },
      },
    );
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('LinkedAuthorizationFailed');
    expect(res.body.error.message).toContain("'Microsoft.Compute/virtualMachines/write'");
    expect(res.body.error.message).toContain(n.vmId);
  });

  it('stops protection keeping the data, and deletes an item with its recovery points', async () => {
    const soft = names('vm-softkey-01');
    await azure.clients.backup.protectedItems.createOrUpdate(VAULT, RG, 'Azure', soft.container, soft.item, {
      properties: {
        protectionState: 'ProtectionStopped',
        sourceResourceId: soft.vmId,
        protectedItemType: 'Microsoft.Compute/virtualMachines',
      } as any,
    });
    azure.sandbox.engine.advance(LRO);
    const stopped = await azure.clients.backup.protectedItems.get(VAULT, RG, 'Azure', soft.container, soft.item);
    expect((stopped.properties as any).protectionState).toBe('ProtectionStopped');

    const lost = names('vm-lostkv-01');
    const c = capture();
    await azure.clients.backup.protectedItems.delete(VAULT, RG, 'Azure', lost.container, lost.item, {
      onResponse: c.onResponse,
    });
    expect(c.seen[0].status).toBe(202);
    expect(c.seen[0].headers.get('azure-asyncoperation')).toContain('/operationsStatus/');
    azure.sandbox.engine.advance(LRO);
    const gone = await azure.clients.backup.protectedItems
      .get(VAULT, RG, 'Azure', lost.container, lost.item)
      .catch((e) => e);
    expect(gone.statusCode).toBe(404);
    expect(gone.code).toBe('BMSUserErrorObjectNotFound');
    expect(azure.sandbox.world.recoveryPoints.some((r) => r.vmId.endsWith('/vm-lostkv-01'))).toBe(false);
    expect(
      azure.sandbox.world.jobs.some(
        (j) =>
          j.operation === 'DeleteBackupData' && j.entityFriendlyName === 'vm-lostkv-01' && j.status === 'Completed',
      ),
    ).toBe(true);
  });
});
