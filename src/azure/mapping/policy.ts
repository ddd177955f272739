import type {
  AzureIaaSVMProtectionPolicy,
  DayOfWeek,
  LongTermRetentionPolicy,
  ProtectionPolicyResource,
  SimpleSchedulePolicy,
} from '@azure/arm-recoveryservicesbackup';
import { InvalidInputError } from '../errors';
import type { NewPolicy, PolicySummary } from '../types';

/**
 * Azure's limits for an IaaS VM policy with a daily or weekly schedule. The retention ranges are the ones the
 * Terraform azurerm provider validates against (7–9999 days, 1–5163 weeks); no Microsoft page states them
 * together, so they are checked here to fail early and Azure remains the judge.
 */
export const POLICY_LIMITS = { dailyRetentionDays: [7, 9999], weeklyRetentionWeeks: [1, 5163] } as const;
const DAYS: DayOfWeek[] = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Checks a new policy against Azure's rules; throws InvalidInputError naming the field. */
export function validateNewPolicy(input: NewPolicy): void {
  // A conservative name rule (letters, digits, '-', '_'): it keeps the name safe in a URL path segment.
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,149}$/.test(input.name)) {
    throw new InvalidInputError(
      'name',
      'A policy name has up to 150 letters, digits, hyphens or underscores and starts with a letter or digit.',
    );
  }
  const m = /^([01]\d|2[0-3]):(00|30)$/.exec(input.time);
  if (!m)
    throw new InvalidInputError(
      'time',
      `Backup time '${input.time}' must be HH:mm (UTC) on the hour or half hour, e.g. 22:30.`,
    );
  const [min, max] =
    input.frequency === 'Daily' ? POLICY_LIMITS.dailyRetentionDays : POLICY_LIMITS.weeklyRetentionWeeks;
  const unit = input.frequency === 'Daily' ? 'days' : 'weeks';
  if (!Number.isInteger(input.retention) || input.retention < min || input.retention > max) {
    throw new InvalidInputError('retention', `Retention must be a whole number of ${unit} from ${min} to ${max}.`);
  }
  if (input.frequency === 'Weekly') {
    const days = input.days ?? [];
    if (days.length === 0) throw new InvalidInputError('days', 'A weekly policy needs at least one day of the week.');
    const bad = days.find((d) => !DAYS.some((x) => x.toLowerCase() === d.toLowerCase()));
    if (bad) throw new InvalidInputError('days', `'${bad}' is not a day of the week.`);
  }
}

/** The policy body Azure Backup expects: SimpleSchedulePolicy + LongTermRetentionPolicy, UTC. */
export function toPolicyResource(input: NewPolicy): ProtectionPolicyResource {
  const runTime = new Date(`2020-01-01T${input.time}:00.000Z`);
  const days = (input.days ?? []).map((d) => DAYS.find((x) => x.toLowerCase() === d.toLowerCase())!);
  const weekly = input.frequency === 'Weekly';
  const schedulePolicy: SimpleSchedulePolicy = {
    schedulePolicyType: 'SimpleSchedulePolicy',
    scheduleRunFrequency: input.frequency,
    scheduleRunTimes: [runTime],
    ...(weekly ? { scheduleRunDays: days } : {}),
  };
  const retentionPolicy: LongTermRetentionPolicy = weekly
    ? {
        retentionPolicyType: 'LongTermRetentionPolicy',
        weeklySchedule: {
          daysOfTheWeek: days,
          retentionTimes: [runTime],
          retentionDuration: { count: input.retention, durationType: 'Weeks' },
        },
      }
    : {
        retentionPolicyType: 'LongTermRetentionPolicy',
        dailySchedule: {
          retentionTimes: [runTime],
          retentionDuration: { count: input.retention, durationType: 'Days' },
        },
      };
  const properties: AzureIaaSVMProtectionPolicy = {
    backupManagementType: 'AzureIaasVM',
    schedulePolicy,
    retentionPolicy,
    // Weekly schedules keep instant-restore snapshots 5 days (Azure's fixed value); daily ones 2 (the portal's default).
    instantRpRetentionRangeInDays: weekly ? 5 : 2,
    timeZone: 'UTC',
  };
  return { properties };
}

/** An IaaS VM policy in the bot's words. */
export function toPolicySummary(resource: ProtectionPolicyResource, vault: string): PolicySummary {
  const p = (resource.properties ?? {}) as AzureIaaSVMProtectionPolicy;
  const schedule = p.schedulePolicy as SimpleSchedulePolicy | undefined;
  const retention = p.retentionPolicy as LongTermRetentionPolicy | undefined;
  const frequency = schedule?.scheduleRunFrequency === 'Weekly' ? 'Weekly' : 'Daily';
  const run = schedule?.scheduleRunTimes?.[0];
  const duration =
    frequency === 'Weekly' ? retention?.weeklySchedule?.retentionDuration : retention?.dailySchedule?.retentionDuration;
  const name = resource.name ?? '';
  return {
    name,
    id: resource.id ?? '',
    vault,
    frequency,
    time: run ? timeOfDay(new Date(run)) : '',
    days: frequency === 'Weekly' ? (schedule?.scheduleRunDays ?? []) : undefined,
    retention: duration?.count ?? 0,
    retentionUnit: frequency === 'Weekly' ? 'Weeks' : 'Days',
    protectedItemsCount: p.protectedItemsCount ?? 0,
    isDefault: name.toLowerCase() === 'defaultpolicy',
  };
}

const timeOfDay = (d: Date): string =>
  `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
