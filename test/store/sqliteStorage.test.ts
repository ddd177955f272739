import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteStorage } from '../../src/store';
import { describeStorageContract } from './storageContract';

function tempFile(): { file: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ade-store-'));
  return { file: path.join(dir, 'nested', 'bot.sqlite'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

describeStorageContract('SQLite in a file', async () => {
  const { file, cleanup } = tempFile();
  let storage = new SqliteStorage(file);
  return {
    storage,
    reopen: async () => {
      await storage.close();
      storage = new SqliteStorage(file);
      return storage;
    },
    close: async () => {
      await storage.close();
      cleanup();
    },
  };
});

describe('SqliteStorage extensions', () => {
  let storage: SqliteStorage;
  let cleanup: () => void;
  beforeEach(() => {
    const temp = tempFile();
    cleanup = temp.cleanup;
    storage = new SqliteStorage(temp.file);
  });
  afterEach(async () => {
    await storage.close();
    cleanup();
  });

  it('runs the file in WAL mode', () => {
    const db = (storage as unknown as { db: { pragma(s: string, o: object): unknown } }).db;
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  });

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
  });

  it('writes a batch all or nothing', async () => {
    await storage.write({ a: { v: 1 } });
    const stale = (await storage.read(['a'])).a;
    await storage.write({ a: { v: 2 } });
    await expect(storage.write({ b: { v: 1 }, a: { ...stale, v: 3 } })).rejects.toThrow(/eTag conflict/);
    expect(await storage.read(['b'])).toEqual({});
  });

  it('lists by prefix in creation order, newest first on request, with a limit', async () => {
    for (const k of ['log/1', 'log/2', 'other/1', 'log/3', 'log']) await storage.create(k, { k });
    await storage.write({ 'log/1': { k: 'log/1', updated: true } }); // an update keeps its place
    expect((await storage.list('log/')).map((i) => i.key)).toEqual(['log/1', 'log/2', 'log/3']);
    expect((await storage.list('log/', { newestFirst: true, limit: 2 })).map((i) => i.key)).toEqual(['log/3', 'log/2']);
    expect((await storage.list('log/'))[0].item).toMatchObject({ updated: true, eTag: expect.any(String) });
    expect(await storage.list('nothing/')).toEqual([]);
  });

  it('answers the health check, and reports a closed store as unavailable', async () => {
    expect(await storage.check()).toBe('ok');
    await storage.close();
    expect(await storage.check()).toBe('unavailable');
  });
});
