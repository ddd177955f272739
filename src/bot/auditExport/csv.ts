import type { AuditEntry } from '../../store';

/**
 * The audit trail as CSV (RFC 4180: comma-separated, CRLF line ends, fields quoted when they hold a comma, a quote or
 * a line break). Names and object ids are both kept; `azureRequestIds` are the Activity Log's clientRequestId values.
 * A field that starts with = + - @ (or a tab / carriage return) is prefixed with ' so that a spreadsheet opening the
 * file never runs it as a formula (OWASP "CSV injection").
 */
export const CSV_COLUMNS = [
  'time',
  'action',
  'result',
  'targetKind',
  'target',
  'targetId',
  'whoObjectId',
  'whoName',
  'approvalRequestId',
  'approvedByObjectId',
  'approvedByName',
  'azureRequestIds',
  'correlationId',
  'details',
] as const;

export function auditCsv(entries: AuditEntry[]): string {
  const rows = entries.map((e) => [
    e.at,
    e.action,
    e.result,
    e.target?.kind ?? '',
    e.target?.name ?? '',
    e.target?.id ?? '',
    e.who.aadObjectId ?? '',
    e.who.name ?? '',
    e.approval?.requestId ?? '',
    e.approval?.by?.aadObjectId ?? '',
    e.approval?.by?.name ?? '',
    (e.armRequestIds ?? []).join(' '),
    e.correlationId ?? '',
    e.details ? JSON.stringify(e.details) : '',
  ]);
  return [[...CSV_COLUMNS], ...rows].map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}

function field(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
