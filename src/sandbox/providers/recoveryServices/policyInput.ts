import { AzureError } from '../../http/errors';
import type { BackupPolicy } from '../../world/types';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const invalid = (message: string): AzureError => new AzureError(400, 'BMSUserErrorInvalidPolicyInput', message);

/**
 * Validates an AzureIaasVM policy body (SimpleSchedulePolicy daily or weekly, LongTermRetentionPolicy with the
 * matching daily or weekly retention) as Azure Backup does, and turns it into the world's policy. Limits: one run
 * time a day on the hour or half hour; 7-9999 days or 1-5163 weeks; instant restore 1-5 days (5 for weekly).
 * The sandbox does not model monthly or yearly retention and says so rather than dropping them.
 */
export function parsePolicy(body: any, vault: string, name: string): BackupPolicy {
  const p = body?.properties;
  if (!p || typeof p !== 'object') throw invalid("The request body must have 'properties'.");
  if (p.backupManagementType !== 'AzureIaasVM') {
    throw invalid(
      `backupManagementType '${p.backupManagementType ?? ''}' is not supported here: only 'AzureIaasVM' policies are.`,
    );
  }
  const s = p.schedulePolicy;
  if (s?.schedulePolicyType !== 'SimpleSchedulePolicy')
    throw invalid("schedulePolicy.schedulePolicyType must be 'SimpleSchedulePolicy'.");
  const frequency = s.scheduleRunFrequency;
  if (frequency !== 'Daily' && frequency !== 'Weekly')
    throw invalid("scheduleRunFrequency must be 'Daily' or 'Weekly'.");
  const times: unknown[] = Array.isArray(s.scheduleRunTimes) ? s.scheduleRunTimes : [];
  const run = times.length === 1 && typeof times[0] === 'string' ? new Date(times[0]) : undefined;
  if (!run || Number.isNaN(run.getTime())) throw invalid('scheduleRunTimes must hold exactly one date-time.');
  if (run.getUTCMinutes() % 30 !== 0 || run.getUTCSeconds() !== 0)
    throw invalid('Backups can be scheduled on the hour or half hour only.');
  const weekly = frequency === 'Weekly';
  const days = weekly ? checkDays(s.scheduleRunDays, 'schedulePolicy.scheduleRunDays') : undefined;

  const r = p.retentionPolicy;
  if (r?.retentionPolicyType !== 'LongTermRetentionPolicy')
    throw invalid("retentionPolicy.retentionPolicyType must be 'LongTermRetentionPolicy'.");
  if (r.monthlySchedule || r.yearlySchedule)
    throw invalid('Monthly and yearly retention are not modelled by the sandbox; use daily or weekly retention.');
  const schedule = weekly ? r.weeklySchedule : r.dailySchedule;
  if (!schedule)
    throw invalid(
      `A ${frequency.toLowerCase()} schedule needs retentionPolicy.${weekly ? 'weeklySchedule' : 'dailySchedule'}.`,
    );
  if (!weekly && r.weeklySchedule) throw invalid('The sandbox models daily retention alone for a daily schedule.');
  const rt: unknown[] = Array.isArray(schedule.retentionTimes) ? schedule.retentionTimes : [];
  if (rt.length !== 1 || typeof rt[0] !== 'string' || timeOfDay(new Date(rt[0])) !== timeOfDay(run)) {
    throw invalid('Retention times must equal the scheduled run time.');
  }
  const count = schedule.retentionDuration?.count;
  const [min, max, unit] = weekly ? [1, 5163, 'Weeks'] : [7, 9999, 'Days'];
  if (schedule.retentionDuration?.durationType !== unit || !Number.isInteger(count) || count < min || count > max) {
    throw invalid(`${weekly ? 'Weekly' : 'Daily'} retention must be ${min}-${max} ${unit.toLowerCase()}.`);
  }
  if (weekly) {
    const retainDays = checkDays(schedule.daysOfTheWeek, 'weeklySchedule.daysOfTheWeek');
    if (retainDays.join() !== days!.join()) throw invalid('Weekly retention days must equal the scheduled run days.');
  }
  const instant = p.instantRpRetentionRangeInDays;
  if (
    instant !== undefined &&
    (!Number.isInteger(instant) || instant < 1 || instant > 5 || (weekly && instant !== 5))
  ) {
    throw invalid('instantRpRetentionRangeInDays must be 1-5 for a daily schedule and 5 for a weekly one.');
  }
  if (p.timeZone !== undefined && (typeof p.timeZone !== 'string' || p.timeZone.trim() === ''))
    throw invalid('timeZone must be a time zone name.');
  return {
    vault,
    name,
    scheduleRunFrequency: frequency,
    scheduleRunTimes: [run.toISOString().replace('.000Z', 'Z')],
    ...(weekly ? { scheduleRunDays: days, retentionWeeks: count } : { retentionDays: count }),
    ...(instant !== undefined ? { instantRpRetentionRangeInDays: instant } : {}),
    timeZone: p.timeZone ?? 'UTC',
  };
}

function checkDays(value: unknown, field: string): string[] {
  const list = Array.isArray(value) ? value : [];
  const days = list.map((d) => DAYS.find((x) => typeof d === 'string' && x.toLowerCase() === d.toLowerCase()));
  if (days.length === 0 || days.some((d) => !d)) throw invalid(`${field} must list days of the week.`);
  return DAYS.filter((d) => days.includes(d));
}

const timeOfDay = (d: Date): string => `${d.getUTCHours()}:${d.getUTCMinutes()}`;
