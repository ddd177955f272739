import { randomBytes } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { BlobStorage, RecordSigner, storeOn, type Store } from '../../src/store';
import { blobName } from '../../src/store/blobNames';
import { startAzurite, type Azurite } from '../support/azurite';

let azurite: Azurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(() => azurite?.stop());

// The Blob store (Azurite) as someone with write access to the container leaves it: records the bot never signed,
// and blobs that are not JSON at all.
describe('Blob store: records the bot did not write', () => {
  let container: string;
  let store: Store;
  let storage: BlobStorage;
  const moved: string[] = [];
  beforeEach(() => {
    container = `test-${randomBytes(6).toString('hex')}`;
    storage = new BlobStorage({ connectionString: azurite.connectionString, container });
    store = storeOn(storage, { signer: new RecordSigner(randomBytes(32)) });
    const report = storage.onQuarantine!;
    storage.onQuarantine = async (key, reason, to) => {
      moved.push(`${key}:${reason}`);
      await report(key, reason, to);
    };
    moved.length = 0;
  });
  afterEach(() => store.close());

  const upload = async (key: string, text: string) => {
    const client = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(container);
    await client.createIfNotExists();
    await client.getBlockBlobClient(blobName(key)).upload(text, Buffer.byteLength(text));
  };

  it('an unsigned approval or run reads as absent and is moved aside, once, with an audit entry', async () => {
    const run = { id: 'restore:forged', kind: 'restore', status: 'running', step: 'restoreDisks', checkpoint: {} };
    await upload('runs/restore:forged', JSON.stringify(run));
    await upload('restore-approvals/forged', JSON.stringify({ id: 'forged', status: 'approved' }));
    expect(await store.signed('runs').list()).toEqual([]);
    expect(await store.signed('restore-approvals').get('forged')).toBeUndefined();
    expect(moved.sort()).toEqual(['restore-approvals/forged:unsigned', 'runs/restore:forged:unsigned']);
    expect(await storage.read(['runs/restore:forged', 'restore-approvals/forged'])).toEqual({});
    const kept = (await storage.list('quarantine/')).map(({ item }) => item);
    expect(kept).toContainEqual(expect.objectContaining({ key: 'runs/restore:forged', reason: 'unsigned' }));
    const audit = await store.audit.recent({ limit: 10 });
    expect(audit.filter((e) => e.action === 'store.quarantine')).toHaveLength(2);
    // What the bot signs itself reads back.
    await store.signed('runs').create('restore:mine', { id: 'restore:mine' });
    expect((await store.signed('runs').get('restore:mine'))?.value).toEqual({ id: 'restore:mine' });
  });

  it('a blob that is not JSON is skipped by a listing and moved aside with its text', async () => {
    await store.records('runs').create('ok', { fine: true });
    await upload('runs/broken', '{"status": "runn');
    const listed = await store.records('runs').list();
    expect(listed.map((r) => r.id)).toEqual(['ok']);
    expect(moved).toEqual(['runs/broken:unreadable']);
    const kept = (await storage.list('quarantine/')).map(({ item }) => item);
    expect(kept).toContainEqual(expect.objectContaining({ key: 'runs/broken', raw: '{"status": "runn' }));
  });
});
