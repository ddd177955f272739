import { escapeMarkdown } from '../markdown';
import { explain, type Explanation } from '../../azure';
import { jobStatusLabel } from '../../dialogs/jobs/format';
import { formatTime, planFacts, planLinks, planStepIds, planSteps } from '../../dialogs/restore';
import { t, type Locale, type MessageKey } from '../../i18n';
import { restoreRetryable, type RestoreRun, type RestoreStep } from '../../runs/restoreRun';
import { renderCard, type AdaptiveCardJson } from '../../cards/render';
import {
  failedStep,
  rehearsalExplanation,
  rehearsalFacts,
  rehearsalStepIds,
  rehearsalSteps,
  resultLines,
  stepName,
} from '../../dialogs/rehearsal/view';
import type { RehearsalRun } from '../../runs/rehearsalRun';
import type { ApprovalRecord, ApprovalStatus, Refusal } from './types';

/**
 * Which copy of the card: the approvers' (Approve / Reject while pending), the requester's (Cancel while pending), or
 * read-only (anyone else, in Teams through card refresh). Retry shows on both copies when the failure allows it.
 */
export type Audience = 'approvers' | 'requester' | 'readOnly';

export interface ApprovalCardOptions {
  audience: Audience;
  /** Told to the clicking user on their copy (a refusal). */
  notice?: string;
  /**
   * Teams card refresh (user-specific views), off when absent: `userIds` are the MRIs Teams refreshes for
   * automatically (at most 60); [] = nobody automatically; absent = every member of a chat of at most 60.
   */
  refresh?: { userIds?: string[] };
}

const STATE_COLOR: Record<ApprovalStatus, string> = {
  pending: 'Accent',
  approved: 'Accent',
  running: 'Accent',
  succeeded: 'Good',
  failed: 'Attention',
  rejected: 'Attention',
  expired: 'Warning',
  cancelled: 'Warning',
};

/** The steps' heading: what will happen, until it has happened (issue 20: no "What will happen" after the end). */
const STEPS_TITLE: Record<ApprovalStatus, MessageKey> = {
  pending: 'restore.plan.steps',
  approved: 'restore.plan.steps',
  running: 'approval.steps.running',
  succeeded: 'approval.steps.done',
  failed: 'approval.steps.done',
  rejected: 'approval.steps.notRun',
  expired: 'approval.steps.notRun',
  cancelled: 'approval.steps.notRun',
};

/** cards/approval.request.json: the request, its plan, its state and (once approved) the run's progress. */
export function approvalCard(
  locale: Locale,
  record: ApprovalRecord,
  run: RestoreRun | undefined,
  options: ApprovalCardOptions,
): AdaptiveCardJson {
  const { plan } = record;
  // A rehearsal goes through the same request and approval; the card says what it is and that it cleans up.
  const rehearsal = plan.purpose === 'rehearsal';
  const failure =
    record.status === 'failed' && run?.error
      ? rehearsal
        ? rehearsalFailureOf(locale, run as unknown as RehearsalRun)
        : failureOf(locale, record, run)
      : undefined;
  const retryable = !rehearsal && !!failure && !!run?.error && restoreRetryable(run.error.step, run.error);
  const card = renderCard('approval.request', {
    requestId: record.id,
    planHash: record.planHash,
    title: t(locale, rehearsal ? 'rehearsal.approval.title' : 'approval.title', { vm: plan.vm.name }),
    state: t(locale, `approval.state.${record.status}`),
    stateColor: STATE_COLOR[record.status],
    notice: options.notice ?? '',
    ...deliveryLine(locale, record, options.audience),
    requestedBy: t(locale, 'approval.requestedBy', {
      who: record.requester.name ?? record.requester.aadObjectId,
      when: formatTime(record.createdAt),
    }),
    requestReason: record.reason ? t(locale, 'approval.requestReason', { reason: record.reason }) : '',
    expires: record.status === 'pending' ? t(locale, 'approval.expires', { when: formatTime(record.expiresAt) }) : '',
    facts: rehearsal ? rehearsalFacts(locale, plan) : planFacts(locale, plan),
    stepsTitle: t(locale, STEPS_TITLE[record.status]),
    steps: stepLines(locale, record, run),
    progress: progressLine(locale, record, run),
    decision: decisionLine(locale, record),
    // A person's words, shown as typed: no link or formatting of theirs renders (src/bot/markdown.ts).
    reason: record.decision?.reason
      ? t(locale, 'approval.decision.reason', { reason: escapeMarkdown(record.decision.reason) })
      : '',
    result: rehearsal ? rehearsalResultLine(locale, record, run) : resultLine(locale, record, run),
    showFailure: !!failure,
    failure: failure ?? { title: '', step: '', cause: '', resolution: '', reference: '' },
    showDecision: options.audience === 'approvers' && record.status === 'pending',
    // A rehearsal may be approved as a standing monthly one for its VM (src/bot/rehearsal/handlers.ts).
    showStanding: rehearsal && options.audience === 'approvers' && record.status === 'pending',
    showCancel: options.audience === 'requester' && record.status === 'pending',
    showRetry: options.audience !== 'readOnly' && retryable,
    refreshUserIds: options.refresh?.userIds ?? [],
    // A rehearsal's VM is gone by the end: no link to it.
    links: planLinks(locale, plan, record.status === 'succeeded' && !rehearsal),
    labels: {
      approve: t(locale, 'approval.approve'),
      approveMonthly: t(locale, 'rehearsal.approveMonthly'),
      reject: t(locale, 'approval.reject'),
      reason: t(locale, 'approval.reason'),
      cancel: t(locale, 'approval.cancel'),
      retry: t(locale, 'approval.retry'),
      refresh: t(locale, 'approval.refresh'),
      cause: t(locale, 'restore.label.cause'),
      resolution: t(locale, 'restore.label.resolution'),
    },
  });
  // The template always declares `refresh`; a card returned from an invoke must not carry it (teams-ai would then edit
  // the message for everyone, see teams-patterns.md), unless the invoke response is sent by hand (refresh verb).
  if (!options.refresh) delete card.refresh;
  else if (!options.refresh.userIds) delete (card.refresh as { userIds?: unknown }).userIds;
  return card;
}

export function refusalNotice(locale: Locale, refusal: Refusal, record?: ApprovalRecord, objectId = ''): string {
  if (refusal === 'decided' && record) {
    return t(locale, 'approval.notice.decided', { state: t(locale, `approval.state.${record.status}`) });
  }
  return t(locale, `approval.notice.${refusal}` as MessageKey, { objectId });
}

function stepLines(locale: Locale, record: ApprovalRecord, run: RestoreRun | undefined) {
  const rehearsal = record.plan.purpose === 'rehearsal';
  const ids: string[] = rehearsal ? rehearsalStepIds(record.plan) : planStepIds(record.plan);
  const texts = rehearsal ? rehearsalSteps(locale, record.plan) : planSteps(locale, record.plan);
  const started = run && ['running', 'succeeded', 'failed'].includes(record.status);
  // A failed rehearsal still ran its clean-up: the step that failed is the one marked.
  const at = rehearsal && run ? (failedStep(run as unknown as RehearsalRun) ?? run.step) : run?.step;
  const current = run ? ids.indexOf(at as RestoreStep) : -1;
  return texts.map(({ text }, i) => {
    if (!started || !run) return { text: `▫️ ${text}`, color: 'Default' };
    if (run.status === 'succeeded' || i < current) return { text: `✅ ${text}`, color: 'Good' };
    if (i === current && run.status === 'failed') return { text: `❌ ${text}`, color: 'Attention' };
    if (i === current) return { text: `⏳ ${text}`, color: 'Accent' };
    return { text: `▫️ ${text}`, color: 'Default' };
  });
}

/**
 * On the requester's copy while the request waits: where it is (with whom it waits), or that no approver could be
 * reached yet. Worked out from the stored request, so every later edit of the card keeps saying it.
 */
function deliveryLine(locale: Locale, record: ApprovalRecord, audience: Audience) {
  if (audience !== 'requester' || record.status !== 'pending') return { delivery: '', deliveryColor: 'Default' };
  if (!record.cards.approvers?.activityId)
    return { delivery: t(locale, 'approval.notice.noApprovers'), deliveryColor: 'Warning' };
  const who = record.deliveredTo?.name;
  return {
    delivery:
      record.deliveredTo?.kind === 'person'
        ? who
          ? t(locale, 'approval.delivery.person', { who })
          : t(locale, 'approval.delivery.someone')
        : t(locale, 'approval.delivery.channel'),
    deliveryColor: 'Default',
  };
}

function progressLine(locale: Locale, record: ApprovalRecord, run: RestoreRun | undefined): string {
  const cp = run?.checkpoint;
  if (!cp?.jobId || record.status === 'succeeded') return '';
  const percent = cp.progress !== undefined ? ` (${cp.progress}%)` : '';
  return t(locale, 'approval.progress', {
    job: cp.jobId,
    status: jobStatusLabel(locale, cp.jobStatus ?? 'InProgress'),
    percent,
  });
}

function decisionLine(locale: Locale, record: ApprovalRecord): string {
  const d = record.decision;
  if (!d) return '';
  const who = d.by?.name ?? d.by?.aadObjectId ?? '';
  const when = formatTime(d.at);
  switch (record.status) {
    case 'rejected':
      return t(locale, 'approval.decision.rejected', { who, when });
    case 'cancelled':
      return t(locale, 'approval.decision.cancelled', { who, when });
    case 'expired':
      return t(locale, 'approval.decision.expired', { when });
    case 'pending':
      return '';
    default:
      return t(locale, 'approval.decision.approved', { who, when });
  }
}

function resultLine(locale: Locale, record: ApprovalRecord, run: RestoreRun | undefined): string {
  const vm = run?.checkpoint.vm;
  if (record.status !== 'succeeded' || !vm) return '';
  const done = t(locale, 'approval.result', {
    vm: vm.name,
    group: record.plan.targetResourceGroup.name,
    path: t(locale, `restore.path.${vm.path}`),
  });
  // Dual pass: the restore stopped after creating the VM; the operator runs the ADE command (no secret in it).
  if (!vm.adeCommand) return done;
  return `${done}\n\n${t(locale, 'approval.result.dualPass', { vm: vm.name, command: vm.adeCommand })}`;
}

/** A rehearsal's result and measured times, once it passed. */
function rehearsalResultLine(locale: Locale, record: ApprovalRecord, run: RestoreRun | undefined): string {
  if (record.status !== 'succeeded' || !run) return '';
  const r = resultLines(locale, run as unknown as RehearsalRun);
  return [r.result, r.times, r.cleanup].filter(Boolean).join('\n\n');
}

/** A failed rehearsal: the step that failed, its troubleshooting entry, the times and what clean-up did. */
function rehearsalFailureOf(locale: Locale, run: RehearsalRun) {
  const explanation = rehearsalExplanation(locale, run);
  const r = resultLines(locale, run);
  const step = failedStep(run) ?? 'report';
  return {
    title: explanation.title,
    step: t(locale, 'approval.failedStep', { step: stepName(locale, step) }),
    cause: explanation.cause,
    resolution: [explanation.resolution, r.times, r.cleanup].filter(Boolean).join('\n\n'),
    reference: t(locale, 'approval.reference', { id: run.checkpoint.failure?.requestId ?? run.id }),
  };
}

/** The failed step's troubleshooting entry: from the restore job's own error, or from the step's error. */
function failureOf(locale: Locale, record: ApprovalRecord, run: RestoreRun) {
  const error = run.error!;
  const context = { vm: record.plan.vm.name, keyVault: record.plan.encryption?.keyVault.name };
  const explanation: Explanation = run.checkpoint.jobError
    ? explain(run.checkpoint.jobError, locale, context)
    : explain(Object.assign(new Error(error.message), { code: error.code }), locale, context);
  return {
    title: explanation.title,
    step: t(locale, 'approval.failedStep', { step: t(locale, `approval.step.${error.step}` as MessageKey) }),
    cause: explanation.cause,
    resolution: explanation.resolution,
    reference: t(locale, 'approval.reference', { id: error.requestId ?? run.id }),
  };
}
