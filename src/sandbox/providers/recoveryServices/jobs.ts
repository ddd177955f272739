import { sameId } from '../../authorization/rbac';
import { page, parseBackupDate, parseEqFilter } from '../../http/arm';
import { backupNotFound, badRequest } from '../../http/errors';
import type { Route } from '../../http/types';
import type { BackupJob } from '../../world/types';
import { vaultRoute } from './context';
import { jobBody } from './jobShape';

const READ = 'Microsoft.RecoveryServices/Vaults/backupJobs/read';
/** Small on purpose, so callers' paging is exercised. */
export const JOBS_PAGE = 50;
const FILTERS = ['status', 'operation', 'starttime', 'endtime', 'backupmanagementtype', 'jobid'];

/** Jobs of a vault, newest first, filtered as JobQueryObject allows (dates in 'yyyy-MM-dd hh:mm:ss tt', on job start). */
export const jobRoutes: Route[] = [
  vaultRoute('backupJobs.list', 'GET', '/backupJobs', READ, (req, ctx, v) => {
    const f = parseEqFilter(req.query.get('$filter'));
    const unknown = Object.keys(f).find((k) => !FILTERS.includes(k));
    if (unknown) throw badRequest('BMSUserErrorInvalidFilter', `Filtering jobs on '${unknown}' is not supported.`);
    const from = f.starttime !== undefined ? parseBackupDate(f.starttime) : undefined;
    const to = f.endtime !== undefined ? parseBackupDate(f.endtime) : undefined;
    if (from !== undefined && to !== undefined && from > to)
      throw badRequest('BMSUserErrorInvalidInput', 'startTime must not be after endTime.');
    const keep = (j: BackupJob): boolean => {
      const start = Date.parse(j.startTime);
      return (
        sameId(j.vault, v.name) &&
        (f.status === undefined || sameId(j.status, f.status)) &&
        (f.operation === undefined || sameId(j.operation, f.operation)) &&
        (f.backupmanagementtype === undefined || sameId(f.backupmanagementtype, 'AzureIaasVM')) &&
        (f.jobid === undefined || sameId(j.id, f.jobid)) &&
        (from === undefined || start >= from) &&
        (to === undefined || start <= to)
      );
    };
    const now = ctx.engine.now();
    const jobs = ctx.world.jobs
      .filter(keep)
      .sort((a, b) => Date.parse(b.startTime) - Date.parse(a.startTime) || a.id.localeCompare(b.id))
      .map((j) => jobBody(ctx.world, v, j, now));
    return { status: 200, body: page(req, jobs, JOBS_PAGE) };
  }),
  vaultRoute('jobDetails.get', 'GET', '/backupJobs/{jobName}', READ, (req, ctx, v) => {
    const job = ctx.world.jobs.find((j) => sameId(j.vault, v.name) && sameId(j.id, req.params.jobName));
    if (!job) throw backupNotFound(`Job '${req.params.jobName}'`);
    return { status: 200, body: jobBody(ctx.world, v, job, ctx.engine.now()) };
  }),
];
