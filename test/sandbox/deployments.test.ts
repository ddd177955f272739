import { randomUUID } from 'node:crypto';
import https from 'node:https';
import type { DiskKeyRef } from '../../src/sandbox/world/types';
import { startTestAzure, type TestAzure } from '../support/azure';

const RG = 'rg-restore';
/** Retry-After: 0 is ignored by core-lro (falsy), which would poll every 2 s; tests poll fast instead. */
const FAST_POLL = { updateIntervalInMs: 5 };

describe('sandbox deployments: templates written by restore jobs', () => {
  let azure: TestAzure;
  let sub: string;
  beforeAll(async () => {
    azure = await startTestAzure();
    sub = azure.settings.subscriptionId;
  });
  afterAll(() => azure.close());

  const deployments = () => azure.clients.deployments.deployments;
  const keysOf = (vm: string): DiskKeyRef => azure.sandbox.world.vms.find((v) => v.name === vm)!.encryption!;

  /** What a sandbox restore job leaves behind: a completed Restore job and its disks (OS disk keeps its ADE settings). */
  function restoredDisks(prefix: string, keysFrom: string): { jobId: string; osDiskId: string; dataDiskId: string } {
    const world = azure.sandbox.world;
    const jobId = randomUUID();
    const id = (name: string) => `/subscriptions/${sub}/resourceGroups/${RG}/providers/Microsoft.Compute/disks/${name}`;
    const k = keysOf(keysFrom);
    world.disks.push(
      {
        name: `${prefix}-os`,
        resourceGroup: RG,
        location: 'eastasia',
        osType: 'Linux',
        sizeGb: 128,
        encryption: { ...k, version: '1.1' },
      },
      { name: `${prefix}-data0`, resourceGroup: RG, location: 'eastasia', sizeGb: 256 },
    );
    const now = new Date().toISOString();
    world.jobs.push({
      vault: 'rsv-prod-eastasia',
      id: jobId,
      operation: 'Restore',
      status: 'Completed',
      entityFriendlyName: 'vm-db-01',
      vmId: `/subscriptions/${sub}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-db-01`,
      startTime: now,
      endTime: now,
      isUserTriggered: true,
      errorDetails: [],
      propertyBag: {},
      dueAt: Date.now(),
      restoredDiskIds: [id(`${prefix}-os`), id(`${prefix}-data0`)],
    });
    return { jobId, osDiskId: id(`${prefix}-os`), dataDiskId: id(`${prefix}-data0`) };
  }

  /** The restore-job template contract; `nicRef` adds the networkProfile the Recovery Services provider writes. */
  const template = (r: { jobId: string; osDiskId: string; dataDiskId: string }, nicRef = false) => ({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    metadata: { sandboxRestore: { restoreJobId: r.jobId, vault: 'rsv-prod-eastasia' } },
    parameters: {
      VirtualMachineName: { type: 'string' },
      VirtualNetwork: { type: 'string' },
      VirtualNetworkResourceGroup: { type: 'string' },
      Subnet: { type: 'string' },
      NetworkInterfaceName: { type: 'string' },
    },
    resources: [
      {
        type: 'Microsoft.Network/networkInterfaces',
        apiVersion: '2024-05-01',
        name: "[parameters('NetworkInterfaceName')]",
        location: 'eastasia',
        properties: {
          ipConfigurations: [
            {
              name: 'ipconfig1',
              properties: {
                privateIPAllocationMethod: 'Dynamic',
                subnet: {
                  id: "[resourceId(parameters('VirtualNetworkResourceGroup'), 'Microsoft.Network/virtualNetworks/subnets', parameters('VirtualNetwork'), parameters('Subnet'))]",
                },
              },
            },
          ],
        },
      },
      {
        type: 'Microsoft.Compute/virtualMachines',
        apiVersion: '2024-07-01',
        name: "[parameters('VirtualMachineName')]",
        location: 'eastasia',
        dependsOn: ["[resourceId('Microsoft.Network/networkInterfaces', parameters('NetworkInterfaceName'))]"],
        properties: {
          hardwareProfile: { vmSize: 'Standard_D2s_v5' },
          storageProfile: {
            osDisk: { osType: 'Linux', createOption: 'Attach', managedDisk: { id: r.osDiskId } },
            dataDisks: [{ lun: 0, createOption: 'Attach', managedDisk: { id: r.dataDiskId } }],
          },
          ...(nicRef
            ? {
                networkProfile: {
                  networkInterfaces: [
                    {
                      id: "[resourceId('Microsoft.Network/networkInterfaces', parameters('NetworkInterfaceName'))]",
                      properties: { primary: true },
                    },
                  ],
                },
              }
            : {}),
        },
      },
    ],
  });
  const params = (vmName: string, nic: string) => ({
    VirtualMachineName: { value: vmName },
    VirtualNetwork: { value: 'vnet-app-eastasia' },
    VirtualNetworkResourceGroup: { value: 'rg-app' },
    Subnet: { value: 'snet-restore' },
    NetworkInterfaceName: { value: nic },
  });

  it('refuses a VM template no sandbox restore job wrote, and a stale restore template', async () => {
    // Without the restore marker a template is a general one (infra/), where VMs are not a deployable type.
    const plain = {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      resources: [
        { type: 'Microsoft.Compute/virtualMachines', apiVersion: '2024-07-01', name: 'vm-x', location: 'eastasia' },
      ],
    };
    await expect(
      deployments().createOrUpdate(RG, 'not-ours', { properties: { mode: 'Incremental', template: plain } }, FAST_POLL),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'InvalidTemplate',
    });
    const stale = template({ jobId: randomUUID(), osDiskId: 'x', dataDiskId: 'y' });
    await expect(
      deployments().createOrUpdate(
        RG,
        'not-ours',
        { properties: { mode: 'Incremental', template: stale, parameters: params('vm-x', 'nic-x') } },
        FAST_POLL,
      ),
    ).rejects.toMatchObject({
      code: 'InvalidTemplate',
      message: expect.stringContaining('was not found'),
    });
  });

  it('names a missing parameter', async () => {
    const r = restoredDisks('restored-p', 'vm-web-01');
    const { Subnet: _omitted, ...partial } = params('vm-p', 'nic-p');
    await expect(
      deployments().createOrUpdate(
        RG,
        'missing-param',
        { properties: { mode: 'Incremental', template: template(r), parameters: partial } },
        FAST_POLL,
      ),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'InvalidTemplate',
      message: expect.stringContaining("'Subnet'"),
    });
  });

  it('deploys a restore template inline: NIC in the chosen subnet, VM attaching the restored disks', async () => {
    const r = restoredDisks('restored-a', 'vm-web-01');
    const result = await deployments().createOrUpdate(
      RG,
      'restore-a',
      {
        properties: {
          mode: 'Incremental',
          template: template(r),
          parameters: params('vm-restored-a', 'nic-restored-a'),
        },
      },
      FAST_POLL,
    );
    expect(result.properties?.provisioningState).toBe('Succeeded');

    const vm = await azure.clients.compute.virtualMachines.get(RG, 'vm-restored-a', { expand: 'instanceView' });
    expect(vm.storageProfile?.osDisk?.managedDisk?.id).toBe(r.osDiskId);
    expect(vm.storageProfile?.dataDisks?.[0]?.managedDisk?.id).toBe(r.dataDiskId);
    expect(vm.instanceView?.disks?.[0]?.encryptionSettings?.[0]?.diskEncryptionKey?.secretUrl).toBe(
      keysOf('vm-web-01').secretUrl,
    );
    const nic = await azure.clients.network.networkInterfaces.get(RG, 'nic-restored-a');
    expect(nic.ipConfigurations?.[0]?.subnet?.id).toMatch(/vnet-app-eastasia\/subnets\/snet-restore$/);
    expect(nic.virtualMachine?.id).toBe(vm.id);

    const d = await deployments().get(RG, 'restore-a');
    expect(d.properties?.parameters).toMatchObject({ VirtualMachineName: { type: 'String', value: 'vm-restored-a' } });
    expect((d.properties as any)?.outputResources?.map((o: { id: string }) => o.id)).toEqual([nic.id, vm.id]);
  });

  it('deploys from a templateLink to the staging blob, ignoring the SAS', async () => {
    const r = restoredDisks('restored-b', 'vm-web-01');
    azure.sandbox.world.blobs.stagingeastasia01['vm-db-01-restore'] = {
      'azuredeploy.json': {
        content: Buffer.from(JSON.stringify(template(r, true))).toString('base64'),
        contentType: 'application/json',
        createdOn: new Date().toISOString(),
      },
    };
    const uri = `${azure.sandbox.endpoints.blob}/stagingeastasia01/vm-db-01-restore/azuredeploy.json?sv=2024-01-01&sr=b&sp=r&sig=abc`;
    const result = await deployments().createOrUpdate(
      RG,
      'restore-b',
      {
        properties: {
          mode: 'Incremental',
          templateLink: { uri },
          parameters: params('vm-restored-b', 'nic-restored-b'),
        },
      },
      FAST_POLL,
    );
    expect(result.properties?.provisioningState).toBe('Succeeded');
    expect(result.properties?.templateLink?.uri).toBe(uri.split('?')[0]);
    await expect(
      deployments().createOrUpdate(
        RG,
        'restore-c',
        { properties: { mode: 'Incremental', templateLink: { uri: uri.replace('azuredeploy', 'nope') } } },
        FAST_POLL,
      ),
    ).rejects.toMatchObject({
      code: 'InvalidContentLink',
    });
  });

  it('fails the deployment while the restored OS disk names a secret that is not back in the key vault', async () => {
    const r = restoredDisks('restored-lost', 'vm-lostkey-01');
    await expect(
      deployments().createOrUpdate(
        RG,
        'restore-lost',
        {
          properties: {
            mode: 'Incremental',
            template: template(r),
            parameters: params('vm-restored-lost', 'nic-restored-lost'),
          },
        },
        FAST_POLL,
      ),
    ).rejects.toThrow(/DeploymentFailed/);
    const d = await deployments().get(RG, 'restore-lost');
    expect(d.properties?.provisioningState).toBe('Failed');
    expect((d.properties as any).error).toMatchObject({
      code: 'DeploymentFailed',
      details: [{ code: 'KeyVaultSecretDoesNotExist' }],
    });
    expect(azure.sandbox.world.vms.some((v) => v.name === 'vm-restored-lost')).toBe(false);
    expect(azure.sandbox.world.disks.find((x) => x.name === 'restored-lost-os')?.managedBy).toBeUndefined();
  });

  it('needs deployments/write on the target resource group', async () => {
    const r = restoredDisks('restored-locked', 'vm-web-01');
    await expect(
      deployments().createOrUpdate(
        'rg-restore-locked',
        'restore-locked',
        { properties: { mode: 'Incremental', template: template(r), parameters: params('vm-l', 'nic-l') } },
        FAST_POLL,
      ),
    ).rejects.toMatchObject({
      statusCode: 403,
      code: 'AuthorizationFailed',
      message: expect.stringContaining("'Microsoft.Resources/deployments/write'"),
    });
  });

  it('checks in preflight that the caller may write every resource of the template', async () => {
    const r = restoredDisks('restored-pre', 'vm-web-01');
    const world = azure.sandbox.world;
    const saved = [...world.roleAssignments];
    // Network Contributor alone still allows deployments/write in rg-restore, but not virtualMachines/write.
    world.roleAssignments = saved.filter(
      (a) =>
        !(
          a.scope.endsWith('/resourceGroups/rg-restore') &&
          a.roleDefinitionId.endsWith('9980e02c-c2be-4d73-94e8-173b1dc7cf3c')
        ),
    );
    try {
      await expect(
        deployments().createOrUpdate(
          RG,
          'restore-pre',
          { properties: { mode: 'Incremental', template: template(r), parameters: params('vm-pre', 'nic-pre') } },
          FAST_POLL,
        ),
      ).rejects.toMatchObject({
        statusCode: 403,
        code: 'InvalidTemplateDeployment',
        message: expect.stringContaining("'Microsoft.Compute/virtualMachines/write'"),
      });
    } finally {
      world.roleAssignments = saved;
    }
    expect(world.networkInterfaces.some((n) => n.name === 'nic-pre')).toBe(false);
  });

  it('is retried by the SDK through an injected 5xx', async () => {
    const mark = azure.sandbox.log.mark();
    azure.sandbox.faults.add({ routeId: 'deployments.get', kind: 'error', status: 503, times: 1 });
    const d = await deployments().get(RG, 'restore-a');
    expect(d.properties?.provisioningState).toBe('Succeeded');
    const gets = azure.requestsSince(mark).filter((x) => x.routeId === 'deployments.get');
    expect(gets.map((x) => x.status)).toEqual([503, 200]);
  });

  it('refuses an api-version Microsoft.Resources does not publish', async () => {
    const token = (await azure.credential.getToken('https://management.azure.com/.default'))!.token;
    const res = await new Promise<{ status: number; body: any }>((resolve, reject) => {
      const url = `${azure.sandbox.endpoints.arm}/subscriptions/${sub}/resourcegroups/${RG}/providers/Microsoft.Resources/deployments/restore-a?api-version=2010-01-01`;
      const req = https.request(url, { ca: azure.sandbox.ca, headers: { authorization: `Bearer ${token}` } }, (m) => {
        const chunks: Buffer[] = [];
        m.on('data', (c) => chunks.push(c));
        m.on('end', () => resolve({ status: m.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'InvalidApiVersionParameter' } } });
  });
});
