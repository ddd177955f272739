import { explain, type JobError } from '../../azure';
import { renderCard, type AdaptiveCardJson } from '../../cards/render';
import { armId, portalLinks } from '../../cards/portal';
import { t, type Locale } from '../../i18n';
import { fixButtons, startData, stepData } from '../flow/cards';
import { listView } from '../flow/list';
import type { ChoiceList, View } from '../flow/types';
import { durationLabel, jobOperationLabel, jobStatusLabel } from './format';

/** A job as kept for its detail card (strings only). */
export interface JobDetail {
  id: string;
  vmName: string;
  /** For the VM's portal link (absent in older records). */
  vmResourceGroup?: string;
  operation: string;
  status: string;
  startTime?: string;
  endTime?: string;
  duration?: string;
  errors: JobError[];
  /** When a later backup of the same VM succeeded (the failure no longer stands). */
  superseded?: string;
  /** The failure's cause has gone since (the key vault grant it lacked is there now): no fix button. */
  causeGone?: boolean;
}

export const STATUS_ICON: Record<string, string> = {
  Failed: '❌',
  CompletedWithWarnings: '⚠️',
  Completed: '✅',
  InProgress: '⏳',
  Cancelled: '⛔',
};

export function jobsVaultCard(view: View, list: ChoiceList): AdaptiveCardJson {
  const l = view.locale;
  return renderCard('jobs.vault', {
    ...stepData(view, t(l, 'jobs.title')),
    intro: t(l, 'jobs.vault.intro'),
    prompt: t(l, 'jobs.vault.prompt'),
    list: listView(list, l),
  });
}

/** The vault (by name and resource group) and its Backup jobs blade in the portal. */
const vaultLinks = (l: Locale, vault: { name: string; resourceGroup?: string; subscriptionId?: string }) => {
  const id = armId.vault(vault.resourceGroup, vault.name, vault.subscriptionId);
  return [
    { kind: 'vault' as const, id, name: vault.name },
    { kind: 'backupJobs' as const, id },
  ];
};

export function jobsListCard(
  view: View,
  vault: string | { name: string; resourceGroup?: string; subscriptionId?: string },
  list: ChoiceList,
  failed: number,
): AdaptiveCardJson {
  const v = typeof vault === 'string' ? { name: vault } : vault;
  const l = view.locale;
  return renderCard('jobs.list', {
    ...stepData(view, t(l, 'jobs.list.title', { vault: v.name })),
    intro: list.items.length ? t(l, 'jobs.list.intro', { count: list.items.length, failed }) : t(l, 'jobs.list.none'),
    hasJobs: list.items.length > 0,
    prompt: t(l, 'jobs.list.prompt'),
    detailLabel: t(l, 'jobs.list.detail'),
    closeLabel: t(l, 'flow.close'),
    list: listView(list, l),
    links: portalLinks(l, vaultLinks(l, v)),
  });
}

export function jobDetailCard(
  view: View,
  vaultRef: string | { name: string; resourceGroup?: string; subscriptionId?: string },
  job: JobDetail,
): AdaptiveCardJson {
  const l = view.locale;
  const v = typeof vaultRef === 'string' ? { name: vaultRef } : vaultRef;
  const vault = v.name;
  const facts = [
    { title: t(l, 'jobs.fact.vm'), value: job.vmName },
    { title: t(l, 'jobs.fact.operation'), value: jobOperationLabel(l, job.operation) },
    {
      title: t(l, 'jobs.fact.status'),
      value: `${STATUS_ICON[job.status] ?? ''} ${jobStatusLabel(l, job.status)}`.trim(),
    },
    { title: t(l, 'jobs.fact.started'), value: job.startTime ?? '-' },
    { title: t(l, 'jobs.fact.ended'), value: job.endTime ?? '-' },
    { title: t(l, 'jobs.fact.duration'), value: durationLabel(l, job.duration) ?? '-' },
    { title: t(l, 'jobs.fact.id'), value: job.id },
  ];
  const explained = job.errors.map((e) => explain(e, l, { vm: job.vmName, vault }));
  const first = explained[0];
  // A fix is offered only while its cause stands: not once a later backup succeeded, nor once the grant is there.
  const note = job.superseded
    ? t(l, 'jobs.detail.superseded', { vm: job.vmName, when: job.superseded })
    : job.causeGone
      ? t(l, 'jobs.detail.causeGone')
      : '';
  const fix = first && !note ? fixButtons(l, first.fix, { vm: job.vmName }) : {};
  const title = t(l, 'jobs.detail.title', { vm: job.vmName, operation: jobOperationLabel(l, job.operation) });
  return renderCard('jobs.detail', {
    ...stepData(view, title),
    ...(note ? { hasNotice: true, notice: note } : {}),
    facts,
    hasErrors: explained.length > 0,
    errors: explained.map((e, i) => ({
      title: e.title,
      cause: e.cause,
      resolution: e.resolution,
      // The documented name where the catalogue knows it, else Azure's number (a job's errorTitle is the entity).
      code: t(l, 'jobs.detail.code', {
        code: e.azureName ?? String(job.errors[i].code ?? job.errors[i].title ?? ''),
      }),
    })),
    causeLabel: t(l, 'flow.explain.cause'),
    resolutionLabel: t(l, 'flow.explain.resolution'),
    backLabel: t(l, 'jobs.detail.back'),
    closeLabel: t(l, 'flow.close'),
    ...startData(fix),
    links: portalLinks(l, [
      // A VM is protected from a vault in its own subscription: the vault's.
      { kind: 'vm', id: armId.vm(job.vmResourceGroup, job.vmName, v.subscriptionId), name: job.vmName },
      ...vaultLinks(l, v),
    ]),
  });
}

export function jobTitle(
  locale: Locale,
  j: { status: string; operation: string; vmName: string; startTime?: string; superseded?: string },
): string {
  const parts = [
    `${STATUS_ICON[j.status] ?? '•'} ${jobStatusLabel(locale, j.status)}`,
    jobOperationLabel(locale, j.operation),
    j.vmName,
    ...(j.startTime ? [j.startTime] : []),
    ...(j.superseded ? [t(locale, 'jobs.superseded', { when: j.superseded })] : []),
  ];
  return parts.join(' · ');
}
