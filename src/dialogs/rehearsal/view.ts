import { explain } from '../../azure';
import { t, type Locale, type MessageKey } from '../../i18n';
import {
  CLEANUP_INCOMPLETE,
  rehearsalDurations,
  type RehearsalCheckpoint,
  type RehearsalRun,
  type RehearsalStep,
} from '../../runs/rehearsalRun';
import type { RestorePlan } from '../../runs/restorePlan';
import { formatTime } from '../restore/format';
import { planFacts, type Fact } from '../restore/planView';

/** The rehearsal's plan facts: the restore's, then what makes it a rehearsal (isolated network, clean-up). */
export function rehearsalFacts(locale: Locale, plan: RestorePlan): Fact[] {
  const network = `${plan.subnet.vnet} / ${plan.subnet.subnet}`;
  return [
    { title: t(locale, 'rehearsal.facts.purpose'), value: t(locale, 'rehearsal.facts.purposeValue', { network }) },
    ...planFacts(locale, plan).filter((f) => f.title !== t(locale, 'restore.facts.path')),
    { title: t(locale, 'rehearsal.facts.cleanup'), value: t(locale, 'rehearsal.facts.cleanupValue') },
  ];
}

/** The steps this plan includes, in order (the key and secret only when they must be put back). */
export function rehearsalStepIds(plan: RestorePlan): RehearsalStep[] {
  const steps: RehearsalStep[] = ['ensureIsolatedNetwork', 'restoreDisks', 'followJob'];
  if (plan.encryption?.putBack) steps.push('putBackKeys');
  steps.push('createVm', 'checks', 'cleanup', 'report');
  return steps;
}

/** "What will happen", one sentence per step. */
export function rehearsalSteps(locale: Locale, plan: RestorePlan): { step: RehearsalStep; text: string }[] {
  const network = `${plan.subnet.vnet} / ${plan.subnet.subnet}`;
  return rehearsalStepIds(plan).map((step) => ({
    step,
    text: t(locale, `rehearsal.step.${step}` as MessageKey, {
      network,
      time: formatTime(plan.recoveryPoint.time),
      group: plan.targetResourceGroup.name,
      keyVault: plan.encryption?.keyVault.name ?? '',
      newVm: plan.newVmName,
    }),
  }));
}

/** A step's short name ("Checks"). */
export const stepName = (locale: Locale, step: string): string => t(locale, `rehearsal.stepName.${step}` as MessageKey);

/** "1 min 5 s" style durations; '–' when not measured. */
export function formatDuration(locale: Locale, ms: number | undefined): string {
  if (ms === undefined) return t(locale, 'rehearsal.time.none');
  const s = Math.round(ms / 1000);
  if (s < 60) return locale === 'zh-TW' ? `${s} 秒` : `${s} s`;
  const m = Math.floor(s / 60);
  const rest = s % 60;
  if (m < 60) return locale === 'zh-TW' ? `${m} 分 ${rest} 秒` : `${m} min ${rest} s`;
  const h = Math.floor(m / 60);
  return locale === 'zh-TW' ? `${h} 小時 ${m % 60} 分` : `${h} h ${m % 60} min`;
}

/** The measured times in one line (restore job, VM creation, checks, total = the RTO a person can quote). */
export function timesLine(locale: Locale, times: RehearsalCheckpoint['times']): string {
  const d = rehearsalDurations(times);
  return t(locale, 'rehearsal.times', {
    job: formatDuration(locale, d.restoreJobMs),
    create: formatDuration(locale, d.vmCreationMs),
    checks: formatDuration(locale, d.checksMs),
    total: formatDuration(locale, d.totalMs),
  });
}

/** The step a rehearsal failed at: the step that failed, else clean-up (it then left resources behind). */
export function failedStep(run: RehearsalRun): RehearsalStep | undefined {
  const cp = run.checkpoint;
  if (cp.failure) return cp.failure.step;
  if (run.status === 'failed') return (run.error?.step === 'report' ? 'cleanup' : run.error?.step) as RehearsalStep;
  return undefined;
}

/** The result in one sentence, with the times, and what clean-up did. */
export function resultLines(locale: Locale, run: RehearsalRun): { result: string; times: string; cleanup: string } {
  const cp = run.checkpoint;
  const vm = cp.plan.vm.name;
  const step = failedStep(run);
  const total = formatDuration(locale, rehearsalDurations(cp.times).totalMs);
  const result = step
    ? t(locale, 'rehearsal.result.failed', { vm, step: stepName(locale, step) })
    : t(locale, 'rehearsal.result.passed', { vm, total });
  const left = cp.cleanup?.left ?? [];
  const cleanup = left.length
    ? t(locale, 'rehearsal.cleanup.left', { count: left.length, ids: left.join(', ') })
    : cp.cleanup
      ? t(locale, 'rehearsal.cleanup.done', { count: cp.cleanup.deleted.length })
      : '';
  return { result, times: timesLine(locale, cp.times), cleanup };
}

/** The troubleshooting entry of a failed rehearsal: the failed step's own error, else the clean-up's. */
export function rehearsalExplanation(locale: Locale, run: RehearsalRun) {
  const cp = run.checkpoint;
  const code = cp.failure?.code ?? (cp.cleanup?.left.length ? CLEANUP_INCOMPLETE : (run.error?.code ?? 'Unknown'));
  const message = cp.failure?.message ?? run.error?.message ?? '';
  const context = { vm: cp.plan.vm.name, keyVault: cp.plan.encryption?.keyVault.name };
  return explain(
    cp.jobError ?? Object.assign(new Error(message), { code, details: { code, requestId: cp.failure?.requestId } }),
    locale,
    context,
  );
}
