/**
 * Azure Backup's OData filter date format, `yyyy-MM-dd hh:mm:ss tt` on a 12-hour clock, in UTC (what the Azure CLI
 * sends; ISO dates are not what the service documents).
 */
export function formatBackupDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const h24 = date.getUTCHours();
  const h12 = h24 % 12 === 0 ? 12 : h24 % 12;
  const ampm = h24 < 12 ? 'AM' : 'PM';
  return (
    `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(h12)}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${ampm}`
  );
}

/** Templates exist only for recovery points from 26 April 2017 on. */
export const TEMPLATE_RESTORE_SINCE = new Date('2017-04-26T00:00:00Z');
/** Recovery points before 11 July 2017 carry their key and secret themselves (the legacy approach). */
export const ENCRYPTION_INFO_BLOB_SINCE = new Date('2017-07-11T00:00:00Z');
