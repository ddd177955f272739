import { AzureRequestError } from '../../src/azure/errors';
import { KeyVaultOperations } from '../../src/azure/keyVaults';
import { PolicyOperations } from '../../src/azure/policies';
import { explain } from '../../src/azure/troubleshooting';
import { VaultOperations } from '../../src/azure/vaults';
import { startTestAzure, type TestAzure } from '../support/azure';

describe('throttling, transient failures and missing permissions', () => {
  let azure: TestAzure;
  beforeAll(async () => {
    azure = await startTestAzure();
  });
  afterEach(() => azure.sandbox.faults.clear());
  afterAll(() => azure.close());

  const statuses = (mark: number) => azure.requestsSince(mark).map((r) => r.status);

  it('retries a 429 storm with Retry-After and succeeds (modular client: Recovery Services)', async () => {
    azure.sandbox.faults.add({ kind: 'throttle', retryAfterSeconds: 0, times: 3, surface: 'arm' });
    const mark = azure.sandbox.log.mark();
    const vaults = await new VaultOperations(azure.clients).list();
    expect(vaults).toHaveLength(2);
    expect(statuses(mark)).toEqual([429, 429, 429, 200]);
  });

  it('retries a 429 storm and succeeds (classic client: Recovery Services Backup)', async () => {
    const policies = new PolicyOperations(azure.clients);
    await policies.list({ name: 'rsv-prod-eastasia', resourceGroup: 'rg-backup' });
    azure.sandbox.faults.add({ kind: 'throttle', retryAfterSeconds: 0, times: 3, surface: 'arm' });
    const mark = azure.sandbox.log.mark();
    expect((await policies.list({ name: 'rsv-prod-eastasia', resourceGroup: 'rg-backup' })).length).toBeGreaterThan(0);
    expect(statuses(mark)).toEqual([429, 429, 429, 200]);
  });

  it('retries transient 5xx', async () => {
    azure.sandbox.faults.add({ kind: 'error', status: 503, times: 2, surface: 'arm' });
    const mark = azure.sandbox.log.mark();
    await new PolicyOperations(azure.clients).list({ name: 'rsv-prod-sea', resourceGroup: 'rg-backup' });
    expect(statuses(mark)).toEqual([503, 503, 200]);
  });

  it('surfaces throttling that outlasts the retries as TooManyRequests', async () => {
    azure.sandbox.faults.add({ kind: 'throttle', retryAfterSeconds: 0, times: 10, surface: 'arm' });
    const err = await new PolicyOperations(azure.clients)
      .list({ name: 'rsv-prod-sea', resourceGroup: 'rg-backup' })
      .catch((e) => e);
    expect(err).toBeInstanceOf(AzureRequestError);
    expect(err.details).toMatchObject({ statusCode: 429, operation: 'listPolicies' });
    expect(explain(err, 'en')).toMatchObject({ code: 'TooManyRequests', fix: { kind: 'retry' } });
  });

  it('explains a 403 with the missing action and scope', async () => {
    const world = azure.sandbox.world;
    const bot = world.identities.find((i) => i.approved)!;
    // Take away the bot's Key Vault Contributor role on rg-keys: the access-policy write is now forbidden.
    world.roleAssignments = world.roleAssignments.filter(
      (a) =>
        !(
          a.principalId === bot.objectId &&
          /\/resourceGroups\/rg-keys$/i.test(a.scope) &&
          /f25e0fa2-a7c8-4377-a976-54943a77a395$/.test(a.roleDefinitionId)
        ),
    );
    const err = await new KeyVaultOperations(azure.clients)
      .grantBackupAccess({ name: 'kv-ade-nogrant', resourceGroup: 'rg-keys' }, 'bek+kek')
      .catch((e) => e);
    expect(err).toBeInstanceOf(AzureRequestError);
    expect(err.details).toMatchObject({ statusCode: 403, code: 'AuthorizationFailed', requestId: expect.any(String) });
    const en = explain(err, 'en');
    expect(en.code).toBe('AuthorizationFailed');
    expect(en.cause).toMatch(/Microsoft\.KeyVault\/vaults\/accessPolicies\/write/i);
    expect(en.cause).toMatch(/kv-ade-nogrant/);
    expect(explain(err, 'zh-TW').cause).toMatch(/Microsoft\.KeyVault\/vaults\/accessPolicies\/write/i);
  });
});
