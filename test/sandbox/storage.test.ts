import { startTestAzure, type TestAzure } from '../support/azure';

describe('sandbox storage: accounts and the blob data plane', () => {
  let azure: TestAzure;
  let endpoint: string;
  beforeAll(async () => {
    azure = await startTestAzure();
    const account = await azure.clients.storage.storageAccounts.getProperties('rg-staging', 'stagingeastasia01');
    endpoint = account.primaryEndpoints!.blob!;
  });
  afterAll(() => azure.close());

  it('lists storage accounts with region, SKU and kind, and names the blob endpoint', async () => {
    const all: string[] = [];
    for await (const a of azure.clients.storage.storageAccounts.list())
      all.push(`${a.name}@${a.location}:${a.sku?.name}:${a.kind}`);
    expect(all.sort()).toEqual([
      'stagingeastasia01@eastasia:Standard_LRS:StorageV2',
      'stagingsea01@southeastasia:Standard_LRS:StorageV2',
    ]);
    const inRg: string[] = [];
    for await (const a of azure.clients.storage.storageAccounts.listByResourceGroup('rg-staging')) inRg.push(a.name!);
    expect(inRg).toHaveLength(2);
    expect(endpoint).toBe(`${azure.sandbox.endpoints.blob}/stagingeastasia01/`);
    await expect(
      azure.clients.storage.storageAccounts.getProperties('rg-staging', 'nosuchaccount'),
    ).rejects.toMatchObject({ statusCode: 404 });
  });

  it('uploads, lists, downloads and deletes blobs through BlobServiceClient', async () => {
    const service = azure.clients.blobs(endpoint);
    const container = service.getContainerClient('restore-test');
    await container.createIfNotExists();
    const json = JSON.stringify({ hello: 'sandbox' });
    await container
      .getBlockBlobClient('config/vm-db-01.json')
      .upload(json, Buffer.byteLength(json), { blobHTTPHeaders: { blobContentType: 'application/json' } });
    await container.getBlockBlobClient('template.json').upload('{}', 2);

    const names: string[] = [];
    for await (const b of container.listBlobsFlat({ prefix: 'config/' }))
      names.push(`${b.name}:${b.properties.contentLength}`);
    expect(names).toEqual([`config/vm-db-01.json:${Buffer.byteLength(json)}`]);
    const byLevel: string[] = [];
    for await (const item of container.listBlobsByHierarchy('/'))
      byLevel.push(item.kind === 'prefix' ? `prefix:${item.name}` : item.name);
    expect(byLevel.sort()).toEqual(['prefix:config/', 'template.json']);

    const blob = container.getBlobClient('config/vm-db-01.json');
    const props = await blob.getProperties();
    expect(props).toMatchObject({
      contentType: 'application/json',
      blobType: 'BlockBlob',
      contentLength: Buffer.byteLength(json),
    });
    expect((await blob.downloadToBuffer()).toString('utf8')).toBe(json);
    const partial = await blob.download(1, 4);
    expect(partial.contentRange).toMatch(/^bytes 1-4\//);

    const containers: string[] = [];
    for await (const c of service.listContainers()) containers.push(c.name);
    expect(containers).toContain('restore-test');

    await blob.delete();
    // HEAD has no body: the SDK takes Storage's code from the x-ms-error-code header into details.
    await expect(blob.getProperties()).rejects.toMatchObject({
      statusCode: 404,
      details: { errorCode: 'BlobNotFound' },
    });
    expect(await blob.exists()).toBe(false);
    await expect(blob.download()).rejects.toMatchObject({ statusCode: 404, code: 'BlobNotFound' });
    await container.delete();
    expect(await container.exists()).toBe(false);
  });

  it('reads what the restore job wrote into world.blobs', async () => {
    azure.sandbox.world.blobs.stagingeastasia01['vm-db-01-abc'] = {
      'config.json': {
        content: Buffer.from('{"a":1}').toString('base64'),
        contentType: 'application/json',
        createdOn: new Date().toISOString(),
      },
    };
    const buf = await azure.clients
      .blobs(endpoint)
      .getContainerClient('vm-db-01-abc')
      .getBlobClient('config.json')
      .downloadToBuffer();
    expect(JSON.parse(buf.toString('utf8'))).toEqual({ a: 1 });
  });

  it('answers 403 AuthorizationPermissionMismatch to a caller without a blob data role', async () => {
    const world = azure.sandbox.world;
    world.blobs.stagingeastasia01.locked = {
      'x.json': { content: '', contentType: 'application/json', createdOn: new Date().toISOString() },
    };
    const saved = [...world.roleAssignments];
    world.roleAssignments = saved.filter((a) => !a.roleDefinitionId.endsWith('ba92f5b4-2d11-453d-a403-e96b0029c9fe'));
    try {
      const blob = azure.clients.blobs(endpoint).getContainerClient('locked').getBlobClient('x.json');
      await expect(blob.download()).rejects.toMatchObject({ statusCode: 403, code: 'AuthorizationPermissionMismatch' });
      await expect(blob.getProperties()).rejects.toMatchObject({ statusCode: 403 });
    } finally {
      world.roleAssignments = saved;
    }
  });
});
