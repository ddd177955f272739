import https from 'node:https';
import type { RestoreJobOutputs } from '../../src/azure';
import type { RehearsalRun } from '../../src/runs/rehearsalRun';
import type { TestAzure } from './azure';

/** The isolated network the sandbox world seeds for rehearsals (docs/sandbox.md). */
export const REHEARSAL_NETWORK = {
  resourceGroup: 'rg-rehearsal',
  vnet: 'vnet-rehearsal-eastasia',
  subnet: 'snet-rehearsal',
};

/** Every resource in a resource group, as ARM's generic list returns it to the bot's identity (ids). */
export async function armResourcesIn(azure: TestAzure, resourceGroup: string): Promise<string[]> {
  const token = (await azure.credential.getToken('https://management.azure.com/.default'))!.token;
  const path = `/subscriptions/${azure.settings.subscriptionId}/resourceGroups/${resourceGroup}/resources?api-version=2021-04-01`;
  const body = await new Promise<{ value?: { id: string }[] }>((resolve, reject) => {
    const req = https.request(
      `${azure.sandbox.endpoints.arm}${path}`,
      { ca: azure.sandbox.ca, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString() || '{}')));
      },
    );
    req.on('error', reject);
    req.end();
  });
  return (body.value ?? []).map((r) => r.id);
}

/** The blobs left in a restore job's staging container, listed through the storage client. */
export async function stagedBlobs(azure: TestAzure, outputs: RestoreJobOutputs): Promise<string[]> {
  const container = azure.clients
    .blobs(`${azure.sandbox.endpoints.blob}/${outputs.stagingAccountName}/`)
    .getContainerClient(outputs.configContainer);
  const names: string[] = [];
  if (!(await container.exists())) return names;
  for await (const b of container.listBlobsFlat()) names.push(b.name);
  return names;
}

const REQUEST = { passed: '5d1e7a9c-0000-4000-8000-0000000000a1', failed: '5d1e7a9c-0000-4000-8000-0000000000f1' };

/** A finished rehearsal run as the store keeps it (ids only), for cards built outside a live run. */
export function rehearsalRunSample(result: 'passed' | 'failed'): RehearsalRun {
  const sub = '/subscriptions/22222222-2222-4222-8222-222222222222';
  const vm = result === 'passed' ? 'vm-db-01' : 'vm-agentdown-01';
  return {
    id: `rehearsal:${REQUEST[result]}`,
    kind: 'rehearsal',
    status: result === 'passed' ? 'succeeded' : 'failed',
    step: result === 'passed' ? 'done' : 'report',
    attempt: 0,
    createdAt: '2026-03-13T10:00:00.000Z',
    updatedAt: '2026-03-13T10:20:00.000Z',
    ...(result === 'failed'
      ? { error: { code: 'RehearsalFailed', step: 'report', message: 'The rehearsal failed at checks.' } }
      : {}),
    checkpoint: {
      requestId: REQUEST[result],
      plan: {
        vm: {
          id: `${sub}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/${vm}`,
          name: vm,
          resourceGroup: 'rg-app',
          location: 'eastasia',
          osType: 'Windows',
        },
        item: {
          vault: 'rsv-prod-eastasia',
          vaultResourceGroup: 'rg-backup',
          containerName: 'c',
          protectedItemName: 'p',
        },
        region: 'eastasia',
        recoveryPoint: {
          name: 'rp-1',
          time: '2026-03-12T22:30:00.000Z',
          type: 'AppConsistent',
          templateRestorable: true,
          legacyKeyAndSecret: false,
        },
        staging: {
          id: `${sub}/resourceGroups/rg-staging/providers/Microsoft.Storage/storageAccounts/stagingeastasia01`,
          name: 'stagingeastasia01',
        },
        targetResourceGroup: { id: `${sub}/resourceGroups/rg-rehearsal`, name: 'rg-rehearsal' },
        subnet: {
          id: `${sub}/resourceGroups/rg-rehearsal/providers/Microsoft.Network/virtualNetworks/vnet-rehearsal-eastasia/subnets/snet-rehearsal`,
          vnet: 'vnet-rehearsal-eastasia',
          subnet: 'snet-rehearsal',
          resourceGroup: 'rg-rehearsal',
        },
        newVmName: `rh-${vm}-abc123`,
        path: 'compute',
        purpose: 'rehearsal',
      },
      result,
      ...(result === 'failed'
        ? { failure: { step: 'checks', code: 'RehearsalAgentNotReady', message: 'VM agent not ready after restore.' } }
        : {}),
      cleanup: { attempts: 1, deleted: ['a', 'b', 'c', 'd'], left: [], stagingDeleted: true },
      times: {
        startedAt: '2026-03-13T10:00:00.000Z',
        jobFrom: '2026-03-13T10:00:01.000Z',
        jobTo: '2026-03-13T10:04:00.000Z',
        vmFrom: '2026-03-13T10:04:01.000Z',
        vmTo: '2026-03-13T10:06:00.000Z',
        checksFrom: '2026-03-13T10:06:01.000Z',
        checksTo: '2026-03-13T10:07:00.000Z',
        endedAt: '2026-03-13T10:08:00.000Z',
      },
    },
  };
}
