import https from 'node:https';
import type { Permission } from '@azure/arm-authorization';
import { actionMatches } from '../../src/sandbox/authorization/rbac';
import { startTestAzure, type TestAzure } from '../support/azure';

const KEY_VAULT_ADMINISTRATOR = '00482a5a-887f-4fb3-b363-3b7fe8e74483';
const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const BMS = '66666666-6666-4666-8666-666666666601';

describe('sandbox Authorization', () => {
  let azure: TestAzure;
  let sub: string;
  let kvScope: string;
  const roleId = (guid: string) => `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
  beforeAll(async () => {
    azure = await startTestAzure();
    sub = azure.sandbox.world.subscriptionId;
    kvScope = `/subscriptions/${sub}/resourceGroups/rg-keys/providers/Microsoft.KeyVault/vaults/kv-ade-rbac`;
  });
  afterAll(() => azure.close());

  it('assigns Key Vault Administrator to Backup Management Service on the RBAC vault, once', async () => {
    const created = await azure.clients.authorization.roleAssignments.create(
      kvScope,
      'a7c2e9f0-1b2d-4e3f-8a9b-0c1d2e3f4a5b',
      {
        roleDefinitionId: roleId(KEY_VAULT_ADMINISTRATOR),
        principalId: BMS,
        principalType: 'ServicePrincipal',
      },
    );
    expect(created).toMatchObject({
      id: `${kvScope}/providers/Microsoft.Authorization/roleAssignments/a7c2e9f0-1b2d-4e3f-8a9b-0c1d2e3f4a5b`,
      type: 'Microsoft.Authorization/roleAssignments',
      scope: kvScope,
      principalType: 'ServicePrincipal',
    });
    // The same PUT again is idempotent; the same grant under a new name is a conflict.
    await azure.clients.authorization.roleAssignments.create(kvScope, 'a7c2e9f0-1b2d-4e3f-8a9b-0c1d2e3f4a5b', {
      roleDefinitionId: roleId(KEY_VAULT_ADMINISTRATOR),
      principalId: BMS,
    });
    await expect(
      azure.clients.authorization.roleAssignments.create(kvScope, 'b8d3f0a1-2c3e-4f40-9bac-1d2e3f4a5b6c', {
        roleDefinitionId: roleId(KEY_VAULT_ADMINISTRATOR),
        principalId: BMS,
        principalType: 'ServicePrincipal',
      }),
    ).rejects.toMatchObject({
      statusCode: 409,
      code: 'RoleAssignmentExists',
      message: 'The role assignment already exists.',
    });
  });

  it("refuses Owner: the bot's RBAC administrator grant is limited by its condition", async () => {
    const err = await azure.clients.authorization.roleAssignments
      .create(kvScope, 'c9e4a1b2-3d4f-4a51-8cbd-2e3f4a5b6c7d', {
        roleDefinitionId: roleId(OWNER),
        principalId: BMS,
        principalType: 'ServicePrincipal',
      })
      .catch((e) => e);
    expect(err).toMatchObject({ statusCode: 403, code: 'AuthorizationFailed' });
    expect(err.message).toContain('ABAC condition not fulfilled');
    expect(azure.sandbox.world.roleAssignments.some((a) => a.roleDefinitionId.endsWith(OWNER))).toBe(false);
    // The condition's other role, the least-privilege custom reader, is allowed.
    const custom = await azure.clients.authorization.roleAssignments.create(
      kvScope,
      'c9e4a1b2-3d4f-4a51-8cbd-2e3f4a5b6c7e',
      {
        roleDefinitionId: roleId('8a3b1c2d-0000-4000-8000-00000000a0de'),
        principalId: BMS,
        principalType: 'ServicePrincipal',
      },
    );
    expect(custom.principalId).toBe(BMS);
  });

  it('refuses a caller with no write permission at the scope', async () => {
    const other = azure.sandbox.world.identities.find((i) => i.name === 'id-other')!;
    const token = azure.sandbox.tokens.issue({
      objectId: other.objectId,
      appId: other.clientId,
      audience: 'https://management.azure.com',
    }).token;
    const res = await request(
      azure,
      `${kvScope}/providers/Microsoft.Authorization/roleAssignments/d0f5b2c3-4e5a-4b62-9dce-3f4a5b6c7d8e?api-version=2022-04-01`,
      token,
      'PUT',
      {
        properties: { roleDefinitionId: roleId(KEY_VAULT_ADMINISTRATOR), principalId: BMS },
      },
    );
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('AuthorizationFailed');
  });

  it('validates the role definition and the principal', async () => {
    // An unconditional role-assignment writer on rg-restore, so that validation, not the condition, answers.
    const admin = {
      objectId: '44444444-4444-4444-8444-4444444444aa',
      clientId: '33333333-3333-4333-8333-3333333333aa',
    };
    azure.sandbox.world.identities.push({ name: 'id-admin', resourceGroup: 'rg-identity', approved: false, ...admin });
    azure.sandbox.world.roleAssignments.push({
      name: 'e1a6c3d4-5f6b-4c73-8edf-4a5b6c7d8e9f',
      scope: `/subscriptions/${sub}/resourceGroups/rg-restore`,
      roleDefinitionId: roleId(OWNER),
      principalId: admin.objectId,
      principalType: 'ServicePrincipal',
      createdOn: new Date().toISOString(),
    });
    const token = azure.sandbox.tokens.issue({
      objectId: admin.objectId,
      appId: admin.clientId,
      audience: 'https://management.azure.com',
    }).token;
    const put = (principalId: string, role: string, principalType?: string) =>
      request(
        azure,
        `/subscriptions/${sub}/resourceGroups/rg-restore/providers/Microsoft.Authorization/roleAssignments/f2b7d4e5-6a7c-4d84-9fe0-5b6c7d8e9f0a?api-version=2022-04-01`,
        token,
        'PUT',
        {
          properties: { roleDefinitionId: roleId(role), principalId, principalType },
        },
      );
    expect((await put(BMS, '11111111-2222-4333-8444-555555555555')).body.error.code).toBe('RoleDefinitionDoesNotExist');
    expect((await put('99999999-9999-4999-8999-999999999999', READER, 'ServicePrincipal')).body.error.code).toBe(
      'PrincipalNotFound',
    );
    expect((await put(BMS, READER, 'User')).body.error.code).toBe('UnmatchedPrincipalType');
    const ok = await put(BMS, READER, 'ServicePrincipal');
    expect(ok.status).toBe(201);
  });

  it('lists assignments at a scope with atScope(), assignedTo() and principalId filters', async () => {
    const bot = azure.sandbox.world.identities.find((i) => i.approved)!;
    const atVault: string[] = [];
    for await (const a of azure.clients.authorization.roleAssignments.listForScope(kvScope, { filter: 'atScope()' }))
      atVault.push(a.roleDefinitionId!.split('/').pop()!);
    expect(atVault).toEqual(
      expect.arrayContaining([READER, KEY_VAULT_ADMINISTRATOR, 'f58310d9-a9f6-439a-9e8d-f62e7b41a168']),
    );
    const forBms: string[] = [];
    for await (const a of azure.clients.authorization.roleAssignments.listForScope(kvScope, {
      filter: `assignedTo('${BMS}')`,
    }))
      forBms.push(a.principalId!);
    expect(forBms.length).toBeGreaterThan(0);
    expect(new Set(forBms)).toEqual(new Set([BMS]));
    const bySub: string[] = [];
    for await (const a of azure.clients.authorization.roleAssignments.listForSubscription({
      filter: `principalId eq '${bot.objectId}'`,
    }))
      bySub.push(a.scope!);
    expect(bySub).toContain(`/subscriptions/${sub}/resourceGroups/rg-backup`);
    expect(bySub).toContain(kvScope);
  });

  it('reads role definitions', async () => {
    const def = await azure.clients.authorization.roleDefinitions.get(`/subscriptions/${sub}`, KEY_VAULT_ADMINISTRATOR);
    expect(def).toMatchObject({
      id: roleId(KEY_VAULT_ADMINISTRATOR),
      roleName: 'Key Vault Administrator',
      roleType: 'BuiltInRole',
    });
    expect(def.permissions?.[0].dataActions).toEqual(['Microsoft.KeyVault/vaults/*']);
    const readers: string[] = [];
    for await (const d of azure.clients.authorization.roleDefinitions.list(`/subscriptions/${sub}`, {
      filter: "roleName eq 'Reader'",
    }))
      readers.push(d.name!);
    expect(readers).toEqual([READER]);
    await expect(
      azure.clients.authorization.roleDefinitions.get(`/subscriptions/${sub}`, '11111111-2222-4333-8444-555555555555'),
    ).rejects.toMatchObject({
      statusCode: 404,
    });
  });

  it("tells what the bot may do on a restore target, and that it holds only Reader's rights on the locked one", async () => {
    const may = async (rg: string, action: string) => {
      const entries: Permission[] = [];
      for await (const p of azure.clients.authorization.permissions.listForResourceGroup(rg)) entries.push(p);
      return entries.some(
        (p) =>
          (p.actions ?? []).some((a) => actionMatches(a, action)) &&
          !(p.notActions ?? []).some((a) => actionMatches(a, action)),
      );
    };
    expect(await may('rg-restore', 'Microsoft.Compute/virtualMachines/write')).toBe(true);
    expect(await may('rg-restore', 'Microsoft.Network/networkInterfaces/write')).toBe(true);
    expect(await may('rg-restore-locked', 'Microsoft.Compute/virtualMachines/write')).toBe(false);
    expect(await may('rg-restore-locked', 'Microsoft.Compute/virtualMachines/read')).toBe(true);
    const locked: Permission[] = [];
    for await (const p of azure.clients.authorization.permissions.listForResourceGroup('rg-restore-locked'))
      locked.push(p);
    expect(locked).toEqual([expect.objectContaining({ actions: ['*/read'], notActions: [] })]);
    await expect(
      azure.clients.authorization.permissions.listForResourceGroup('rg-nowhere').next(),
    ).rejects.toMatchObject({ statusCode: 404 });
  });

  it('lists the effective permissions on a resource, with the condition that limits them', async () => {
    // Permission in arm-authorization 9 has no condition field; the SDK passes the service's through.
    const entries: (Permission & { condition?: string })[] = [];
    for await (const p of azure.clients.authorization.permissions.listForResource(
      'rg-keys',
      'Microsoft.KeyVault',
      '',
      'vaults',
      'kv-ade-rbac',
    ))
      entries.push(p);
    expect(
      entries.find((p) => p.actions?.includes('Microsoft.Authorization/roleAssignments/write'))?.condition,
    ).toContain('GuidEquals');
  });

  it('deletes a role assignment', async () => {
    const name = 'a7c2e9f0-1b2d-4e3f-8a9b-0c1d2e3f4a5b';
    await azure.clients.authorization.roleAssignments.delete(kvScope, name);
    await expect(azure.clients.authorization.roleAssignments.get(kvScope, name)).rejects.toMatchObject({
      statusCode: 404,
      code: 'RoleAssignmentNotFound',
    });
  });

  it('refuses an unknown api-version', async () => {
    const token = (await azure.credential.getToken('https://management.azure.com/.default'))!.token;
    const res = await request(
      azure,
      `${kvScope}/providers/Microsoft.Authorization/roleAssignments?api-version=2015-07-01`,
      token,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('InvalidApiVersionParameter');
  });
});

function request(
  azure: TestAzure,
  path: string,
  token: string,
  method = 'GET',
  body?: unknown,
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${azure.sandbox.endpoints.arm}${path}`,
      {
        method,
        ca: azure.sandbox.ca,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
        });
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
