import { RestoreOperations } from '../../src/azure/restore';
import { explain } from '../../src/azure/troubleshooting';
import type { CreateVmPlan, RestoreJobOutputs } from '../../src/azure/types';
import { startTestAzure, type TestAzure } from '../support/azure';
import { ids, restoreDisksOf } from '../support/restore';

/**
 * The VM is built from the approved plan: through the compute API by default; the restore job's template (writable by
 * anyone with blob access to the staging account) only if it holds exactly the plan's NIC and VM. Creates never take
 * over an existing NIC or VM (If-None-Match: *), unless this very restore made it (a resumed run).
 */
describe('VM from the plan (vm-db-01)', () => {
  let azure: TestAzure;
  let restore: RestoreOperations;
  let outputs: RestoreJobOutputs;
  const poll = { pollIntervalMs: 20 };

  const plan = (over: Partial<CreateVmPlan>): CreateVmPlan => ({
    requestId: 'req-plan-1',
    outputs,
    recoveryPointTime: new Date(Date.now() - 86400_000),
    sourceVmName: 'vm-db-01',
    osType: 'Linux',
    targetResourceGroup: 'rg-restore',
    region: 'eastasia',
    subnetId: ids(azure).subnet('snet-restore'),
    encryption: { pass: 'single', keyVault: { id: ids(azure).keyVault('kv-ade-policy') } },
    ...over,
  });

  /** The staged template as the restore job wrote it, for tampering. */
  const templateBlob = () => {
    const uri = new URL(outputs.templateBlobUri!);
    const [container, blob] = uri.pathname.split('/').filter(Boolean).slice(-2);
    return azure.sandbox.world.blobs.stagingeastasia01[container][blob];
  };
  const readTemplate = () => JSON.parse(Buffer.from(templateBlob().content, 'base64').toString('utf8'));
  const writeTemplate = (t: unknown) => {
    templateBlob().content = Buffer.from(JSON.stringify(t)).toString('base64');
  };

  beforeAll(async () => {
    azure = await startTestAzure();
    restore = new RestoreOperations(azure.clients);
    ({ outputs } = await restoreDisksOf(azure, 'vm-db-01'));
  });
  afterAll(() => azure.close());

  const original = () => readTemplate();
  const tampered: [string, (t: any) => void, RegExp][] = [
    [
      'an extra resource (a public IP)',
      (t) =>
        t.resources.push({
          type: 'Microsoft.Network/publicIPAddresses',
          apiVersion: '2023-09-01',
          name: 'pip-evil',
          location: 'eastasia',
          properties: {},
        }),
      /type 'microsoft\.network\/publicipaddresses'/,
    ],
    [
      'an extension on the VM (child resource)',
      (t) =>
        (t.resources.find((r: any) => /virtualMachines$/.test(r.type)).resources = [
          {
            type: 'extensions',
            name: 'run',
            apiVersion: '2023-09-01',
            location: 'eastasia',
            properties: { publisher: 'Microsoft.Compute', type: 'CustomScriptExtension' },
          },
        ]),
      /child resources/,
    ],
    [
      'an extension as a top-level resource',
      (t) =>
        t.resources.push({
          type: 'Microsoft.Compute/virtualMachines/extensions',
          name: "[concat(parameters('VirtualMachineName'), '/run')]",
          apiVersion: '2023-09-01',
          location: 'eastasia',
          properties: {},
        }),
      /virtualmachines\/extensions/,
    ],
    [
      'a nested deployment',
      (t) =>
        t.resources.push({
          type: 'Microsoft.Resources/deployments',
          apiVersion: '2022-09-01',
          name: 'nested',
          properties: { mode: 'Incremental', template: { resources: [] } },
        }),
      /microsoft\.resources\/deployments/,
    ],
    [
      'a VM of another name',
      (t) => (t.resources.find((r: any) => /virtualMachines$/.test(r.type)).name = 'vm-db-01'),
      /names a virtualmachines 'vm-db-01', not the plan's 'vm-db-01-restored'/,
    ],
    [
      'a NIC in another resource group',
      (t) => (t.resources.find((r: any) => /networkInterfaces$/.test(r.type)).resourceGroup = 'rg-app'),
      /outside the plan's resource group 'rg-restore'/,
    ],
  ];

  it.each(tampered)('refuses a template with %s, deploying nothing', async (_what, tamper, why) => {
    const clean = original();
    const t = structuredClone(clean);
    tamper(t);
    writeTemplate(t);
    const before = {
      deployments: azure.sandbox.world.deployments.length,
      vms: azure.sandbox.world.vms.length,
      nics: azure.sandbox.world.networkInterfaces.length,
    };
    const err = await restore
      .createVm(plan({ path: 'template', vmName: 'vm-db-01-restored' }), poll)
      .catch((e: unknown) => e);
    writeTemplate(clean);
    expect((err as { code?: string }).code).toBe('RestoreTemplateRefused');
    expect((err as Error).message).toMatch(why);
    expect(azure.sandbox.world.deployments.length).toBe(before.deployments);
    expect(azure.sandbox.world.vms.length).toBe(before.vms);
    expect(azure.sandbox.world.networkInterfaces.length).toBe(before.nics);
    const en = explain(err, 'en');
    expect(en).toMatchObject({ code: 'RestoreTemplateRefused', title: "The restore job's template was refused" });
    expect(en.cause).toMatch(why);
    expect(explain(err, 'zh-TW').title).toBe('已拒絕還原作業的範本');
  });

  it("deploys the untouched template, which holds exactly the plan's NIC and VM", async () => {
    const created = await restore.createVm(
      plan({ path: 'template', vmName: 'vm-db-01-tpl', requestId: 'req-tpl' }),
      poll,
    );
    expect(created).toMatchObject({ path: 'template', vmName: 'vm-db-01-tpl' });
    expect(azure.sandbox.world.networkInterfaces.some((n) => n.name === 'vm-db-01-tpl-nic')).toBe(true);
    // The same restore, resumed, deploys again over what it made (its tag); another restore is refused.
    await expect(
      restore.createVm(plan({ path: 'template', vmName: 'vm-db-01-tpl', requestId: 'req-tpl' }), poll),
    ).resolves.toMatchObject({ vmName: 'vm-db-01-tpl' });
    const other = await restore
      .createVm(plan({ path: 'template', vmName: 'vm-db-01-tpl', requestId: 'req-tpl-other' }), poll)
      .catch((e: unknown) => e);
    expect((other as { code?: string }).code).toBe('RestoreTargetExists');
  });

  it("never takes over an existing NIC named like the new VM's: refused, the NIC stays where it was", async () => {
    const subnetOfApp = ids(azure).subnet('snet-app');
    azure.sandbox.world.networkInterfaces.push({
      name: 'vm-db-01-taken-nic',
      resourceGroup: 'rg-restore',
      location: 'eastasia',
      subnetId: subnetOfApp,
    });
    const err = await restore
      .createVm(plan({ vmName: 'vm-db-01-taken', requestId: 'req-taken' }), poll)
      .catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('RestoreTargetExists');
    expect(explain(err, 'en').cause).toMatch(/NIC named 'vm-db-01-taken-nic' already exists in 'rg-restore'/);
    const nic = azure.sandbox.world.networkInterfaces.find((n) => n.name === 'vm-db-01-taken-nic')!;
    expect(nic.subnetId).toBe(subnetOfApp);
    expect(azure.sandbox.world.vms.some((v) => v.name === 'vm-db-01-taken')).toBe(false);
  });

  it("never overwrites an existing VM of the plan's name that another restore made", async () => {
    // Fresh restored disks (the ones above are attached by now).
    const fresh = (await restoreDisksOf(azure, 'vm-db-01')).outputs;
    await restore.createVm(plan({ vmName: 'vm-db-01-once', requestId: 'req-once', outputs: fresh }), poll);
    const err = await restore
      .createVm(
        plan({ vmName: 'vm-db-01-once', nicName: 'vm-db-01-other-nic', requestId: 'req-other', outputs: fresh }),
        poll,
      )
      .catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('RestoreTargetExists');
    expect((err as Error).message).toMatch(/VM named 'vm-db-01-once'/);
    expect(azure.sandbox.world.networkInterfaces.some((n) => n.name === 'vm-db-01-other-nic')).toBe(false);
    // The same restore, resumed, updates what it made.
    await expect(
      restore.createVm(plan({ vmName: 'vm-db-01-once', requestId: 'req-once', outputs: fresh }), poll),
    ).resolves.toMatchObject({ vmName: 'vm-db-01-once', path: 'compute' });
  });

  it('sandbox: a PUT with If-None-Match: * on an existing NIC is refused with 412 and an ARM error body', async () => {
    const err = await azure.clients.network.networkInterfaces
      .createOrUpdate(
        'rg-restore',
        'vm-db-01-taken-nic',
        {
          location: 'eastasia',
          ipConfigurations: [{ name: 'ipconfig1', subnet: { id: ids(azure).subnet('snet-restore') } }],
        },
        { requestOptions: { headers: { 'If-None-Match': '*' } } },
      )
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ statusCode: 412, code: 'PreconditionFailed' });
    const vmErr = await azure.clients.compute.virtualMachines
      .createOrUpdate(
        'rg-restore',
        'vm-db-01-once',
        { location: 'eastasia', storageProfile: { osDisk: { createOption: 'Attach', managedDisk: { id: 'x' } } } },
        { ifNoneMatch: '*' },
      )
      .catch((e: unknown) => e);
    expect(vmErr).toMatchObject({ statusCode: 412, code: 'PreconditionFailed' });
  });
});
