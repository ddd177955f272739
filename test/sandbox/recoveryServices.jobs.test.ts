import type { JobResource } from '@azure/arm-recoveryservicesbackup';
import { startTestAzure, type TestAzure } from '../support/azure';
import { eventually, raw, RG, VAULT } from './recoveryServices.support';

/** Azure Backup's filter date format, yyyy-MM-dd hh:mm:ss tt (12-hour clock, UTC), as the Azure CLI writes it. */
function backupDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const h = d.getUTCHours();
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(h % 12 === 0 ? 12 : h % 12)}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

describe('Recovery Services sandbox: jobs', () => {
  let azure: TestAzure;
  const HOUR = 3600_000;
  const list = async (filter?: string): Promise<JobResource[]> => {
    const out: JobResource[] = [];
    for await (const j of azure.clients.backup.backupJobs.list(VAULT, RG, { filter })) out.push(j);
    return out;
  };

  beforeAll(async () => {
    azure = await startTestAzure({ timing: { jobMs: 300 } });
    const res = await raw(azure, 'POST', '/_sandbox/jobs/bulk', {
      body: { count: 120, status: 'Failed', operation: 'Backup', spreadMs: 2 * HOUR },
    });
    expect(res.status).toBe(201);
  });
  afterAll(() => azure.close());

  it('filters on status and operation, newest first, following nextLink pages of 50', async () => {
    const mark = azure.sandbox.log.mark();
    const failed = await list("operation eq 'Backup' and status eq 'Failed'");
    expect(failed).toHaveLength(121); // 120 bulk + vm-nogrant-01's seeded failure
    const starts = failed.map((j) => Date.parse(String(j.properties?.startTime)));
    expect([...starts].sort((a, b) => b - a)).toEqual(starts);
    const pages = azure.requestsSince(mark).filter((c) => c.routeId === 'backupJobs.list');
    expect(pages).toHaveLength(3);
    expect(
      azure.sandbox.log
        .since(mark)
        .filter((e) => e.routeId === 'backupJobs.list')
        .slice(1)
        .every((e) => e.query.includes('%24skipToken=')),
    ).toBe(true);
    expect(
      (await list("status eq 'Completed' and backupManagementType eq 'AzureIaasVM'")).every(
        (j) => j.properties?.status === 'Completed',
      ),
    ).toBe(true);
    expect(await list("operation eq 'Restore'")).toEqual([]);
  });

  it('filters on job start time with startTime/endTime in yyyy-MM-dd hh:mm:ss tt', async () => {
    const now = azure.sandbox.engine.now();
    const from = new Date(now - HOUR / 2);
    const to = new Date(now + 60_000);
    const recent = await list(
      `status eq 'Failed' and startTime eq '${backupDate(from)}' and endTime eq '${backupDate(to)}'`,
    );
    expect(recent.length).toBeGreaterThan(20);
    expect(recent.length).toBeLessThan(40);
    expect(recent.every((j) => Date.parse(String(j.properties?.startTime)) >= from.getTime() - 1000)).toBe(true);
    const bad = await list("startTime eq 'yesterday'").catch((e) => e);
    expect(bad.statusCode).toBe(400);
  });

  it('gets one job with the AzureIaaSVMJob shape and its error details', async () => {
    const [first] = await list("status eq 'Failed'");
    const job = await azure.clients.backup.jobDetails.get(VAULT, RG, first.name!);
    const p = job.properties as any;
    expect(p).toMatchObject({
      jobType: 'AzureIaaSVMJob',
      backupManagementType: 'AzureIaasVM',
      operation: 'Backup',
      status: 'Failed',
      virtualMachineVersion: 'Compute',
      isUserTriggered: false,
    });
    expect(p.containerName).toMatch(/^iaasvmcontainerv2;rg-app;vm-/);
    expect(typeof p.errorDetails[0].errorCode).toBe('number');
    expect(p.errorDetails[0]).toEqual(
      expect.objectContaining({
        errorTitle: expect.any(String),
        errorString: expect.any(String),
        recommendations: expect.any(Array),
      }),
    );
    expect(p.extendedInfo.tasksList.map((t: any) => t.taskId)).toEqual(['Take Snapshot', 'Transfer data to vault']);
    expect(p.extendedInfo.dynamicErrorMessage).toBe(p.errorDetails[0].errorString);
    const missing = await azure.clients.backup.jobDetails
      .get(VAULT, RG, '00000000-0000-0000-0000-000000000000')
      .catch((e) => e);
    expect(missing.statusCode).toBe(404);
  });

  it('makes a scheduled backup fail now: with the named error, else for the real reason when there is one', async () => {
    const named = await raw(azure, 'POST', '/_sandbox/backups/fail', {
      body: { vm: 'vm-db-01', error: 'UserErrorVmNotInDesirableState' },
    });
    expect(named.status).toBe(201);
    const job = await azure.clients.backup.jobDetails.get(VAULT, RG, named.body.jobId);
    expect(job.properties).toMatchObject({ status: 'Failed', isUserTriggered: false });
    expect((job.properties as any).errorDetails[0]).toMatchObject({
      errorTitle: 'vm-db-01',
      errorString: 'VM is not in a state that allows backups.',
    });

    const real = await raw(azure, 'POST', '/_sandbox/backups/fail', { body: { vm: 'vm-nogrant-01' } });
    expect(real.body.error).toBe('UserErrorKeyVaultPermissionsNotConfigured');
    const chosen = await raw(azure, 'POST', '/_sandbox/backups/fail', {
      body: { vm: 'vm-nogrant-01', error: 'ExtensionSnapshotFailedNoNetwork' },
    });
    expect(chosen.body.error).toBe('ExtensionSnapshotFailedNoNetwork');
    const unknown = await raw(azure, 'POST', '/_sandbox/backups/fail', { body: { vm: 'vm-db-01', error: 'Nope' } });
    expect(unknown.status).toBe(400);
    const unprotected = await raw(azure, 'POST', '/_sandbox/backups/fail', { body: { vm: 'vm-web-01' } });
    expect(unprotected.status).toBe(404);
  });

  it('runs a scheduled backup that the world decides, and lets InProgress jobs finish lazily on the clock', async () => {
    const run = await raw(azure, 'POST', '/_sandbox/backups/run', { body: { vm: 'vm-db-01' } });
    expect(run.status).toBe(202);
    const done = await eventually(async () => {
      const j = await azure.clients.backup.jobDetails.get(VAULT, RG, run.body.jobId);
      return j.properties?.status === 'InProgress' ? undefined : j.properties;
    });
    expect(done).toMatchObject({ status: 'Completed', isUserTriggered: false });

    const bulk = await raw(azure, 'POST', '/_sandbox/jobs/bulk', {
      body: { count: 5, status: 'InProgress', operation: 'Backup', vaults: 2 },
    });
    expect(bulk.body.vaults).toEqual(['rsv-bench-001', 'rsv-bench-002']);
    const names: string[] = [];
    for await (const v of azure.clients.recoveryServices.vaults.listByResourceGroup(RG)) names.push(v.name!);
    expect(names).toEqual(expect.arrayContaining(['rsv-bench-001', 'rsv-bench-002']));
    const inBench = async () => {
      const out: JobResource[] = [];
      for await (const j of azure.clients.backup.backupJobs.list('rsv-bench-001', RG)) out.push(j);
      return out;
    };
    expect((await inBench()).every((j) => j.properties?.status === 'InProgress')).toBe(true);
    const finished = await eventually(async () => {
      const jobs = await inBench();
      return jobs.every((j) => j.properties?.status === 'Completed') ? jobs : undefined;
    });
    expect(finished).toHaveLength(3);
  });
});
