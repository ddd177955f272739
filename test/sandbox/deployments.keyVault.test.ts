import { startTestAzure, type TestAzure } from '../support/azure';
import { deployTemplate } from '../deploy/deployInfra';

// Key vaults and their secrets created by a template (infra/main.json's own vault for the record signing key).
const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
const failure = (r: any) => ('error' in r ? { status: r.error.statusCode, message: r.error.message } : undefined);
const vault = (name: string) => ({
  type: 'Microsoft.KeyVault/vaults',
  apiVersion: '2023-07-01',
  name,
  location: 'eastasia',
  properties: {
    tenantId: '[subscription().tenantId]',
    sku: { family: 'A', name: 'standard' },
    enableRbacAuthorization: true,
    enableSoftDelete: true,
  },
});
const vaultTemplate = (name: string, secret?: string) => ({
  $schema: SCHEMA,
  contentVersion: '1.0.0.0',
  parameters: { value: { type: 'securestring', defaultValue: '' } },
  resources: [
    vault(name),
    ...(secret
      ? [
          {
            type: 'Microsoft.KeyVault/vaults/secrets',
            apiVersion: '2023-07-01',
            name: `${name}/${secret}`,
            dependsOn: [`[resourceId('Microsoft.KeyVault/vaults', '${name}')]`],
            properties: { value: "[parameters('value')]" },
          },
        ]
      : []),
  ],
  outputs: secret
    ? {
        uri: {
          type: 'string',
          value: `[reference(resourceId('Microsoft.KeyVault/vaults/secrets', '${name}', '${secret}'), '2023-07-01').secretUri]`,
        },
        assignment: {
          type: 'string',
          value: `[extensionResourceId(resourceId('Microsoft.KeyVault/vaults', '${name}'), 'Microsoft.Authorization/roleAssignments', 'abc')]`,
        },
      }
    : {},
});

describe('sandbox deployments: key vaults and secrets from a template', () => {
  let azure: TestAzure;
  let n = 0;
  const deploy = (t: object, parameters: Record<string, { value: unknown }> = {}) =>
    deployTemplate(azure, t, parameters, undefined, `kv-${++n}`);
  beforeAll(async () => (azure = await startTestAzure({ botAccess: 'none' })));
  afterAll(() => azure.close());

  it('creates an RBAC vault with its own data-plane origin, and the secret ARM answers for without its value', async () => {
    const result: any = await deploy(vaultTemplate('kv-made-here', 'greeting'), { value: { value: 'hello' } });
    expect(failure(result)).toBeUndefined();
    const uri = result.properties.outputs.uri.value as string;
    expect(uri).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/secrets\/greeting$/);
    expect(result.properties.outputs.assignment.value).toBe(
      '/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg-identity/providers/Microsoft.KeyVault/vaults/kv-made-here/providers/Microsoft.Authorization/roleAssignments/abc',
    );
    const kv = azure.sandbox.world.keyVaults.find((k) => k.name === 'kv-made-here')!;
    expect(kv).toMatchObject({ exists: true, rbac: true, resourceGroup: 'rg-identity' });
    expect(uri).toBe(`${kv.vaultUri}secrets/greeting`);
    expect(JSON.stringify(result.properties)).not.toContain('hello');
    // Creating a secret through ARM gives nobody data access: the bot's identity holds no role on the new vault.
    await expect(azure.clients.secrets(new URL(uri).origin).getSecret('greeting')).rejects.toMatchObject({
      statusCode: 403,
    });
    expect(azure.sandbox.world.keyVaults.find((k) => k.name === 'kv-made-here')!.secrets[0].value).toBe('hello');
  });

  it('refuses a vault name already used elsewhere (vault names are global) and an invalid one, creating nothing', async () => {
    const before = azure.sandbox.world.keyVaults.length;
    const lastError = () => JSON.stringify(azure.sandbox.world.deployments.at(-1)?.error);
    expect(failure(await deploy(vaultTemplate('kv-ade-rbac')))?.message).toMatch(/DeploymentFailed/);
    expect(lastError()).toMatch(/VaultAlreadyExists.*'kv-ade-rbac' is already in use/);
    expect(failure(await deploy(vaultTemplate('9-not-a-vault')))?.message).toMatch(/DeploymentFailed/);
    expect(lastError()).toMatch(/VaultNameNotValid/);
    expect(azure.sandbox.world.keyVaults.length).toBe(before);
  });

  it('refuses a secret parameter shorter than its minLength before deploying anything', async () => {
    const t = {
      ...vaultTemplate('kv-never-made', 's'),
      parameters: { value: { type: 'securestring', minLength: 10 } },
    };
    expect(failure(await deploy(t, { value: { value: 'short' } }))).toEqual({
      status: 400,
      message: expect.stringContaining(
        "'value' is not valid. Length of the value should be greater than or equal to '10'",
      ),
    });
    expect(azure.sandbox.world.keyVaults.some((k) => k.name === 'kv-never-made')).toBe(false);
  });
});
