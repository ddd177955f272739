import { t, type Locale } from '../../i18n';

/** `2026-01-05 10:12 UTC`: unambiguous for a team spread over time zones. */
export function formatTime(value: string | Date): string {
  const d = typeof value === 'string' ? new Date(value) : value;
  return Number.isNaN(d.getTime()) ? String(value) : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** How long ago, roughly: minutes, hours, days or years. */
export function formatAge(locale: Locale, time: string | Date, now: Date): string {
  const ms = Math.max(0, now.getTime() - new Date(time).getTime());
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return t(locale, 'restore.age.minutes', { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return t(locale, 'restore.age.hours', { n: hours });
  const days = Math.floor(hours / 24);
  if (days < 730) return t(locale, 'restore.age.days', { n: days });
  return t(locale, 'restore.age.years', { n: Math.floor(days / 365) });
}
