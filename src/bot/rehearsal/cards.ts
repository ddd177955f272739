import { renderCard, type AdaptiveCardJson } from '../../cards/render';
import { rehearsalExplanation, resultLines } from '../../dialogs/rehearsal/view';
import { planLinks } from '../../dialogs/restore/links';
import { t, type Locale } from '../../i18n';
import type { JobEvent } from '../../notifications/types';
import type { RehearsalRun } from '../../runs/rehearsalRun';

/**
 * A rehearsal's end for the notifications: failed, as a failure (below); passed, as a success that marks the VM's
 * failed-rehearsal card recovered. Operation `Rehearsal` keeps it on its own card (never the VM's backup card).
 */
export function rehearsalEvent(run: RehearsalRun): JobEvent {
  return run.checkpoint.result === 'passed' ? runEvent(run, 'succeeded') : failureEvent(run);
}

/** A rehearsal's end as a job event of operation `Rehearsal`, with the run id as its job id. */
function runEvent(run: RehearsalRun, outcome: JobEvent['outcome']): JobEvent {
  const cp = run.checkpoint;
  return {
    source: 'watcher',
    vault: cp.plan.item.vault,
    jobId: run.id,
    vm: cp.plan.vm.name,
    vmResourceGroup: cp.plan.vm.resourceGroup,
    ...vaultSubscription(run),
    operation: 'Rehearsal',
    outcome,
    at: cp.times?.endedAt ?? new Date().toISOString(),
    startTime: cp.times?.startedAt,
  };
}

/** The vault's subscription, from its VM's id (Backup protects a VM from a vault in its own subscription). */
const vaultSubscription = (run: RehearsalRun): { subscriptionId?: string } => {
  const sub = /^\/subscriptions\/([^/]+)/i.exec(run.checkpoint.plan.vm.id)?.[1];
  return sub ? { subscriptionId: sub } : {};
};

/**
 * A failed rehearsal as the notifications take a failed backup job (operation `Rehearsal`, the run id as its job
 * id: posted once per conversation subscribed to the VM's vault, with the catalogue entry and its fix) on the VM's
 * own failed-rehearsal card (src/notifications/stream.ts).
 */
export function failureEvent(run: RehearsalRun): JobEvent {
  const explanation = rehearsalExplanation('en', run);
  return {
    ...runEvent(run, 'failed'),
    // The catalogue entry's code as the error's name: the card explains it and offers its fix.
    error: {
      title: explanation.code,
      message: run.checkpoint.failure?.message ?? explanation.title,
      recommendations: [],
    },
  };
}

/** cards/rehearsal.result.json: passed or failed at which step, the times (the RTO to quote), the clean-up. */
export function resultCard(locale: Locale, run: RehearsalRun): AdaptiveCardJson {
  const r = resultLines(locale, run);
  const passed = run.checkpoint.result === 'passed';
  const failure = passed ? undefined : rehearsalExplanation(locale, run);
  return renderCard('rehearsal.result', {
    title: t(locale, 'rehearsal.card.title', { vm: run.checkpoint.plan.vm.name }),
    result: r.result,
    color: passed ? 'Good' : 'Attention',
    times: r.times,
    cleanup: r.cleanup,
    showFailure: !!failure,
    failure: failure
      ? { title: failure.title, cause: failure.cause, resolution: failure.resolution }
      : { title: '', cause: '', resolution: '' },
    reference: t(locale, 'approval.reference', { id: run.checkpoint.requestId }),
    // The protected VM, its vault, key vault and staging account (the rehearsal's own VM is gone by now).
    links: planLinks(locale, run.checkpoint.plan),
  });
}
