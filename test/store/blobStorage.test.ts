import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config';
import { AuditTrail, BlobStorage, createStore, RecordStore, type BlobStorageOptions } from '../../src/store';
import { azuriteTokenCredential, startAzurite, type Azurite } from '../support/azurite';
import { describeStorageContract } from './storageContract';

let azurite: Azurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(() => azurite?.stop());

/** Every test gets its own container, as a fresh deployment would. */
const freshContainer = () => `test-${randomBytes(6).toString('hex')}`;
const on = (container: string): BlobStorageOptions => ({ connectionString: azurite.connectionString, container });

describeStorageContract('blob (Azurite)', async () => {
  const container = freshContainer();
  let storage = new BlobStorage(on(container));
  return {
    storage,
    reopen: async () => {
      await storage.close();
      storage = new BlobStorage(on(container));
      return storage;
    },
    close: () => storage.close(),
  };
});

describe('BlobStorage extensions', () => {
  let container: string;
  let storage: BlobStorage;
  beforeEach(() => {
    container = freshContainer();
    storage = new BlobStorage(on(container));
  });
  afterEach(() => storage?.close());

  it('creates only if absent', async () => {
    expect(await storage.create('k', { v: 1 })).toBe(true);
    expect(await storage.create('k', { v: 2 })).toBe(false);
    expect((await storage.read(['k'])).k.v).toBe(1);
  });

  it('treats an eTag for an item that no longer exists as a conflict', async () => {
    await storage.write({ k: { v: 1 } });
    const item = (await storage.read(['k'])).k;
    await storage.delete(['k']);
    await expect(storage.write({ k: { ...item, v: 2 } })).rejects.toThrow(/eTag conflict/);
    expect(await storage.read(['k'])).toEqual({});
  });

  it('lets exactly one of two replicas win each compare-and-set round, and loses no increment', async () => {
    const other = new BlobStorage(on(container));
    const replicas = [storage, other].map((s) => new RecordStore<{ state: string; by?: string; n?: number }>(s, 'r'));
    for (let round = 0; round < 15; round++) {
      const id = `approval-${round}`;
      await replicas[0].create(id, { state: 'pending' });
      const results = await Promise.all(
        replicas.map((records, i) =>
          records.update(id, (cur) =>
            cur?.state === 'pending' ? { state: 'approved', by: `replica-${i}` } : undefined,
          ),
        ),
      );
      expect(results.filter((r) => r.changed)).toHaveLength(1);
      expect((await replicas[1].get(id))?.value).toEqual(results.find((r) => r.changed)?.value);
    }
    const increment = (records: RecordStore<{ state: string; n?: number }>) =>
      records.update('counter', (cur) => ({ state: 'counting', n: (cur?.n ?? 0) + 1 }), { attempts: 50 });
    await Promise.all(
      replicas.map(async (records) => {
        for (let i = 0; i < 10; i++) await increment(records);
      }),
    );
    expect((await replicas[0].get('counter'))?.value.n).toBe(20);
    await other.close();
  });

  it('keeps keys with odd characters apart and gives them back as written', async () => {
    const keys = [
      'odd/.',
      'odd/..',
      'odd/a/',
      'odd//b',
      'odd/%2F',
      'odd/~41',
      'odd/A',
      'odd/a b?c#d&e=f',
      "odd/'quote'\\back",
      'odd/中文/設定',
      'odd/emoji 🙂',
      'odd/lone \ud800 surrogate',
      'odd/tab\tnew\nline',
      'odd/end.',
    ];
    for (const [i, key] of keys.entries()) await storage.create(key, { i });
    const items = await storage.read(keys);
    expect(keys.map((k) => items[k]?.i)).toEqual(keys.map((_, i) => i));
    expect((await storage.list('odd/')).map((e) => e.key)).toEqual(keys);
    expect((await storage.list('odd/.')).map((e) => e.key)).toEqual(['odd/.', 'odd/..']);
    expect((await storage.list('odd/中文/')).map((e) => e.key)).toEqual(['odd/中文/設定']);
    await storage.delete(['odd/~41']);
    expect(Object.keys(await storage.read(['odd/~41', 'odd/A']))).toEqual(['odd/A']);
  });

  it('lists by prefix in creation order, not name order, and an update keeps its place', async () => {
    for (const k of ['log/z', 'log/b', 'other/a', 'log/m', 'log', 'log/a']) await storage.create(k, { k });
    const b = (await storage.read(['log/b']))['log/b'];
    await storage.write({ 'log/b': { ...b, updated: 1 } });
    // Updates from a store that never read the items (another replica) keep their place too.
    const other = new BlobStorage(on(container));
    await other.write({ 'log/z': { updated: 2, eTag: '*' }, 'log/m': { updated: 3 } });
    await other.close();
    expect((await storage.list('log/')).map((i) => i.key)).toEqual(['log/z', 'log/b', 'log/m', 'log/a']);
    expect((await storage.list('log/', { newestFirst: true, limit: 2 })).map((i) => i.key)).toEqual(['log/a', 'log/m']);
    expect((await storage.list('log/'))[1].item).toMatchObject({ k: 'log/b', updated: 1, eTag: expect.any(String) });
    expect(await storage.list('nothing/')).toEqual([]);
  });

  it('keeps the audit trail newest first, with entries written in the same instant all kept', async () => {
    const frozen = new AuditTrail(storage, () => new Date('2026-01-05T10:00:00Z'));
    const who = { name: 'Alex Wilber' };
    for (let i = 0; i < 5; i++) {
      await frozen.append({ who, action: `a.${i}`, target: { kind: 'vm', name: 'vm-web-01' }, result: 'succeeded' });
    }
    await Promise.all(
      Array.from({ length: 5 }, (_, i) => frozen.append({ who, action: `b.${i}`, result: 'requested' })),
    );
    expect((await frozen.recent({ target: 'VM-WEB-01', limit: 3 })).map((e) => e.action)).toEqual([
      'a.4',
      'a.3',
      'a.2',
    ]);
    expect(await frozen.recent({ limit: 50 })).toHaveLength(10);
  });

  it('shows everything to a store reopened on the same container', async () => {
    await storage.write({ 'conv/1': { step: 'vault' }, 'conv/2': { step: 'policy' } });
    await storage.create('approvals/r1', { state: 'pending' });
    await new AuditTrail(storage).append({ who: { name: 'Megan' }, action: 'restore.request', result: 'requested' });
    const before = await storage.read(['conv/1', 'conv/2', 'approvals/r1']);
    await storage.close();

    storage = new BlobStorage(on(container));
    expect(await storage.read(['conv/1', 'conv/2', 'approvals/r1'])).toEqual(before);
    expect((await storage.list('conv/')).map((e) => e.key)).toEqual(['conv/1', 'conv/2']);
    expect((await new AuditTrail(storage).recent()).map((e) => e.action)).toEqual(['restore.request']);
    await storage.write({ 'approvals/r1': { ...before['approvals/r1'], state: 'approved' } });
    expect((await storage.read(['approvals/r1']))['approvals/r1'].state).toBe('approved');
  });

  it('answers the health check, and reports a closed or unreachable store as unavailable', async () => {
    expect(await storage.check()).toBe('ok');
    await storage.close();
    expect(await storage.check()).toBe('unavailable');
    await expect(storage.read(['k'])).rejects.toThrow(/closed/);
    const nowhere = new BlobStorage({
      connectionString: azurite.connectionString.replace(/127\.0\.0\.1:\d+/, '127.0.0.1:1'),
      container,
    });
    expect(await nowhere.check()).toBe('unavailable');
  }, 15_000);
});

describe('STORE=blob configuration', () => {
  it('makes createStore use the container named by the settings', async () => {
    const container = freshContainer();
    const config = loadConfig({
      STORE: 'blob',
      BLOB_CONNECTION_STRING: azurite.connectionString,
      BLOB_CONTAINER: container,
    });
    const store = createStore(config.store);
    expect(store.storage).toBeInstanceOf(BlobStorage);
    await store.records<{ state: string }>('approvals').create('r1', { state: 'pending' });
    await store.close();
    const again = new BlobStorage(on(container));
    expect(await again.read(['approvals/r1'])).toEqual({
      'approvals/r1': { state: 'pending', eTag: expect.any(String) },
    });
    await again.close();
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ['no way in', {}, /^Configuration error: BLOB_ACCOUNT_URL is required when STORE is blob/],
    [
      'a plain-HTTP account URL',
      { BLOB_ACCOUNT_URL: 'http://acct.blob.core.windows.net' },
      /BLOB_ACCOUNT_URL must be an https URL/,
    ],
    [
      'an invalid container name',
      { BLOB_ACCOUNT_URL: 'https://acct.blob.core.windows.net', BLOB_CONTAINER: 'Bot_State' },
      /BLOB_CONTAINER must be 3-63/,
    ],
  ])('refuses %s', (_, env, message) => {
    expect(() => loadConfig({ STORE: 'blob', ...env })).toThrow(message);
  });

  it('never echoes the connection string in an error', () => {
    const env = {
      STORE: 'blob',
      BLOB_CONNECTION_STRING: azurite.connectionString,
      BLOB_ACCOUNT_URL: 'https://acct.blob.core.windows.net',
    };
    expect(() => loadConfig(env)).toThrow(/BLOB_CONNECTION_STRING must not be set together with BLOB_ACCOUNT_URL/);
    expect(() => loadConfig(env)).not.toThrow(/AccountKey|Eby8/);
  });
});

describe('BlobStorage by account URL and a token credential (production shape)', () => {
  let secure: Azurite;
  beforeAll(async () => {
    secure = await startAzurite({ https: true });
  });
  afterAll(() => secure?.stop());

  it('sends bearer tokens for Storage over TLS to a CA it was told to trust', async () => {
    const credential = azuriteTokenCredential();
    // As src/index.ts wires it: settings from the environment, the credential and CA from the Azure layer.
    const config = loadConfig({ STORE: 'blob', BLOB_ACCOUNT_URL: secure.accountUrl, BLOB_CONTAINER: freshContainer() });
    const { storage } = createStore(config.store, { credential, caCertificate: secure.caCertificate });
    expect(await storage.create('approvals/r1', { state: 'pending' })).toBe(true);
    const item = (await storage.read(['approvals/r1']))['approvals/r1'];
    await storage.write({ 'approvals/r1': { ...item, state: 'approved' } });
    await expect(storage.write({ 'approvals/r1': { ...item, state: 'rejected' } })).rejects.toThrow(/eTag conflict/);
    expect(await storage.check()).toBe('ok');
    expect(new Set(credential.scopes)).toEqual(new Set(['https://storage.azure.com/.default']));
    await storage.close();
  });
});
