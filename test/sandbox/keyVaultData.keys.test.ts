import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { AzureClients } from '../../src/azure/clients';
import { startTestAzure, type TestAzure } from '../support/azure';

describe('sandbox Key Vault data plane: keys', () => {
  let azure: TestAzure;
  let vaultUri: string;
  beforeAll(async () => {
    azure = await startTestAzure();
    vaultUri = azure.sandbox.endpoints.keyVaults['kv-ade-policy'];
  });
  afterAll(() => azure.close());

  const keyUrlOf = (vm: string) => azure.sandbox.world.vms.find((v) => v.name === vm)!.encryption!.keyUrl!;

  it('answers the first request with the 401 challenge, then serves the retried request', async () => {
    const mark = azure.sandbox.log.mark();
    const key = await azure.clients.keys(vaultUri).getKey('kek-vm-web-01');
    expect(key.id).toBe(keyUrlOf('vm-web-01'));
    const served = azure.requestsSince(mark).filter((e) => e.routeId === 'keyVaultData.keys.get');
    expect(served.map((e) => e.status)).toEqual([401, 200]);
  });

  it('returns the key as a public RSA JWK that stays the same across reads', async () => {
    const keys = azure.clients.keys(vaultUri);
    const key = await keys.getKey('kek-vm-web-01');
    expect(key.keyType).toBe('RSA');
    expect(key.key?.n).toHaveLength(256);
    expect(Buffer.from(key.key!.e!).toString('base64url')).toBe('AQAB');
    expect(key.key?.d).toBeUndefined();
    expect(key.properties.recoveryLevel).toBe('Recoverable+Purgeable');
    expect(key.properties.createdOn).toBeInstanceOf(Date);
    const again = await keys.getKey('kek-vm-web-01', { version: key.properties.version });
    expect(Buffer.from(again.key!.n!).equals(Buffer.from(key.key!.n!))).toBe(true);
  });

  it('lists keys page by page', async () => {
    const names: string[] = [];
    let pages = 0;
    for await (const page of azure.clients.keys(vaultUri).listPropertiesOfKeys().byPage({ maxPageSize: 2 })) {
      pages++;
      names.push(...page.map((k) => k.name));
    }
    expect(pages).toBeGreaterThan(1);
    expect(names).toContain('kek-vm-web-01');
    expect(names).not.toContain('kek-vm-lostkey-01');
    expect(names).not.toContain('kek-vm-softkey-01');
  });

  it('refuses to restore a backup over a key that exists, then restores it once the key is purged', async () => {
    const keys = azure.clients.keys(vaultUri);
    await expect(keys.backupKey('kek-vm-app-02')).rejects.toMatchObject({ statusCode: 403 });
    // An administrator (id-other, granted every key permission by the bot's Key Vault Contributor role) backs up,
    // deletes and purges; the bot restores.
    const other = azure.sandbox.world.identities.find((i) => i.name === 'id-other')!;
    await azure.clients.keyVault.vaults.updateAccessPolicy('rg-keys', 'kv-ade-policy', 'add', {
      properties: {
        accessPolicies: [
          { tenantId: azure.sandbox.world.tenantId, objectId: other.objectId, permissions: { keys: ['all'] } },
        ],
      },
    });
    const admin = clientsAs(azure, other.objectId, other.clientId).keys(vaultUri);
    const backup = await admin.backupKey('kek-vm-app-02');
    expect(backup).toBeInstanceOf(Uint8Array);
    await expect(keys.restoreKeyBackup(backup!)).rejects.toMatchObject({ statusCode: 409, code: 'Conflict' });

    await (await admin.beginDeleteKey('kek-vm-app-02', { intervalInMs: 10 })).pollUntilDone();
    await expect(keys.getKey('kek-vm-app-02')).rejects.toMatchObject({ statusCode: 404 });
    await expect(keys.restoreKeyBackup(backup!)).rejects.toMatchObject({ statusCode: 409 });
    await expect(keys.purgeDeletedKey('kek-vm-app-02')).rejects.toMatchObject({ statusCode: 403 });
    await admin.purgeDeletedKey('kek-vm-app-02');
    await expect(keys.getDeletedKey('kek-vm-app-02')).rejects.toMatchObject({ statusCode: 404 });

    const restored = await keys.restoreKeyBackup(backup!);
    expect(restored.id).toBe(keyUrlOf('vm-app-02'));
  });

  it('recovers a soft-deleted key with the recover poller', async () => {
    const keys = azure.clients.keys(vaultUri);
    await expect(keys.getKey('kek-vm-softkey-01')).rejects.toMatchObject({ statusCode: 404, code: 'KeyNotFound' });
    const deleted = await keys.getDeletedKey('kek-vm-softkey-01');
    expect(deleted.properties.recoveryId).toBe(`${vaultUri}deletedkeys/kek-vm-softkey-01`);
    expect(deleted.properties.deletedOn).toBeInstanceOf(Date);
    const mark = azure.sandbox.log.mark();
    const poller = await keys.beginRecoverDeletedKey('kek-vm-softkey-01', { intervalInMs: 10 });
    const key = await poller.pollUntilDone();
    // Recovery is asynchronous: the poller saw the key missing before it appeared.
    const polls = azure.requestsSince(mark).filter((e) => e.routeId === 'keyVaultData.keys.get');
    expect(polls.map((e) => e.status)).toContain(404);
    expect(polls[polls.length - 1].status).toBe(200);
    expect(key.id).toBe(keyUrlOf('vm-softkey-01'));
    expect((await keys.getKey('kek-vm-softkey-01')).id).toBe(keyUrlOf('vm-softkey-01'));
    await expect(keys.getDeletedKey('kek-vm-softkey-01')).rejects.toMatchObject({ statusCode: 404 });
  });

  it("puts a purged key back from a recovery point's key backup, under its old URL", async () => {
    const keys = azure.clients.keys(vaultUri);
    await expect(keys.getDeletedKey('kek-vm-lostkey-01')).rejects.toMatchObject({
      statusCode: 404,
      code: 'KeyNotFound',
    });
    const rp = azure.sandbox.world.recoveryPoints.find((r) => r.vmId.endsWith('/vm-lostkey-01') && r.keyBackup)!;
    // The classic mistake: the base64 text's own bytes instead of the decoded blob.
    await expect(keys.restoreKeyBackup(Buffer.from(rp.keyBackup!))).rejects.toMatchObject({
      statusCode: 400,
      code: 'BadParameter',
    });
    const restored = await keys.restoreKeyBackup(Buffer.from(rp.keyBackup!, 'base64'));
    expect(restored.name).toBe('kek-vm-lostkey-01');
    expect(restored.id).toBe(keyUrlOf('vm-lostkey-01'));
    expect((await keys.getKey('kek-vm-lostkey-01')).id).toBe(keyUrlOf('vm-lostkey-01'));
  });

  it('restores into another vault of the same security world, and refuses a secret backup as a key', async () => {
    const rp = azure.sandbox.world.recoveryPoints.find((r) => r.vmId.endsWith('/vm-db-01') && r.keyBackup)!;
    const nogrant = azure.clients.keys(azure.sandbox.endpoints.keyVaults['kv-ade-nogrant']);
    // The bot's policy on kv-ade-nogrant allows restore.
    const restored = await nogrant.restoreKeyBackup(Buffer.from(rp.keyBackup!, 'base64'));
    expect(restored.id).toBe(
      `${azure.sandbox.endpoints.keyVaults['kv-ade-nogrant']}keys/kek-vm-db-01/${restored.properties.version}`,
    );
    await expect(nogrant.restoreKeyBackup(Buffer.from(rp.secretBackup!, 'base64'))).rejects.toMatchObject({
      statusCode: 400,
    });
  });
});

/** The real clients, acting as another directory object (tokens minted by the sandbox's token authority). */
function clientsAs(azure: TestAzure, objectId: string, appId: string): AzureClients {
  const credential: TokenCredential = {
    getToken: async (scopes): Promise<AccessToken> => {
      const audience = (Array.isArray(scopes) ? scopes[0] : scopes).replace(/\/\.default$/, '');
      const { token, expiresOn } = azure.sandbox.tokens.issue({ objectId, appId, audience });
      return { token, expiresOnTimestamp: expiresOn * 1000 };
    },
  };
  return new AzureClients(azure.settings, credential);
}
