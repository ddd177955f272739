import { formatBackupDate, jobFilter } from '../../src/azure/filters';
import { JobOperations } from '../../src/azure/jobs';
import { JOBS_PAGE } from '../../src/sandbox/providers/recoveryServices/jobs';
import { job } from '../../src/sandbox/world/records';
import type { BackupJob } from '../../src/sandbox/world/types';
import { startTestAzure, type TestAzure } from '../support/azure';

const VAULT = 'rsv-prod-sea';
const HOUR = 3600 * 1000;

describe('JobOperations', () => {
  let azure: TestAzure;
  let jobs: JobOperations;
  const base = Date.UTC(2024, 0, 1, 0, 0, 0);
  beforeAll(async () => {
    azure = await startTestAzure();
    jobs = new JobOperations(azure.clients);
    const vm = { name: 'vm-sea-01', resourceGroup: 'rg-app', subscriptionId: azure.settings.subscriptionId };
    // 600 jobs over 25 days: every third one failed, every fourth one a restore.
    for (let i = 0; i < 600; i++) {
      const start = base + i * HOUR;
      const j = job(
        VAULT,
        vm,
        i % 4 === 0 ? 'Restore' : 'Backup',
        i % 3 === 0 ? 'Failed' : 'Completed',
        start,
        start + HOUR / 2,
      );
      azure.sandbox.world.jobs.push(j);
    }
  });
  afterAll(() => azure.close());

  const seeded = (pred: (j: BackupJob) => boolean) =>
    azure.sandbox.world.jobs.filter((j) => j.vault === VAULT && pred(j));
  const jobRequests = (mark: number) =>
    azure.requestsSince(mark).filter((r) => /\/backupJobs$/i.test(r.path)) as unknown as { query: string }[];

  it('formats dates the way Azure Backup filters want them', () => {
    expect(formatBackupDate(new Date(Date.UTC(2024, 0, 31, 23, 59, 59)))).toBe('2024-01-31 11:59:59 PM');
    expect(formatBackupDate(new Date(Date.UTC(2024, 0, 1, 0, 5, 0)))).toBe('2024-01-01 12:05:00 AM');
    expect(formatBackupDate(new Date(Date.UTC(2024, 6, 4, 12, 0, 0)))).toBe('2024-07-04 12:00:00 PM');
  });

  it('builds the filter as the CLI does, supplying the missing end 30 days on', () => {
    expect(jobFilter({ status: 'Failed', operation: 'Backup', startTime: new Date(base) })).toBe(
      "backupManagementType eq 'AzureIaasVM' and endTime eq '2024-01-31 12:00:00 AM' and operation eq 'Backup' and startTime eq '2024-01-01 12:00:00 AM' and status eq 'Failed'",
    );
    expect(jobFilter({ endTime: new Date(base) })).toContain("startTime eq '2023-12-02 12:00:00 AM'");
  });

  it('filters on the server and follows every page, one request per page', async () => {
    const startTime = new Date(base + 24 * HOUR);
    const endTime = new Date(base + 20 * 24 * HOUR);
    const mark = azure.sandbox.log.mark();
    const got = await jobs.list(VAULT, { status: 'Failed', operation: 'Backup', startTime, endTime });
    const expected = seeded(
      (j) =>
        j.status === 'Failed' &&
        j.operation === 'Backup' &&
        Date.parse(j.startTime) >= startTime.getTime() &&
        Date.parse(j.startTime) <= endTime.getTime(),
    );
    expect(got.map((j) => j.id).sort()).toEqual(expected.map((j) => j.id).sort());
    expect(got.every((j) => j.status === 'Failed' && j.operation === 'Backup' && j.vault === VAULT)).toBe(true);

    const requests = jobRequests(mark);
    expect(requests).toHaveLength(Math.ceil(expected.length / JOBS_PAGE));
    const filter = new URLSearchParams(requests[0].query).get('$filter');
    expect(filter).toBe(jobFilter({ status: 'Failed', operation: 'Backup', startTime, endTime }));
    const tokens = requests
      .slice(1)
      .map((r) => new URLSearchParams(r.query).get('$skipToken') ?? new URLSearchParams(r.query).get('$skiptoken'));
    expect(tokens.every((t) => !!t)).toBe(true);
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it('pages through a large unfiltered window', async () => {
    const mark = azure.sandbox.log.mark();
    const got = await jobs.list(VAULT, { startTime: new Date(base), endTime: new Date(base + 30 * 24 * HOUR) });
    expect(got.length).toBeGreaterThanOrEqual(600);
    expect(new Set(got.map((j) => j.id)).size).toBe(got.length);
    expect(jobRequests(mark)).toHaveLength(Math.ceil(got.length / JOBS_PAGE));
  });

  it('reads one job with its errors and property bag', async () => {
    const failed = seeded((j) => j.status === 'Failed' && j.operation === 'Backup')[0];
    failed.errorDetails = [
      {
        errorCode: 400105,
        name: 'UserErrorKeyVaultPermissionsNotConfigured',
        errorString: 'no access',
        recommendations: ['grant it'],
      },
    ];
    const got = await jobs.get(VAULT, failed.id);
    expect(got).toMatchObject({
      id: failed.id,
      status: 'Failed',
      vmName: 'vm-sea-01',
      errors: [
        {
          code: 400105,
          // errorTitle is the entity the error pertains to (AzureIaaSVMErrorInfo), not the error's name.
          title: 'vm-sea-01',
          message: 'no access',
          recommendations: ['grant it'],
        },
      ],
      properties: { 'VM Name': 'vm-sea-01' },
    });
    expect(got.startTime).toBeInstanceOf(Date);
  });
});
