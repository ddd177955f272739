import { createAzure } from '../../src/azure';
import { planRehearsal, type RehearsalNetwork } from '../../src/dialogs/rehearsal/plan';
import { createLogger } from '../../src/log';
import { DurableRunEngine } from '../../src/runs/engine';
import {
  rehearsalRunId,
  rehearsalRunKind,
  REHEARSAL_RUN_KIND,
  type RehearsalCheckpoint,
} from '../../src/runs/rehearsalRun';
import type { RunRecord } from '../../src/runs/types';
import { SqliteStorage, storeOn } from '../../src/store';
import { startTestAzure, type TestAzure } from '../support/azure';
import { REHEARSAL_NETWORK, stagedBlobs } from '../support/rehearsal';

const logger = createLogger({ level: 'silent' });
const PRIMARY = '22222222-2222-4222-8222-222222222222';
const FINANCE = '22222222-2222-4222-8222-222222222223';
const RESEARCH = '22222222-2222-4222-8222-222222222224';
const NETWORKS: RehearsalNetwork[] = [
  REHEARSAL_NETWORK,
  {
    subscriptionId: FINANCE,
    resourceGroup: 'rg-fin-rehearsal',
    vnet: 'vnet-rehearsal-fin-eastasia',
    subnet: 'snet-rehearsal',
  },
];

/**
 * The rehearsal run in another managed subscription (issues 17 and 19): Azure restores only within the vault's
 * subscription, so vm-fin-01 is rehearsed in Contoso Finance's own isolated network, and cleaned up there.
 */
describe('the rehearsal run across subscriptions', () => {
  let azure: TestAzure;
  const store = storeOn(new SqliteStorage(':memory:'));
  beforeAll(async () => {
    azure = await startTestAzure();
  });
  afterAll(() => azure.close());
  const az = () => createAzure({ ...azure.settings, subscriptionIds: [PRIMARY, FINANCE, RESEARCH] });

  it('vm-fin-01 passes in Contoso Finance and leaves nothing behind', async () => {
    const requestId = 'rh-fin-1';
    const planned = await planRehearsal(az(), { vmName: 'vm-fin-01', networks: NETWORKS, requestId });
    if (!('plan' in planned)) throw new Error(`no plan: ${planned.refused}`);
    const plan = planned.plan;
    expect(plan.subnet.id).toMatch(new RegExp(`^/subscriptions/${FINANCE}/resourceGroups/rg-fin-rehearsal/`, 'i'));
    expect(plan.targetResourceGroup.id).toMatch(
      new RegExp(`^/subscriptions/${FINANCE}/resourceGroups/rg-fin-rehearsal$`, 'i'),
    );
    expect(plan.staging.name).toBe('stagingfin01');
    const e = new DurableRunEngine({
      store: store.records<RunRecord>('runs'),
      logger,
      owner: 'owner-fin',
      leaseMs: 60_000,
      retryDelayMs: () => 10,
      takeoverIntervalMs: 0,
    });
    e.register(
      rehearsalRunKind({
        azure: az(),
        networks: NETWORKS,
        pollMs: 20,
        checkTimeoutMs: 2000,
        authorize: async () => undefined,
      }),
    );
    await e.start(REHEARSAL_RUN_KIND, rehearsalRunId(requestId), { requestId, plan });
    await e.idle();
    const run = (await e.get<RehearsalCheckpoint>(rehearsalRunId(requestId)))!;
    await e.stop();
    expect(run.checkpoint.result).toBe('passed');
    expect(run.checkpoint.vm?.id).toMatch(new RegExp(`^/subscriptions/${FINANCE}/`, 'i'));
    const finance = azure.sandbox.worlds.find((w) => w.subscriptionId === FINANCE)!;
    const left = [...finance.vms, ...finance.disks, ...finance.networkInterfaces].filter(
      (r) => r.resourceGroup.toLowerCase() === 'rg-fin-rehearsal',
    );
    expect(left).toEqual([]);
    expect(await stagedBlobs(azure, run.checkpoint.outputs!)).toEqual([]);
    // Nothing made in the primary subscription.
    expect(azure.sandbox.world.vms.filter((v) => /^rh-vm-fin-01/.test(v.name))).toEqual([]);
  });

  it('vm-res-01 (Contoso Research has no rehearsal network) is refused, with no write', async () => {
    const mark = azure.sandbox.log.mark();
    const refused = await planRehearsal(az(), { vmName: 'vm-res-01', networks: NETWORKS, requestId: 'rh-res-1' });
    expect(refused).toEqual({ refused: 'noNetwork', vm: 'vm-res-01', subscription: 'Contoso Research' });
    const writes = azure.requestsSince(mark).filter((r) => ['PUT', 'PATCH', 'DELETE'].includes(r.method));
    expect(writes).toEqual([]);
  });

  it('the short form means the primary subscription only', async () => {
    const refused = await planRehearsal(az(), {
      vmName: 'vm-fin-01',
      networks: [REHEARSAL_NETWORK],
      requestId: 'rh-fin-short',
    });
    expect(refused).toMatchObject({ refused: 'noNetwork', subscription: 'Contoso Finance' });
  });

  it('with several discovered subscriptions the short form names none of them: even the VM of rg-rehearsal is refused', async () => {
    // No AZURE_SUBSCRIPTION_ID(S): the bot manages what its identity can read, in no order that means anything.
    const discovered = createAzure({ ...azure.settings, subscriptionId: '', subscriptionIds: [] });
    const refused = await planRehearsal(discovered, {
      vmName: 'vm-db-01',
      networks: [REHEARSAL_NETWORK],
      requestId: 'rh-db-discovered',
    });
    expect(refused).toMatchObject({ refused: 'noNetwork', vm: 'vm-db-01' });
    // Its full id names it wherever the subscriptions come from.
    const full = await planRehearsal(discovered, {
      vmName: 'vm-db-01',
      networks: [{ ...REHEARSAL_NETWORK, subscriptionId: PRIMARY }],
      requestId: 'rh-db-discovered-full',
    });
    expect(full).not.toHaveProperty('refused');
  });
});
