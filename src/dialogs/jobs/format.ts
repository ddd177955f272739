import { isMessageKey, t, type Locale } from '../../i18n';

/** A job status as the user reads it ("Failed", "失敗"); a status we have no words for is shown as Azure names it. */
export function jobStatusLabel(locale: Locale, status: string): string {
  const key = `job.status.${status}`;
  return isMessageKey(key) ? t(locale, key) : status;
}

/** A job operation as the user reads it ("Configure backup", "設定備份"); unknown ones as Azure names them. */
export function jobOperationLabel(locale: Locale, operation: string): string {
  const key = `job.op.${operation}`;
  return isMessageKey(key) ? t(locale, key) : operation;
}

/**
 * A job's duration as people say it ("5 min", "1 h 12 min") from Azure's TimeSpan text (`00:05:00.0000000`,
 * `1.02:03:04.5`: [days.]hours:minutes:seconds[.fraction], as the Backup jobs API returns `duration`).
 * Text in any other shape is shown as it came.
 */
export function durationLabel(locale: Locale, text: string | undefined): string | undefined {
  if (!text) return undefined;
  const m = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.\d+)?$/.exec(text.trim());
  if (!m) return text;
  const hours = Number(m[1] ?? 0) * 24 + Number(m[2]);
  const minutes = Number(m[3]) + (Number(m[4]) >= 30 ? 1 : 0);
  if (hours === 0 && minutes === 0) return t(locale, 'duration.seconds');
  if (hours === 0) return t(locale, 'duration.minutes', { minutes });
  return t(locale, 'duration.hours', { hours, minutes });
}
