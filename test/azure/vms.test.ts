import { NotFoundError } from '../../src/azure/errors';
import type { VmSummary } from '../../src/azure/types';
import { VmOperations } from '../../src/azure/vms';
import { startTestAzure, type TestAzure } from '../support/azure';
import { armCalls } from '../support/azureOps';

describe('VmOperations', () => {
  let azure: TestAzure;
  let vms: VmOperations;
  beforeAll(async () => {
    azure = await startTestAzure();
    vms = new VmOperations(azure.clients);
  });
  afterAll(() => azure.close());

  type Case = [string, Partial<VmSummary>, Partial<VmSummary['encryption']>];
  const cases: Case[] = [
    ['vm-web-01', { osType: 'Windows', agent: 'ready', protection: undefined }, { kind: 'bek+kek', pass: 'single' }],
    ['vm-app-02', { osType: 'Linux', agent: 'ready' }, { kind: 'bek+kek', pass: 'dual' }],
    ['vm-bek-01', { osType: 'Windows' }, { kind: 'bek', pass: 'single', keyUrl: undefined }],
    ['vm-plain-01', { osType: 'Linux' }, { kind: 'none', sources: [] }],
    ['vm-noagent-01', { agent: 'not-ready' }, { kind: 'bek+kek' }],
    ['vm-sea-01', { location: 'southeastasia' }, { kind: 'bek+kek' }],
  ];

  it.each(cases)('classifies %s', async (name, vm, encryption) => {
    const got = await vms.get(name);
    expect(got).toMatchObject({ name, resourceGroup: 'rg-app', deployment: 'resourceManager', ...vm });
    expect(got.encryption).toMatchObject(encryption);
  });

  it('names the key vault, secret and key of an encrypted VM', async () => {
    const got = await vms.get('vm-web-01', 'rg-app');
    expect(got.encryption.keyVault).toMatchObject({ name: 'kv-ade-policy', resourceGroup: 'rg-keys' });
    expect(got.encryption.secretUrl).toMatch(/\/secrets\/[^/]+\/[^/]+$/);
    expect(got.encryption.keyUrl).toMatch(/\/keys\/kek-vm-web-01\//);
    expect(got.encryption.sources).toEqual(expect.arrayContaining(['disk']));
  });

  it('reads dual-pass settings from the VM model without reading the disk', async () => {
    const mark = azure.sandbox.log.mark();
    const got = await vms.get('vm-app-02', 'rg-app');
    expect(got.encryption.sources).toContain('vmModel');
    const calls = armCalls(azure, mark);
    expect(calls.filter((c) => /disk/i.test(c))).toEqual([]);
    expect(calls).toHaveLength(2); // VM (instance view) + backupStatus
  });

  it('classifies a protected VM with its vault and backup names', async () => {
    const got = await vms.get('vm-db-01');
    expect(got.protection).toMatchObject({
      vault: 'rsv-prod-eastasia',
      vaultResourceGroup: 'rg-backup',
      containerName: expect.stringMatching(/^iaasvmcontainer;iaasvmcontainerv2;rg-app;vm-db-01$/i),
      protectedItemName: expect.stringMatching(/^vm;iaasvmcontainerv2;rg-app;vm-db-01$/i),
    });
  });

  it('recognises a classic VM', async () => {
    const got = await vms.get('vm-classic-01');
    expect(got).toMatchObject({ name: 'vm-classic-01', deployment: 'classic', encryption: { kind: 'none' } });
  });

  it('says NotFound for a VM that exists nowhere', async () => {
    await expect(vms.get('vm-nowhere-99')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('finds a VM without its resource group with one Resource Graph query, not a VM list', async () => {
    const mark = azure.sandbox.log.mark();
    await vms.get('vm-web-01');
    const calls = armCalls(azure, mark);
    // Resource Graph query + VM with instance view + OS disk (single pass) + backupStatus
    expect(calls).toHaveLength(4);
    expect(calls[0]).toMatch(/^POST resourceGraph\.resources/);
    expect(calls.filter((c) => /virtualMachines\.listAll/.test(c))).toEqual([]);
  });

  it('lists the subscription VMs with protection, one protected-items list per vault', async () => {
    const mark = azure.sandbox.log.mark();
    const list = await vms.list();
    const calls = armCalls(azure, mark);
    const byName = Object.fromEntries(list.map((v) => [v.name, v]));
    expect(byName['vm-db-01']).toMatchObject({ protected: true, vault: 'rsv-prod-eastasia', location: 'eastasia' });
    expect(byName['vm-web-01']).toMatchObject({ protected: false, resourceGroup: 'rg-app' });
    expect(byName['vm-classic-01']).toBeUndefined();
    const vaultCount = azure.sandbox.world.recoveryVaults.length;
    const vmCount = azure.sandbox.world.vms.length;
    // The vault list (first use in this process), the VM list page by page, one protected-items list per vault.
    expect(calls.filter((c) => /vaults\.listBySubscription/i.test(c))).toHaveLength(1);
    expect(calls.filter((c) => /backupProtectedItems\.list/i.test(c))).toHaveLength(vaultCount);
    const vmPages = calls.filter((c) => /virtualMachines\.listAll/i.test(c)).length;
    expect(vmPages).toBeGreaterThan(0);
    expect(vmPages).toBeLessThan(vmCount);
    expect(calls).toHaveLength(1 + vaultCount + vmPages);
  });
});
