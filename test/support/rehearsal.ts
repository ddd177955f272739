import https from 'node:https';
import type { RestoreJobOutputs } from '../../src/azure';
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
