import { explain, type JobError } from '../../azure';
import { renderCard, type AdaptiveCardJson } from '../../cards/render';
import { armId, portalLinks, subscriptionOfId } from '../../cards/portal';
import { t, type Locale } from '../../i18n';
import { fixButtons, startData, stepData } from '../flow/cards';
import { listView } from '../flow/list';
import type { ChoiceList, View } from '../flow/types';
import { utc } from '../shared';

/** The VM to back up, as the flow resolved it: the confirm re-reads its protection from `id` and `location`. */
export interface BackupTarget {
  vm: string;
  resourceGroup: string;
  vault: string;
  /** Absent in records written before they were kept: the VM is then read again by name. */
  id?: string;
  location?: string;
  /** The vault's resource group, when known (for its portal link). */
  vaultResourceGroup?: string;
}

/** The VM and its vault in the portal. */
const targetLinks = (l: Locale, target: BackupTarget) =>
  portalLinks(l, [
    { kind: 'vm', id: target.id ?? armId.vm(target.resourceGroup, target.vm), name: target.vm },
    {
      kind: 'vault',
      id: armId.vault(target.vaultResourceGroup, target.vault, subscriptionOfId(target.id)),
      name: target.vault,
    },
  ]);

export function backupVmCard(view: View, list: ChoiceList): AdaptiveCardJson {
  const l = view.locale;
  return renderCard('backupNow.vm', {
    ...stepData(view, t(l, 'backup.title')),
    intro: t(l, 'backup.vm.intro'),
    prompt: t(l, 'backup.vm.prompt'),
    list: listView(list, l),
  });
}

export function retentionCard(
  view: View,
  target: BackupTarget,
  limits: { value: string; min: string; max: string },
): AdaptiveCardJson {
  const l = view.locale;
  return renderCard('backupNow.retention', {
    ...stepData(view, t(l, 'backup.title')),
    intro: t(l, 'backup.retention.intro', { vm: target.vm, vault: target.vault }),
    label: t(l, 'backup.retention.label'),
    ...limits,
    links: targetLinks(l, target),
  });
}

export function backupConfirmCard(
  view: View,
  target: BackupTarget,
  retainUntil: string,
  days: number,
): AdaptiveCardJson {
  const l = view.locale;
  return renderCard('backupNow.confirm', {
    ...stepData(view, t(l, 'backup.confirm.title')),
    intro: t(l, 'backup.confirm.intro'),
    facts: [
      { title: t(l, 'backup.fact.vm'), value: `${target.vm} (${target.resourceGroup})` },
      { title: t(l, 'backup.fact.vault'), value: target.vault },
      { title: t(l, 'backup.fact.retain'), value: t(l, 'backup.retainText', { date: retainUntil, days }) },
    ],
    confirmLabel: t(l, 'backup.confirm.button'),
    links: targetLinks(l, target),
  });
}

/** A backup as its card shows it: before Azure names the job, while it runs, and at its end. */
export interface BackupProgress {
  vm: string;
  vault: string;
  retainUntil: string;
  status: string;
  vmId?: string;
  vaultId?: string;
  jobId?: string;
  progressPercent?: number;
  startTime?: string;
  endTime?: string;
  /** The job's error, or the error that stopped the trigger (explained with the catalogue). */
  error?: JobError | unknown;
}

const TITLES: Record<
  string,
  | 'backup.progress.starting'
  | 'backup.progress.running'
  | 'backup.progress.completed'
  | 'backup.progress.warnings'
  | 'backup.progress.failed'
  | 'backup.progress.cancelled'
> = {
  starting: 'backup.progress.starting',
  InProgress: 'backup.progress.running',
  Completed: 'backup.progress.completed',
  CompletedWithWarnings: 'backup.progress.warnings',
  Failed: 'backup.progress.failed',
  Cancelled: 'backup.progress.cancelled',
};

/** cards/backupNow.progress.json: updated in place as the job moves; on failure the troubleshooting entry and its fix. */
export function progressCard(locale: Locale, p: BackupProgress): AdaptiveCardJson {
  const l = locale;
  const failed = p.status === 'Failed' || p.status === 'error';
  const e = failed && p.error ? explain(p.error, l, { vm: p.vm, vault: p.vault }) : undefined;
  const facts = [
    { title: t(l, 'backup.fact.vm'), value: p.vm },
    { title: t(l, 'backup.fact.vault'), value: p.vault },
    { title: t(l, 'backup.fact.retain'), value: p.retainUntil },
  ];
  if (p.jobId) facts.push({ title: t(l, 'backup.fact.job'), value: p.jobId });
  if (p.startTime) facts.push({ title: t(l, 'backup.fact.started'), value: utc(new Date(p.startTime)) });
  if (p.endTime) facts.push({ title: t(l, 'backup.fact.ended'), value: utc(new Date(p.endTime)) });
  const running = p.status === 'InProgress' && p.progressPercent !== undefined;
  const buttons = e ? fixButtons(l, e.fix, { vm: p.vm }) : {};
  return renderCard('backupNow.progress', {
    title: t(l, TITLES[p.status] ?? (failed ? 'backup.progress.failed' : 'backup.progress.running')),
    color:
      p.status === 'Completed'
        ? 'Good'
        : failed
          ? 'Attention'
          : p.status === 'InProgress' || p.status === 'starting'
            ? 'Default'
            : 'Warning',
    facts,
    hasProgress: running,
    progress: running ? t(l, 'backup.progress.percent', { n: p.progressPercent ?? 0 }) : '',
    failed: !!e,
    errorTitle: e?.title ?? '',
    causeLabel: t(l, 'flow.explain.cause'),
    cause: e?.cause ?? '',
    resolutionLabel: t(l, 'flow.explain.resolution'),
    resolution: e?.resolution ?? '',
    ...startData(buttons),
    links: portalLinks(l, [
      { kind: 'vm', id: p.vmId, name: p.vm },
      { kind: 'vault', id: p.vaultId, name: p.vault },
      p.jobId ? { kind: 'backupJobs', id: p.vaultId } : undefined,
    ]),
  });
}
