import { AmbiguousNameError, NotFoundError } from '../../src/azure/errors';
import { ResourceLookup } from '../../src/azure/resourceGraph';
import { VmOperations } from '../../src/azure/vms';
import { addVms, growEstate } from '../../src/sandbox/world/estate';
import { startTestAzure, type TestAzure } from '../support/azure';
import { armCalls } from '../support/azureOps';

/**
 * Issue 17: finding a VM, key vault or classic VM by name is one Resource Graph query, whatever the size of the estate,
 * and ARM's filtered list where Resource Graph is refused. The real SDK clients talk to the sandbox over HTTPS.
 */
describe('name look-ups that do not grow with the estate', () => {
  let azure: TestAzure;
  beforeAll(async () => {
    azure = await startTestAzure();
  });
  afterAll(() => azure.close());
  afterEach(() => azure.sandbox.faults.clear());

  /** Fresh operations, so no remembered Resource Graph refusal carries over between tests. */
  const ops = () => {
    const lookup = new ResourceLookup(azure.clients);
    return { lookup, vms: new VmOperations(azure.clients, lookup) };
  };

  /** What finding VMs by name costs, by "METHOD route". */
  async function lookUpCalls(): Promise<Record<string, string[]>> {
    const { vms } = ops();
    const measure = async (fn: () => Promise<unknown>) => {
      const mark = azure.sandbox.log.mark();
      await fn();
      return armCalls(azure, mark);
    };
    return {
      get: await measure(() => vms.get('vm-web-01')),
      resolveMany: await measure(() => vms.resolve(['vm-web-01', 'vm-app-02', 'vm-classic-01', 'vm-nowhere-99'])),
      find: await measure(() => vms.find('vm-db-01')),
    };
  }

  it('makes the same calls to find VMs by name with 100 and with 10,000 VMs in the world', async () => {
    growEstate(azure.sandbox, 100);
    expect(azure.sandbox.world.vms).toHaveLength(100);
    const small = await lookUpCalls();
    growEstate(azure.sandbox, 10_000);
    expect(azure.sandbox.world.vms).toHaveLength(10_000);
    const large = await lookUpCalls();
    expect(large).toEqual(small);
    // The name itself is one query; the rest is the VM's own reads (model, OS disk, Backup's status for it).
    expect(small.get).toEqual([
      'POST resourceGraph.resources',
      'GET virtualMachines.get',
      'GET disks.get',
      'POST backupStatus.get',
    ]);
    expect(small.resolveMany).toEqual(['POST resourceGraph.resources']);
    expect(small.find).toEqual(['POST resourceGraph.resources']);
    // And the answers are right among 10,000 VMs: found, classic, missing.
    const found = await ops().vms.resolve(['vm-web-01', 'vm-estate-09000', 'vm-classic-01', 'vm-nowhere-99']);
    expect(found.map((f) => f.kind)).toEqual(['found', 'found', 'classic', 'missing']);
  });

  it('asks about a name two resource groups hold, never guesses', async () => {
    addVms(azure.sandbox, [
      { name: 'vm-twin-01', os: 'Linux' },
      { name: 'vm-twin-01', os: 'Linux', resourceGroup: 'rg-restore' },
    ]);
    const { vms } = ops();
    const [r] = await vms.resolve(['VM-TWIN-01']);
    expect(r.kind).toBe('ambiguous');
    expect(r.kind === 'ambiguous' && r.matches.map((m) => m.resourceGroup).sort()).toEqual(['rg-app', 'rg-restore']);
    const err = await vms.get('vm-twin-01').catch((e) => e);
    expect(err).toBeInstanceOf(AmbiguousNameError);
    expect((err as AmbiguousNameError).matches).toHaveLength(2);
  });

  it('finds key vaults by name with their access model, in the same one query as VMs', async () => {
    const { lookup } = ops();
    const mark = azure.sandbox.log.mark();
    const hits = await lookup.byName(['keyVault', 'vm', 'classicVm'], ['kv-ade-rbac', 'kv-ade-policy', 'kv-ade-gone']);
    expect(armCalls(azure, mark)).toEqual(['POST resourceGraph.resources']);
    expect(hits.map((h) => [h.kind, h.name, h.rbac]).sort()).toEqual([
      ['keyVault', 'kv-ade-policy', false],
      ['keyVault', 'kv-ade-rbac', true],
    ]);
  });

  it("falls back to ARM's filtered list where Resource Graph is refused, and remembers the refusal", async () => {
    azure.sandbox.faults.add({ routeId: 'resourceGraph.resources', kind: 'error', status: 403 });
    const { vms } = ops();
    let mark = azure.sandbox.log.mark();
    const [hit] = await vms.resolve(['vm-db-01']);
    expect(hit).toMatchObject({ kind: 'found', vm: { name: 'vm-db-01', resourceGroup: 'rg-app' } });
    expect(armCalls(azure, mark)).toEqual(['POST resourceGraph.resources', 'GET resources.list']);
    expect(azure.sandbox.log.since(mark).find((r) => r.routeId === 'resources.list')?.path).toBeDefined();
    mark = azure.sandbox.log.mark();
    const [classic, missing] = await vms.resolve(['vm-classic-01', 'vm-nowhere-99']);
    expect([classic.kind, missing.kind]).toEqual(['classic', 'missing']);
    // Refused a moment ago: straight to the filtered list, one request per name.
    expect(armCalls(azure, mark)).toEqual(['GET resources.list', 'GET resources.list']);
    await expect(vms.get('vm-nowhere-99')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('answers "no such VM" to a typed name that cannot be an Azure resource name, asking Azure nothing', async () => {
    const mark = azure.sandbox.log.mark();
    const [r] = await ops().vms.resolve(["vm' or name contains '"]);
    expect(r.kind).toBe('missing');
    expect(armCalls(azure, mark)).toEqual([]);
  });
});
