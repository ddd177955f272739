import { InvalidInputError, NotFoundError } from '../../src/azure/errors';
import { PolicyOperations } from '../../src/azure/policies';
import type { NewPolicy } from '../../src/azure/types';
import { VaultOperations } from '../../src/azure/vaults';
import { VmOperations } from '../../src/azure/vms';
import { startTestAzure, type TestAzure } from '../support/azure';
import { armCalls } from '../support/azureOps';

describe('VaultOperations and PolicyOperations', () => {
  let azure: TestAzure;
  let vaults: VaultOperations;
  let policies: PolicyOperations;
  beforeAll(async () => {
    azure = await startTestAzure();
    vaults = new VaultOperations(azure.clients);
    policies = new PolicyOperations(azure.clients);
  });
  afterAll(() => azure.close());

  it('lists the vaults of the subscription', async () => {
    const all = await vaults.list();
    expect(all.map((v) => v.name).sort()).toEqual(['rsv-prod-eastasia', 'rsv-prod-sea']);
    expect(all.every((v) => v.resourceGroup === 'rg-backup')).toBe(true);
  });

  it("offers only the vaults in the VM's region (vm-sea-01 → rsv-prod-sea)", async () => {
    const vm = await new VmOperations(azure.clients).get('vm-sea-01', 'rg-app');
    const inRegion = await vaults.list({ location: vm.location });
    expect(inRegion.map((v) => v.name)).toEqual(['rsv-prod-sea']);
    expect(await vaults.list({ location: 'East Asia' })).toEqual([
      expect.objectContaining({ name: 'rsv-prod-eastasia' }),
    ]);
  });

  it('resolves a vault by name from the cached list: no further vault list', async () => {
    await vaults.list();
    const mark = azure.sandbox.log.mark();
    expect(await vaults.get('RSV-PROD-SEA')).toMatchObject({
      name: 'rsv-prod-sea',
      resourceGroup: 'rg-backup',
      location: 'southeastasia',
    });
    await policies.list('rsv-prod-sea');
    expect(armCalls(azure, mark)).toHaveLength(1); // the policy list only
  });

  it('says NotFound for an unknown vault', async () => {
    await expect(vaults.get('rsv-nowhere')).rejects.toBeInstanceOf(NotFoundError);
  });

  it("lists a vault's IaaS VM policies with the default marked", async () => {
    const list = await policies.list('rsv-prod-eastasia');
    const byName = Object.fromEntries(list.map((p) => [p.name, p]));
    expect(byName.DefaultPolicy).toMatchObject({
      isDefault: true,
      frequency: 'Daily',
      time: '22:30',
      retention: 30,
      retentionUnit: 'Days',
    });
    expect(byName['Daily-90d']).toMatchObject({ isDefault: false, time: '02:00', retention: 90 });
    const mark = azure.sandbox.log.mark();
    await policies.list('rsv-prod-eastasia');
    const logged = azure.requestsSince(mark) as { query?: string }[];
    expect(decodeURIComponent(logged[0].query ?? '')).toContain("backupManagementType eq 'AzureIaasVM'");
  });

  it('creates a daily policy and reads it back', async () => {
    const created = await policies.create('rsv-prod-eastasia', {
      name: 'Daily-14d',
      frequency: 'Daily',
      time: '23:30',
      retention: 14,
    });
    expect(created).toMatchObject({
      name: 'Daily-14d',
      frequency: 'Daily',
      time: '23:30',
      retention: 14,
      retentionUnit: 'Days',
    });
    expect(await policies.get('rsv-prod-eastasia', 'Daily-14d')).toMatchObject({ time: '23:30', retention: 14 });
    expect(azure.sandbox.world.policies.some((p) => p.vault === 'rsv-prod-eastasia' && p.name === 'Daily-14d')).toBe(
      true,
    );
  });

  it('creates a weekly policy', async () => {
    const created = await policies.create('rsv-prod-sea', {
      name: 'Weekly-12w',
      frequency: 'Weekly',
      time: '01:00',
      days: ['sunday', 'Wednesday'],
      retention: 12,
    });
    expect(created).toMatchObject({
      frequency: 'Weekly',
      time: '01:00',
      retention: 12,
      retentionUnit: 'Weeks',
      days: ['Sunday', 'Wednesday'],
    });
    expect((await policies.list('rsv-prod-sea')).map((p) => p.name)).toContain('Weekly-12w');
  });

  const base: NewPolicy = { name: 'P1', frequency: 'Daily', time: '22:30', retention: 30 };
  const invalid: [string, Partial<NewPolicy>, string][] = [
    ['a time off the half hour', { time: '22:15' }, 'time'],
    ['an impossible time', { time: '24:00' }, 'time'],
    ['a time without minutes', { time: '7' }, 'time'],
    ['6 days of daily retention', { retention: 6 }, 'retention'],
    ['10000 days of daily retention', { retention: 10000 }, 'retention'],
    ['0 weeks of weekly retention', { frequency: 'Weekly', days: ['Monday'], retention: 0 }, 'retention'],
    ['5164 weeks of weekly retention', { frequency: 'Weekly', days: ['Monday'], retention: 5164 }, 'retention'],
    ['a weekly policy without days', { frequency: 'Weekly', retention: 4 }, 'days'],
    ['a name with spaces', { name: 'my policy' }, 'name'],
  ];
  it.each(invalid)('refuses %s before calling Azure', async (_what, change, field) => {
    const mark = azure.sandbox.log.mark();
    const err = await policies.create('rsv-prod-eastasia', { ...base, ...change }).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.field).toBe(field);
    expect(armCalls(azure, mark)).toEqual([]);
  });

  it('accepts the edges of the retention ranges', async () => {
    await expect(
      policies.create('rsv-prod-eastasia', { ...base, name: 'Edge-7d', retention: 7 }),
    ).resolves.toMatchObject({ retention: 7 });
    await expect(
      policies.create('rsv-prod-eastasia', { ...base, name: 'Edge-9999d', retention: 9999 }),
    ).resolves.toMatchObject({ retention: 9999 });
  });
});
