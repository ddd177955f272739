import { InvalidInputError, type NewPolicy, type PolicySummary } from '../../azure';
import { POLICY_LIMITS, validateNewPolicy } from '../../azure/mapping/policy';
import { t, type Locale } from '../../i18n';
import type { Choice, Input } from '../flow/types';

/** The policy chosen: one of the vault's, or a new one created on Confirm (nothing is created before). */
export type PolicyPick =
  { kind: 'existing'; name: string; summary: PolicyShape } | { kind: 'new'; name: string; spec: NewPolicy };

export type PolicyShape = Pick<PolicySummary, 'frequency' | 'time' | 'days' | 'retention' | 'retentionUnit'>;

export const NEW_POLICY = '__new__';
export const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
/** Azure Backup runs IaaS VM policies on the hour or half hour (UTC). */
export const TIMES = Array.from(
  { length: 48 },
  (_, i) => `${String(Math.floor(i / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'}`,
);

/** "daily at 22:30 UTC, kept 30 days" / "weekly on Sunday at 02:00 UTC, kept 12 weeks". */
export function describePolicy(locale: Locale, p: PolicyShape): string {
  const kept =
    p.retentionUnit === 'Weeks'
      ? t(locale, 'enable.policy.keptWeeks', { n: p.retention })
      : t(locale, 'enable.policy.keptDays', { n: p.retention });
  if (p.frequency === 'Weekly') {
    const days = (p.days ?? []).map((d) => t(locale, `enable.day.${d}` as 'enable.day.Sunday')).join(', ');
    return t(locale, 'enable.policy.weekly', { days, time: p.time, kept });
  }
  return t(locale, 'enable.policy.daily', { time: p.time, kept });
}

export function policyChoices(locale: Locale, policies: PolicySummary[]): Choice[] {
  const sorted = [...policies].sort(
    (a, b) => Number(b.isDefault) - Number(a.isDefault) || a.name.localeCompare(b.name),
  );
  return [
    ...sorted.map((p) => ({
      value: p.name,
      title: t(locale, 'enable.policy.choice', {
        name: p.name,
        isDefault: p.isDefault ? ` ${t(locale, 'enable.policy.default')}` : '',
        schedule: describePolicy(locale, p),
      }),
    })),
    { value: NEW_POLICY, title: t(locale, 'enable.policy.new') },
  ];
}

export function shapeOf(spec: NewPolicy): PolicyShape {
  return {
    frequency: spec.frequency,
    time: spec.time,
    days: spec.days,
    retention: spec.retention,
    retentionUnit: spec.frequency === 'Weekly' ? 'Weeks' : 'Days',
  };
}

/**
 * The new-policy form read and checked with Azure's own rules (src/azure's validateNewPolicy): a problem message in
 * the user's language, or the policy. A name already used in the vault is refused too.
 */
export function readNewPolicy(
  locale: Locale,
  input: Input,
  existing: string[],
): { spec?: NewPolicy; problem?: string } {
  const text = (k: string) => (typeof input[k] === 'string' ? (input[k] as string).trim() : '');
  const frequency = text('frequency') === 'Weekly' ? 'Weekly' : text('frequency') === 'Daily' ? 'Daily' : undefined;
  if (!frequency) return { problem: t(locale, 'enable.newPolicy.invalid.frequency') };
  const time = text('time');
  if (!TIMES.includes(time)) return { problem: t(locale, 'enable.newPolicy.invalid.time') };
  const days = text('days')
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean);
  if (days.some((d) => !(DAYS as readonly string[]).includes(d)))
    return { problem: t(locale, 'enable.newPolicy.invalid.days') };
  const spec: NewPolicy = {
    name: text('policyName'),
    frequency,
    time,
    retention: Number(text('retention') || NaN),
    ...(frequency === 'Weekly' ? { days } : {}),
  };
  if (existing.some((n) => n.toLowerCase() === spec.name.toLowerCase())) {
    return { problem: t(locale, 'enable.newPolicy.invalid.taken', { name: spec.name }) };
  }
  try {
    validateNewPolicy(spec);
  } catch (err) {
    if (!(err instanceof InvalidInputError)) throw err;
    const field = ['name', 'time', 'retention', 'days'].includes(err.field) ? err.field : 'name';
    const [min, max] = frequency === 'Daily' ? POLICY_LIMITS.dailyRetentionDays : POLICY_LIMITS.weeklyRetentionWeeks;
    return { problem: t(locale, `enable.newPolicy.invalid.${field}` as 'enable.newPolicy.invalid.name', { min, max }) };
  }
  return { spec };
}
