import { startTestAzure, type TestAzure } from '../support/azure';
import { API, names, raw, RG, VAULT, VAULT_ID } from './recoveryServices.support';

describe('Recovery Services sandbox: vaults, policies, cross-cutting behaviour', () => {
  let azure: TestAzure;
  beforeAll(async () => {
    azure = await startTestAzure();
  });
  afterAll(() => azure.close());

  it('lists vaults by subscription and resource group and gets one (arm-recoveryservices 7.2.0)', async () => {
    const all = [];
    for await (const v of azure.clients.recoveryServices.vaults.listBySubscriptionId()) all.push(v);
    expect(all.map((v) => [v.name, v.location]).sort()).toEqual([
      ['rsv-prod-eastasia', 'eastasia'],
      ['rsv-prod-sea', 'southeastasia'],
    ]);
    const inRg = [];
    for await (const v of azure.clients.recoveryServices.vaults.listByResourceGroup(RG)) inRg.push(v.name);
    expect(inRg).toHaveLength(2);
    const vault = await azure.clients.recoveryServices.vaults.get(RG, VAULT);
    expect(vault.id).toBe(VAULT_ID);
    expect(vault.properties?.provisioningState).toBe('Succeeded');
    const calls = azure.sandbox.log.since(0).filter((e) => e.routeId?.startsWith('recoveryServices.vaults'));
    expect(calls.every((c) => c.query.includes('api-version=2026-07-01'))).toBe(true);
  });

  it('answers ResourceNotFound for a vault that does not exist', async () => {
    const err = await azure.clients.recoveryServices.vaults.get(RG, 'rsv-nope').catch((e) => e);
    expect(err.statusCode).toBe(404);
    expect(err.code).toBe('ResourceNotFound');
  });

  it('lists IaaS VM policies with protected item counts, and nothing for other workloads', async () => {
    const list = [];
    for await (const p of azure.clients.backup.backupPolicies.list(VAULT, RG, {
      filter: "backupManagementType eq 'AzureIaasVM'",
    }))
      list.push(p);
    const byName = Object.fromEntries(list.map((p) => [p.name, p.properties as any]));
    expect(Object.keys(byName).sort()).toEqual(['Daily-90d', 'DefaultPolicy']);
    expect(byName.DefaultPolicy.protectedItemsCount).toBe(12);
    expect(byName.DefaultPolicy.schedulePolicy.scheduleRunFrequency).toBe('Daily');
    expect(byName.DefaultPolicy.retentionPolicy.dailySchedule.retentionDuration).toEqual({
      count: 30,
      durationType: 'Days',
    });
    const sql = [];
    for await (const p of azure.clients.backup.backupPolicies.list(VAULT, RG, {
      filter: "backupManagementType eq 'AzureSql'",
    }))
      sql.push(p);
    expect(sql).toEqual([]);
  });

  it('gets a policy and creates a weekly one, then refuses a malformed body with a clear code', async () => {
    const got = await azure.clients.backup.protectionPolicies.get(VAULT, RG, 'Daily-90d');
    expect((got.properties as any).retentionPolicy.dailySchedule.retentionDuration.count).toBe(90);
    const run = new Date('2020-01-01T03:30:00Z');
    const created = await azure.clients.backup.protectionPolicies.createOrUpdate(VAULT, RG, 'Weekly-12w', {
      properties: {
        backupManagementType: 'AzureIaasVM',
        schedulePolicy: {
          schedulePolicyType: 'SimpleSchedulePolicy',
          scheduleRunFrequency: 'Weekly',
          scheduleRunDays: ['Sunday'],
          scheduleRunTimes: [run],
        },
        retentionPolicy: {
          retentionPolicyType: 'LongTermRetentionPolicy',
          weeklySchedule: {
            daysOfTheWeek: ['Sunday'],
            retentionTimes: [run],
            retentionDuration: { count: 12, durationType: 'Weeks' },
          },
        },
        timeZone: 'UTC',
      } as any,
    });
    expect(created.name).toBe('Weekly-12w');
    const again = await azure.clients.backup.protectionPolicies.get(VAULT, RG, 'weekly-12w');
    expect((again.properties as any).schedulePolicy.scheduleRunDays).toEqual(['Sunday']);
    expect((again.properties as any).protectedItemsCount).toBe(0);

    const bad = await azure.clients.backup.protectionPolicies
      .createOrUpdate(VAULT, RG, 'Broken', {
        properties: {
          backupManagementType: 'AzureIaasVM',
          schedulePolicy: {
            schedulePolicyType: 'SimpleSchedulePolicy',
            scheduleRunFrequency: 'Daily',
            scheduleRunTimes: [new Date('2020-01-01T03:10:00Z')],
          },
          retentionPolicy: { retentionPolicyType: 'LongTermRetentionPolicy' },
        } as any,
      })
      .catch((e) => e);
    expect(bad.statusCode).toBe(400);
    expect(bad.code).toBe('BMSUserErrorInvalidPolicyInput');
    const missing = await azure.clients.backup.protectionPolicies.get(VAULT, RG, 'Nope').catch((e) => e);
    expect(missing.statusCode).toBe(404);
  });

  it('tells whether a VM is protected, and by which vault (backupStatus)', async () => {
    const db = names('vm-db-01');
    const status = await azure.clients.backup.backupStatus.get('eastasia', { resourceType: 'VM', resourceId: db.vmId });
    expect(status).toMatchObject({ protectionStatus: 'Protected', vaultId: VAULT_ID, policyName: 'DefaultPolicy' });
    expect(status.containerName).toBe(db.container);
    expect(status.protectedItemName).toBe(db.item);
    const web = await azure.clients.backup.backupStatus.get('eastasia', {
      resourceType: 'VM',
      resourceId: names('vm-web-01').vmId,
    });
    expect(web.protectionStatus).toBe('NotProtected');
    expect(web.vaultId).toBeUndefined();
  });

  it('refuses an api-version Recovery Services never published, naming the ones it accepts', async () => {
    const bot = azure.sandbox.world.identities.find((i) => i.approved)!;
    const { token } = azure.sandbox.tokens.issue({
      objectId: bot.objectId,
      appId: bot.clientId,
      audience: 'https://management.azure.com',
    });
    const res = await raw(azure, 'GET', `${VAULT_ID}/backupPolicies/DefaultPolicy?api-version=2016-12-01`, { token });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('InvalidApiVersionParameter');
    expect(res.body.error.message).toContain('2023-06-01');
    const ok = await raw(azure, 'GET', `${VAULT_ID}/backupPolicies/DefaultPolicy?api-version=2025-02-01`, { token });
    expect(ok.status).toBe(200);
  });

  it('answers 403 AuthorizationFailed to an identity without Backup rights (id-other holds Reader only)', async () => {
    const other = azure.sandbox.world.identities.find((i) => i.name === 'id-other')!;
    const { token } = azure.sandbox.tokens.issue({
      objectId: other.objectId,
      appId: other.clientId,
      audience: 'https://management.azure.com',
    });
    const db = names('vm-db-01');
    const path = `${VAULT_ID}/backupFabrics/Azure/protectionContainers/${db.container}/protectedItems/${db.item}/backup?${API}`;
    const res = await raw(azure, 'POST', path, { token, body: { properties: { objectType: 'IaasVMBackupRequest' } } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('AuthorizationFailed');
    expect(res.body.error.message).toContain(other.objectId);
    expect(res.body.error.message).toContain(
      "'Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/backup/action'",
    );
    expect(res.body.error.message).toContain(`over scope '${VAULT_ID}'`);
    // Reading is allowed to a Reader.
    const read = await raw(azure, 'GET', `${VAULT_ID}/backupJobs?${API}`, { token });
    expect(read.status).toBe(200);
  });

  it('is retried by the SDK through injected 429s and then succeeds', async () => {
    const mark = azure.sandbox.log.mark();
    azure.sandbox.faults.add({ routeId: 'protectionPolicies.get', kind: 'throttle', retryAfterSeconds: 0, times: 2 });
    const got = await azure.clients.backup.protectionPolicies.get(VAULT, RG, 'DefaultPolicy');
    expect(got.name).toBe('DefaultPolicy');
    const calls = azure.requestsSince(mark).filter((c) => c.routeId === 'protectionPolicies.get');
    expect(calls.map((c) => c.status)).toEqual([429, 429, 200]);
  });
});
