import { AzureClients } from '../../src/azure/clients';
import { DirectoryOperations } from '../../src/azure/directory';
import { KeyVaultOperations } from '../../src/azure/keyVaults';
import { startTestAzure, type TestAzure } from '../support/azure';
import { armCalls } from '../support/azureOps';

const RG = 'rg-keys';
const BMS_OBJECT_ID = '66666666-6666-4666-8666-666666666601';

describe('KeyVaultOperations', () => {
  let azure: TestAzure;
  let keyVaults: KeyVaultOperations;
  beforeAll(async () => {
    azure = await startTestAzure();
    keyVaults = new KeyVaultOperations(azure.clients);
  });
  afterAll(() => azure.close());

  const kvUri = (name: string) => azure.sandbox.world.keyVaults.find((k) => k.name === name)!.vaultUri!;
  const encryptionOf = (vm: string) => azure.sandbox.world.vms.find((v) => v.name === vm)!.encryption!;

  it('finds Backup Management Service already granted on kv-ade-policy', async () => {
    const access = await keyVaults.getAccess({ name: 'kv-ade-policy', resourceGroup: RG }, 'bek+kek');
    expect(access).toMatchObject({ exists: true, model: 'accessPolicy', granted: true, missing: [] });
    expect(access.change).toBeUndefined();
  });

  it('says which permissions are missing on kv-ade-nogrant, per encryption kind', async () => {
    const full = await keyVaults.getAccess({ name: 'kv-ade-nogrant', resourceGroup: RG }, 'bek+kek');
    expect(full).toMatchObject({ exists: true, model: 'accessPolicy', granted: false });
    expect(full.missing).toEqual([
      'keys:get',
      'keys:list',
      'keys:backup',
      'secrets:get',
      'secrets:list',
      'secrets:backup',
    ]);
    expect(full.change).toEqual({
      kind: 'accessPolicy',
      principalObjectId: BMS_OBJECT_ID,
      keys: ['get', 'list', 'backup'],
      secrets: ['get', 'list', 'backup'],
    });
    const bekOnly = await keyVaults.getAccess({ name: 'kv-ade-nogrant', resourceGroup: RG }, 'bek');
    expect(bekOnly.change).toMatchObject({ keys: [], secrets: ['get', 'list', 'backup'] });
  });

  it('reports a key vault that does not exist', async () => {
    const access = await keyVaults.getAccess({ name: 'kv-ade-gone', resourceGroup: RG }, 'bek+kek');
    expect(access).toMatchObject({ exists: false, granted: false, keyVault: { name: 'kv-ade-gone' } });
  });

  it('grants kv-ade-nogrant with one access-policy add, then answers "already granted"', async () => {
    const ref = `/subscriptions/${azure.settings.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.KeyVault/vaults/kv-ade-nogrant`;
    const mark = azure.sandbox.log.mark();
    const first = await keyVaults.grantBackupAccess(ref, 'bek+kek');
    expect(first.changed).toBe(true);
    expect(first.access.granted).toBe(true);
    const calls = armCalls(azure, mark);
    expect(calls.filter((c) => /^PUT /.test(c))).toHaveLength(1);
    const entry = azure.sandbox.world.keyVaults
      .find((k) => k.name === 'kv-ade-nogrant')!
      .accessPolicies.find((p) => p.objectId === BMS_OBJECT_ID);
    expect(entry?.permissions.keys).toEqual(expect.arrayContaining(['get', 'list', 'backup']));
    expect(entry?.permissions.secrets).toEqual(expect.arrayContaining(['get', 'list', 'backup']));

    const again = await keyVaults.grantBackupAccess(ref, 'bek+kek');
    expect(again).toMatchObject({ changed: false, access: { granted: true } });
  });

  it('offers the configured least-privilege role instead of Key Vault Administrator', async () => {
    const custom = '8a3b1c2d-0000-4000-8000-00000000a0de';
    const clients = new AzureClients({ ...azure.settings, rbacKeyVaultRoleDefinitionId: custom }, azure.credential);
    const access = await new KeyVaultOperations(clients).getAccess(
      { name: 'kv-ade-rbac', resourceGroup: RG },
      'bek+kek',
    );
    expect(access.change).toMatchObject({
      kind: 'roleAssignment',
      roleDefinitionId: `/subscriptions/${azure.settings.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${custom}`,
      roleName: `Custom role ${custom}`,
    });
  });

  it('grants kv-ade-rbac with a role assignment for Backup Management Service, idempotently', async () => {
    const ref = { name: 'kv-ade-rbac', resourceGroup: RG };
    const before = await keyVaults.getAccess(ref, 'bek+kek');
    expect(before).toMatchObject({ model: 'rbac', granted: false, missing: ['role'] });
    expect(before.change).toMatchObject({
      kind: 'roleAssignment',
      roleName: 'Key Vault Administrator',
      principalObjectId: BMS_OBJECT_ID,
    });

    const granted = await keyVaults.grantBackupAccess(ref, 'bek+kek');
    expect(granted).toMatchObject({ changed: true, access: { granted: true } });
    const assignments = azure.sandbox.world.roleAssignments.filter((a) => a.principalId === BMS_OBJECT_ID);
    expect(assignments).toHaveLength(1);
    expect(assignments[0]).toMatchObject({
      principalType: 'ServicePrincipal',
      roleDefinitionId: expect.stringMatching(/00482a5a-887f-4fb3-b363-3b7fe8e74483$/),
    });
    expect(assignments[0].scope.toLowerCase()).toMatch(/\/vaults\/kv-ade-rbac$/);

    const again = await keyVaults.grantBackupAccess(ref, 'bek+kek');
    expect(again.changed).toBe(false);
    expect(azure.sandbox.world.roleAssignments.filter((a) => a.principalId === BMS_OBJECT_ID)).toHaveLength(1);
  });

  it('reads access with one vault GET (+ one role list on RBAC vaults), the directory look-up cached', async () => {
    await keyVaults.getAccess({ name: 'kv-ade-policy', resourceGroup: RG }, 'bek+kek');
    let mark = azure.sandbox.log.mark();
    await keyVaults.getAccess({ name: 'kv-ade-policy', resourceGroup: RG }, 'bek+kek');
    expect(armCalls(azure, mark)).toHaveLength(1);
    mark = azure.sandbox.log.mark();
    await keyVaults.getAccess({ name: 'kv-ade-rbac', resourceGroup: RG }, 'bek+kek');
    expect(armCalls(azure, mark)).toHaveLength(2);
  });

  type StateCase = [string, 'active' | 'soft-deleted' | 'missing'];
  const states: StateCase[] = [
    ['vm-web-01', 'active'],
    ['vm-softkey-01', 'soft-deleted'],
    ['vm-lostkey-01', 'missing'],
  ];
  it.each(states)("knows whether %s's key and secret are %s", async (vm, state) => {
    const enc = encryptionOf(vm);
    expect(await keyVaults.getKeyState(kvUri('kv-ade-policy'), enc.keyUrl!)).toBe(state);
    expect(await keyVaults.getSecretState(kvUri('kv-ade-policy'), enc.secretUrl)).toBe(state);
  });

  it('never reads a secret value', async () => {
    const mark = azure.sandbox.log.mark();
    await keyVaults.getSecretState(kvUri('kv-ade-policy'), encryptionOf('vm-web-01').secretUrl);
    const paths = azure.requestsSince(mark).filter((r) => (r as { surface?: string }).surface === 'keyvault');
    expect(paths.length).toBeGreaterThan(0);
    // Only metadata routes: versions list or deleted-secret list, never GET /secrets/{name}[/{version}].
    expect(paths.every((r) => /\/versions$|^\/deletedsecrets/i.test(r.path))).toBe(true);
  });

  it('looks Backup Management Service up by app id once per process', async () => {
    const clients = new AzureClients(azure.settings, azure.credential); // a process of its own: nothing cached yet
    const mark = azure.sandbox.log.mark();
    expect(await new DirectoryOperations(clients).backupManagementServiceObjectId()).toBe(BMS_OBJECT_ID);
    expect(await new DirectoryOperations(clients).backupManagementServiceObjectId()).toBe(BMS_OBJECT_ID);
    expect(armCalls(azure, mark)).toHaveLength(1);
  });

  it('answers group membership from Graph and caches it for five minutes', async () => {
    let now = 1_000_000;
    const directory = new DirectoryOperations(azure.clients, () => now);
    const [member, group] = Object.entries(azure.sandbox.world.groups).map(([g, members]) => [members[0], g])[1];
    const other = Object.keys(azure.sandbox.world.groups)[0];
    const mark = azure.sandbox.log.mark();
    expect(await directory.memberGroups(member, [group, other])).toEqual([group]);
    expect(await directory.memberGroups(member, [other, group])).toEqual([group]);
    expect(armCalls(azure, mark)).toHaveLength(1);
    now += 5 * 60 * 1000 + 1;
    await directory.memberGroups(member, [group, other]);
    expect(armCalls(azure, mark)).toHaveLength(2);
  });
});
