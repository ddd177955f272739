import { loadConfig } from '../../src/config';
import { SigningKeyOperations } from '../../src/azure/signingKey';
import { decodeSigningKey } from '../../src/store/signing';
import { startTestAzure, type TestAzure } from '../support/azure';
import { deployInfra, sandboxParameters } from './deployInfra';

// What live mode needs beyond the roles (src/config.ts refuses to start without them): the approvers' conversation,
// and the record signing key in a Key Vault secret the bot's identity can read. infra/main.json provides both.
const SUB = '/subscriptions/22222222-2222-4222-8222-222222222222';
const KEY = sandboxParameters().recordSigningKey.value as string;

describe("infra/main.json: the bot's key vault, its signing key, the approvers' conversation", () => {
  let azure: TestAzure;
  let deployment: any;
  beforeAll(async () => (azure = await startTestAzure({ botAccess: 'none' })));
  afterAll(() => azure.close());

  // First, in the bare world: what the template refuses (one sandbox per file: the credential caches tokens).
  it.each([
    ['no approvers’ conversation', { approversConversationId: '' }, /approversConversationId/],
    ['a signing key shorter than 32 bytes', { recordSigningKey: 'c2hvcnQ=' }, /recordSigningKey.*44/],
  ])('%s: a clear error, and nothing is created', async (_, change, message) => {
    const result = await deployInfra(azure, sandboxParameters(change));
    expect((result as any).error).toMatchObject({ message: expect.stringMatching(message) });
    expect(JSON.stringify((result as any).error)).not.toContain(KEY);
    const w = azure.sandbox.world;
    expect(w.keyVaults.filter((k) => k.resourceGroup === 'rg-identity')).toEqual([]);
    expect(w.roleAssignments.filter((a) => a.scope.startsWith(`${SUB}/resourceGroups/rg-identity/`))).toEqual([]);
  });

  it('a missing signing key is refused by name', async () => {
    const parameters = sandboxParameters();
    delete (parameters as Record<string, unknown>).recordSigningKey;
    const result = await deployInfra(azure, parameters);
    expect((result as any).error).toMatchObject({ message: expect.stringContaining("'recordSigningKey'") });
  });

  it('deploys with both', async () => {
    deployment = await deployInfra(azure);
    expect(deployment.error).toBeUndefined();
  });

  const appSettings = (): Record<string, string> =>
    azure.sandbox.world.armResources.find((r) => r.type === 'Microsoft.Web/sites/config')!.properties;

  it('the App Service settings start the bot in live mode, with the approvers’ conversation and the key’s secret', () => {
    expect(deployment.error).toBeUndefined();
    const config = loadConfig(appSettings());
    expect(config.mode).toBe('live');
    expect(config.approvals.approversConversationId).toBe('19:approvers-sandbox@thread.tacv2');
    expect(config.signing.secretUri).toBe(deployment.properties.outputs.RECORD_SIGNING_KEY_SECRET_URI.value);
  });

  it('creates an RBAC key vault of its own and puts the key in it, never echoing the key', () => {
    const kv = azure.sandbox.world.keyVaults.find((k) => k.resourceGroup === 'rg-identity')!;
    expect(kv).toMatchObject({ exists: true, rbac: true, accessPolicies: [] });
    expect(kv.name).toMatch(/^kv-bot-[a-z0-9]{13}$/);
    expect(appSettings().RECORD_SIGNING_KEY_SECRET_URI).toBe(`${kv.vaultUri}secrets/record-signing-key`);
    expect(kv.secrets.map((s) => [s.name, s.value])).toEqual([['record-signing-key', KEY]]);
    // A secure parameter: not in the deployment's parameters, outputs, or any stored resource.
    expect(JSON.stringify(deployment.properties)).not.toContain(KEY);
    expect(JSON.stringify(azure.sandbox.world.armResources)).not.toContain(KEY);
  });

  it('the bot reads the key as its managed identity (Key Vault Secrets User), and cannot change it', async () => {
    const uri = appSettings().RECORD_SIGNING_KEY_SECRET_URI;
    const key = decodeSigningKey(await new SigningKeyOperations(azure.clients).read(uri));
    expect(key).toEqual(Buffer.from(KEY, 'base64'));
    await expect(
      azure.clients.secrets(new URL(uri).origin).setSecret('record-signing-key', 'a-key-of-the-bots-own-choosing'),
    ).rejects.toMatchObject({ statusCode: 403 });
  });

  it('a second deployment with the same key keeps the secret’s version (records stay verifiable)', async () => {
    const kv = azure.sandbox.world.keyVaults.find((k) => k.resourceGroup === 'rg-identity')!;
    const before = kv.secrets.map((s) => s.version);
    const again = await deployInfra(azure);
    expect((again as any).properties?.provisioningState).toBe('Succeeded');
    expect(kv.secrets.map((s) => s.version)).toEqual(before);
  });
});
