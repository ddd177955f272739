import { InvalidInputError } from './errors';
import type { JobQuery } from './types';

/** The window the Azure CLI supplies when a job query gives only one end of the time range. */
export const JOB_QUERY_DEFAULT_SPAN_MS = 30 * 24 * 3600 * 1000;

/** Azure Backup's filter date format, `yyyy-MM-dd hh:mm:ss tt` on a 12-hour clock, in UTC (e.g. 2024-01-31 11:59:59 PM). */
export function formatBackupDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const h = d.getUTCHours();
  const hour12 = h % 12 === 0 ? 12 : h % 12;
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(hour12)}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

/** OData string literal: single quotes doubled. */
const literal = (v: string): string => `'${v.replace(/'/g, "''")}'`;

/**
 * The server-side $filter for backup jobs, built as the Azure CLI builds it: `name eq 'value'` clauses joined by
 * `and`, names in alphabetical order, IaaS VM jobs only. When only one of start/end is given the other is supplied
 * 30 days away, as the CLI does.
 */
export function jobFilter(query: JobQuery): string {
  let { startTime, endTime } = query;
  if (startTime && !endTime) endTime = new Date(startTime.getTime() + JOB_QUERY_DEFAULT_SPAN_MS);
  if (endTime && !startTime) startTime = new Date(endTime.getTime() - JOB_QUERY_DEFAULT_SPAN_MS);
  if (startTime && endTime && startTime.getTime() > endTime.getTime()) {
    throw new InvalidInputError('startTime', 'The start of the job query is after its end.');
  }
  const clauses: Record<string, string | undefined> = {
    backupManagementType: 'AzureIaasVM',
    endTime: endTime && formatBackupDate(endTime),
    operation: query.operation,
    startTime: startTime && formatBackupDate(startTime),
    status: query.status,
  };
  return Object.keys(clauses)
    .sort()
    .filter((k) => clauses[k] !== undefined && clauses[k] !== '')
    .map((k) => `${k} eq ${literal(clauses[k]!)}`)
    .join(' and ');
}
