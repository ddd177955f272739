import type { Storage } from 'botbuilder';

export interface StorageUnderTest {
  storage: Storage;
  /** Closes and opens the same backing store again (a restart); absent for purely in-memory backends. */
  reopen?: () => Promise<Storage>;
  close(): Promise<void>;
}

/**
 * What the bot relies on from any botbuilder `Storage` backend (SQLite now, Azure Blob later): read/write/delete,
 * eTag conflict detection, '*' overwrite, and (for durable backends) survival across a restart.
 */
export function describeStorageContract(name: string, factory: () => Promise<StorageUnderTest>): void {
  describe(`Storage contract: ${name}`, () => {
    let s: StorageUnderTest;
    let storage: Storage;
    beforeEach(async () => {
      s = await factory();
      storage = s.storage;
    });
    afterEach(() => s.close());

    it('reads back what was written, with an eTag, and nothing for unknown keys', async () => {
      await storage.write({ a: { count: 1, nested: { list: [1, 'two'] } }, b: { text: '中文' } });
      const items = await storage.read(['a', 'b', 'missing']);
      expect(Object.keys(items).sort()).toEqual(['a', 'b']);
      expect(items.a).toMatchObject({ count: 1, nested: { list: [1, 'two'] } });
      expect(items.b.text).toBe('中文');
      expect(typeof items.a.eTag).toBe('string');
    });

    it('gives every write a new eTag', async () => {
      await storage.write({ k: { v: 1 } });
      const first = (await storage.read(['k'])).k.eTag;
      await storage.write({ k: { v: 1 } });
      expect((await storage.read(['k'])).k.eTag).not.toBe(first);
    });

    it('writes when the eTag matches the stored one', async () => {
      await storage.write({ k: { v: 1 } });
      const item = (await storage.read(['k'])).k;
      await storage.write({ k: { ...item, v: 2 } });
      expect((await storage.read(['k'])).k.v).toBe(2);
    });

    it('refuses a write with a stale eTag, leaving the stored item as it was', async () => {
      await storage.write({ k: { v: 1 } });
      const stale = (await storage.read(['k'])).k;
      await storage.write({ k: { ...stale, v: 2 } });
      await expect(storage.write({ k: { ...stale, v: 3 } })).rejects.toThrow(/eTag conflict/);
      expect((await storage.read(['k'])).k.v).toBe(2);
    });

    it("overwrites unconditionally with eTag '*' or without an eTag", async () => {
      await storage.write({ k: { v: 1 } });
      await storage.write({ k: { v: 2, eTag: '*' } });
      expect((await storage.read(['k'])).k.v).toBe(2);
      await storage.write({ k: { v: 3 } });
      expect((await storage.read(['k'])).k.v).toBe(3);
    });

    it('deletes, and deleting a missing key is not an error', async () => {
      await storage.write({ a: { v: 1 }, b: { v: 2 } });
      await storage.delete(['a', 'never-written']);
      expect(Object.keys(await storage.read(['a', 'b']))).toEqual(['b']);
    });

    it('keeps keys with the characters Teams ids carry', async () => {
      const key = 'msteams/28:bot/conversations/a:1Xyz;messageid=1700000000000/users/29:1AbC-dEf_=';
      await storage.write({ [key]: { ok: true } });
      expect((await storage.read([key]))[key].ok).toBe(true);
    });

    it('survives a restart (reopen of the same store)', async () => {
      if (!s.reopen) return;
      await storage.write({ k: { v: 'kept' } });
      const eTag = (await storage.read(['k'])).k.eTag;
      storage = await s.reopen();
      const item = (await storage.read(['k'])).k;
      expect(item).toMatchObject({ v: 'kept', eTag });
      await expect(storage.write({ k: { v: 'late', eTag: 'stale-etag' } })).rejects.toThrow(/eTag conflict/);
    });
  });
}
