import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { AzureClients } from '../../src/azure/clients';
import { startTestAzure, type TestAzure } from '../support/azure';

describe('sandbox Key Vault data plane: secrets', () => {
  let azure: TestAzure;
  let vaultUri: string;
  beforeAll(async () => {
    azure = await startTestAzure();
    vaultUri = azure.sandbox.endpoints.keyVaults['kv-ade-policy'];
  });
  afterAll(() => azure.close());

  const vm = (name: string) => azure.sandbox.world.vms.find((v) => v.name === name)!;
  const secretNameOf = (name: string) => vm(name).encryption!.secretUrl.split('/secrets/')[1].split('/')[0];

  it("returns a VM's wrapped BEK with its value, content type and ADE tags", async () => {
    const secret = await azure.clients.secrets(vaultUri).getSecret(secretNameOf('vm-web-01'));
    expect(secret.properties.id).toBe(vm('vm-web-01').encryption!.secretUrl);
    const stored = azure.sandbox.world.keyVaults
      .find((k) => k.name === 'kv-ade-policy')!
      .secrets.find((s) => s.name === secret.name)!;
    expect(secret.value).toBe(stored.value);
    expect(secret.properties.contentType).toBe('Wrapped BEK');
    expect(secret.properties.tags).toMatchObject({
      MachineName: 'vm-web-01',
      DiskEncryptionKeyEncryptionAlgorithm: 'RSA-OAEP',
    });
  });

  it('sets a wrapped BEK as a new version, with content type and tags', async () => {
    const secrets = azure.clients.secrets(vaultUri);
    const tags = {
      DiskEncryptionKeyFileName: 'NEW-BEK.BEK',
      MachineName: 'vm-new-01',
      DiskEncryptionKeyEncryptionAlgorithm: 'RSA-OAEP',
    };
    const first = await secrets.setSecret('NEW-BEK', 'd3JhcHBlZA==', { contentType: 'Wrapped BEK', tags });
    const second = await secrets.setSecret('NEW-BEK', 'd3JhcHBlZDI=', { contentType: 'Wrapped BEK', tags });
    expect(second.properties.version).not.toBe(first.properties.version);
    expect(second.properties.id).toBe(`${vaultUri}secrets/NEW-BEK/${second.properties.version}`);
    const latest = await secrets.getSecret('NEW-BEK');
    expect(latest.value).toBe('d3JhcHBlZDI=');
    expect(latest.properties.tags).toEqual(tags);
    expect((await secrets.getSecret('NEW-BEK', { version: first.properties.version })).value).toBe('d3JhcHBlZA==');
  });

  it('recovers a soft-deleted BEK, and will not set a new value under its name meanwhile', async () => {
    const secrets = azure.clients.secrets(vaultUri);
    const name = secretNameOf('vm-softkey-01');
    await expect(secrets.getSecret(name)).rejects.toMatchObject({ statusCode: 404, code: 'SecretNotFound' });
    await expect(secrets.setSecret(name, 'eA==')).rejects.toMatchObject({ statusCode: 409, code: 'Conflict' });
    const deleted = await secrets.getDeletedSecret(name);
    expect(deleted.recoveryId).toBe(`${vaultUri}deletedsecrets/${name}`);
    expect(deleted.value).toBeUndefined();
    const recovered = await (await secrets.beginRecoverDeletedSecret(name, { intervalInMs: 10 })).pollUntilDone();
    expect(recovered.id).toBe(vm('vm-softkey-01').encryption!.secretUrl);
    expect((await secrets.getSecret(name)).properties.contentType).toBe('Wrapped BEK');
  });

  describe('as an administrator with every secret permission', () => {
    let admin: ReturnType<AzureClients['secrets']>;
    beforeAll(async () => {
      // id-other gets every secret permission through the bot's Key Vault Contributor role (an admin's grant).
      const other = azure.sandbox.world.identities.find((i) => i.name === 'id-other')!;
      for (const vault of ['kv-ade-policy', 'kv-ade-nogrant']) {
        await azure.clients.keyVault.vaults.updateAccessPolicy('rg-keys', vault, 'add', {
          properties: {
            accessPolicies: [
              { tenantId: azure.sandbox.world.tenantId, objectId: other.objectId, permissions: { secrets: ['all'] } },
            ],
          },
        });
      }
      admin = clientsAs(azure, other.objectId, other.clientId).secrets(vaultUri);
    });

    it("puts a purged BEK back from a recovery point's secret backup, under its old URL", async () => {
      const name = secretNameOf('vm-lostkey-01');
      await expect(admin.getDeletedSecret(name)).rejects.toMatchObject({ statusCode: 404 });
      const rp = azure.sandbox.world.recoveryPoints.find((r) => r.vmId.endsWith('/vm-lostkey-01') && r.secretBackup)!;
      // The bot's own policy holds secrets 'restore': a BEK-only VM's BEK comes back from its backup blob.
      const restored = await azure.clients
        .secrets(vaultUri)
        .restoreSecretBackup(Buffer.from(rp.secretBackup!, 'base64'));
      expect(restored.id).toBe(vm('vm-lostkey-01').encryption!.secretUrl);
      expect((await azure.clients.secrets(vaultUri).getSecret(name)).value).toBe(rp.secretValue);
    });

    it('backs up a secret with every version and restores it elsewhere in the security world, not over an existing name', async () => {
      await admin.setSecret('TWO-VERSIONS', 'djE=');
      await admin.setSecret('TWO-VERSIONS', 'djI=');
      const backup = await admin.backupSecret('TWO-VERSIONS');
      await expect(admin.restoreSecretBackup(backup!)).rejects.toMatchObject({ statusCode: 409, code: 'Conflict' });
      const other = azure.sandbox.world.identities.find((i) => i.name === 'id-other')!;
      const nogrant = clientsAs(azure, other.objectId, other.clientId).secrets(
        azure.sandbox.endpoints.keyVaults['kv-ade-nogrant'],
      );
      await nogrant.restoreSecretBackup(backup!);
      const versions: string[] = [];
      for await (const v of nogrant.listPropertiesOfSecretVersions('TWO-VERSIONS')) versions.push(v.version!);
      expect(versions).toHaveLength(2);
      expect((await nogrant.getSecret('TWO-VERSIONS')).value).toBe('djI=');
    });

    it('refuses a malformed backup with 400 without echoing it', async () => {
      const err = await admin
        .restoreSecretBackup(Buffer.from('{"sandboxBackup":"secret","vault":"x"}'))
        .catch((e) => e);
      expect(err).toMatchObject({ statusCode: 400, code: 'BadParameter' });
      expect(err.message).not.toContain('sandboxBackup');
    });

    it('refuses a backup that does not come from this security world', async () => {
      const blob = Buffer.from(
        JSON.stringify({
          sandboxBackup: 'secret',
          vault: 'kv-elsewhere',
          objects: [{ name: 'x', version: 'a', value: 'eA==', created: new Date().toISOString() }],
        }),
      );
      await expect(admin.restoreSecretBackup(blob)).rejects.toMatchObject({ statusCode: 400, code: 'BadParameter' });
    });
  });
});

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
