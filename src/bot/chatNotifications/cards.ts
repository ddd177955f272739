import { explain, type JobError, type JobSummary } from '../../azure';
import { durationLabel, jobOperationLabel, jobStatusLabel } from '../../dialogs/jobs/format';
import { t, type Locale } from '../../i18n';
import {
  SNOOZE_HOURS,
  type DigestCard,
  type FailureCard,
  type NotificationCard,
  type RpoCard,
  type Subscription,
} from '../../notifications';
import { renderCard, type AdaptiveCardJson } from '../../cards/render';
import { escapeMarkdown } from '../markdown';
import { postureCard } from '../posture/card';
import { armId, portalLinks, type PortalLink } from '../../cards/portal';

/** `2026-01-05 10:12 UTC`: unambiguous for a team spread over time zones. */
export function formatTime(iso: string | Date | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const fact = (name: string, value: string | number) => ({ name, value: String(value) });

/** Azure's own words (or an alert's), safe and short: first line, bounded, Markdown shown as text. */
const azureWords = (message: string) => {
  const line = message.split('\n')[0].trim();
  return escapeMarkdown(line.length > 300 ? `${line.slice(0, 297)}...` : line);
};

/** The VM, its vault and the vault's Backup jobs blade, for the cards of one protected item. */
function itemLinks(
  l: Locale,
  c: { vm: string; vault: string; vmResourceGroup?: string; vaultResourceGroup?: string; vaultSubscriptionId?: string },
  jobs: boolean,
): PortalLink[] {
  // The vault's subscription is the VM's too (Backup protects a VM from a vault in its own subscription).
  const vaultId = armId.vault(c.vaultResourceGroup, c.vault, c.vaultSubscriptionId);
  return portalLinks(l, [
    { kind: 'vm', id: armId.vm(c.vmResourceGroup, c.vm, c.vaultSubscriptionId), name: c.vm },
    { kind: 'vault', id: vaultId, name: c.vault },
    jobs ? { kind: 'backupJobs', id: vaultId } : undefined,
  ]);
}

const personName = (p: { aadObjectId?: string; name?: string }) => p.name ?? p.aadObjectId ?? '?';

/** Who took the item and its snooze, as facts (the snooze stays on the card after it ends: its time says so). */
function ownershipFacts(l: Locale, c: Partial<Pick<FailureCard, 'owner' | 'snooze'>>) {
  const owner = c.owner;
  const snooze = c.snooze;
  return [
    ...(owner
      ? [
          fact(
            t(l, 'notify.fact.takenBy'),
            t(l, 'notify.takenBy', { who: personName(owner), time: formatTime(owner.at) }),
          ),
        ]
      : []),
    ...(snooze
      ? [
          fact(
            t(l, 'notify.fact.snoozed'),
            t(l, 'notify.snoozedBy', { time: formatTime(snooze.until), who: personName(snooze.by) }),
          ),
        ]
      : []),
  ];
}

/** The card a notification record is shown as, in the subscriber's language. */
export function notificationCard(card: NotificationCard): AdaptiveCardJson {
  if (card.kind === 'failure') return failureCard(card);
  if (card.kind === 'digest') return digestCard(card);
  if (card.kind === 'posture') return postureCard(card.locale, card.report, card.rpoHours);
  return rpoCard(card);
}

/** cards/notify.failure.json: the living card of one protected item (failing, repeat failures, recovered). */
export function failureCard(c: FailureCard): AdaptiveCardJson {
  const l = c.locale;
  const recovered = !!c.recovered;
  // Names an alert may carry, shown as text in titles and facts (the button data keeps them as they are).
  const vm = escapeMarkdown(c.vm);
  const vault = escapeMarkdown(c.vault);
  const e = c.error ? explain(c.error, l, { vm, vault }) : undefined;
  const grantFix = e?.fix?.kind === 'grantKeyVaultAccess' ? e.fix : undefined;
  // Real job errors do not name the key vault: the grant flow finds it from the VM's encryption settings.
  const hasGrant = !recovered && (!!grantFix || e?.code === 'KeyVaultPermissionsNotConfigured');
  // A failed restore rehearsal has its own card (issue 19): its titles, its run, Rehearse again and the rehearsals
  // list instead of "Show job" (its id is a run's, not a Backup job's); no "I'm on it" or Snooze (the backup card's).
  const rehearsal = /^rehearsal$/i.test(c.operation);
  const operation = /^backup$/i.test(c.operation)
    ? t(l, 'notify.operation.backup')
    : rehearsal
      ? t(l, 'rehearsal.operation')
      : c.operation;
  // The error's documented name where the catalogue knows it, else Azure's number: a job's errorTitle is the entity
  // the error is about (AzureIaaSVMErrorInfo), an alert's is the error's name.
  const errorCode = e?.azureName ?? (c.error?.code !== undefined ? String(c.error.code) : (c.error?.title ?? ''));
  const subscriptionId = c.vaultSubscriptionId ?? '';
  const facts = [
    fact(t(l, 'notify.fact.vm'), vm),
    fact(t(l, 'notify.fact.vault'), vault),
    fact(t(l, 'notify.fact.failures'), c.count),
    ...(c.count > 1 ? [fact(t(l, 'notify.fact.firstFailure'), formatTime(c.firstAt))] : []),
    fact(t(l, 'notify.fact.lastFailure'), formatTime(c.lastAt)),
    ...(errorCode ? [fact(t(l, 'notify.fact.error'), errorCode)] : []),
    fact(t(l, rehearsal ? 'rehearsal.notify.run' : 'notify.fact.job'), c.lastJobId),
    ...ownershipFacts(l, c),
  ];
  const titles = rehearsal
    ? {
        recovered: t(l, 'rehearsal.notify.recoveredTitle', { vm }),
        failing: t(l, c.count > 1 ? 'rehearsal.notify.titleRepeat' : 'rehearsal.notify.title', { vm, count: c.count }),
        recoveredSummary: 'rehearsal.notify.recoveredSummary' as const,
      }
    : {
        recovered: t(l, 'notify.failure.recoveredTitle', { vm }),
        failing: t(l, c.count > 1 ? 'notify.failure.titleRepeat' : 'notify.failure.title', { vm, count: c.count }),
        recoveredSummary: 'notify.failure.recoveredSummary' as const,
      };
  return renderCard('notify.failure', {
    title: recovered ? titles.recovered : titles.failing,
    color: recovered ? 'Good' : 'Attention',
    summary: recovered
      ? t(l, titles.recoveredSummary, { vm, time: formatTime(c.recovered!.at), count: c.count }) +
        (c.owner ? ` ${t(l, 'notify.failure.recoveredOwner', { who: personName(c.owner) })}` : '')
      : t(l, 'notify.failure.summary', { operation, vm, vault, time: formatTime(c.lastAt) }),
    facts,
    canTake: !recovered && !c.owner && !rehearsal,
    takeLabel: t(l, 'notify.button.take'),
    canSnooze: !recovered && !rehearsal,
    snoozeLabel: t(l, 'notify.button.snooze'),
    snoozeIntro: t(l, 'notify.snooze.intro'),
    snoozeChoices: SNOOZE_HOURS.map((hours) => ({
      title: t(l, 'notify.snooze.hours', { hours }),
      vault: c.vault,
      vm: c.vm,
      subscriptionId,
      hours,
    })),
    showError: !recovered && !!e,
    errorTitle: e?.title ?? '',
    causeLabel: t(l, 'notify.cause'),
    cause: e?.cause ?? '',
    resolutionLabel: t(l, 'notify.resolution'),
    resolution: e?.resolution ?? '',
    azureSays: c.error?.message ? t(l, 'notify.azureSays', { message: azureWords(c.error.message) }) : '',
    hasGrant,
    grantLabel: t(l, 'notify.button.grant'),
    keyVault: grantFix?.keyVault ?? '',
    vm: c.vm,
    hasBackup: !recovered,
    backupLabel: t(l, 'notify.button.backupNow'),
    showJob: !rehearsal,
    showJobLabel: t(l, 'notify.button.showJob'),
    canRehearse: rehearsal && !recovered,
    rehearseLabel: t(l, 'rehearsal.notify.rehearseAgain'),
    showRehearsals: rehearsal,
    rehearsalsLabel: t(l, 'rehearsal.notify.showRehearsals'),
    vault: c.vault,
    // "I'm on it" and Snooze name the item in its vault's subscription (issue 17); empty on cards that know none.
    subscriptionId,
    jobId: recovered ? c.recovered!.jobId : c.lastJobId,
    links: itemLinks(l, c, true),
  });
}

const TOP_GROUPS = 8;
const TOP_ITEMS = 5;

/** cards/notify.digest.json: one card for a storm, every failure counted, by error and vault, the worst VMs. */
export function digestCard(c: DigestCard): AdaptiveCardJson {
  const l = c.locale;
  const groups = Object.values(c.groups).sort((a, b) => b.count - a.count);
  const items = Object.values(c.items).sort((a, b) => b.count - a.count || a.vm.localeCompare(b.vm));
  return renderCard('notify.digest', {
    title: t(l, 'notify.digest.title', { total: c.total, time: formatTime(c.startedAt) }),
    summary: t(l, 'notify.digest.summary'),
    carded: c.carded ? t(l, 'notify.digest.carded', { count: c.carded }) : '',
    groupsLabel: t(l, 'notify.digest.groups'),
    groups: groups.slice(0, TOP_GROUPS).map((g) => ({
      error: errorName(l, g.error),
      vault: g.vault,
      count: t(l, 'notify.digest.count', { count: g.count }),
    })),
    worstLabel: t(l, 'notify.digest.worst'),
    items: items
      .slice(0, TOP_ITEMS)
      .map((i) => ({ vm: i.vm, vault: i.vault, count: t(l, 'notify.digest.count', { count: i.count }) })),
    more: items.length > TOP_ITEMS ? t(l, 'notify.digest.more', { count: items.length - TOP_ITEMS }) : '',
  });
}

/** The catalogue's title for an error name, with the name (what Azure and search engines know it by). */
function errorName(locale: Locale, error: string): string {
  const e = explain({ title: error, message: '', recommendations: [] } satisfies JobError, locale);
  return e.code === 'Unknown' ? error : `${e.title} (${error})`;
}

/** cards/notify.rpo.json: an item past its RPO window (and, later, backed up again). */
export function rpoCard(c: RpoCard): AdaptiveCardJson {
  const l = c.locale;
  const recovered = !!c.recoveredAt;
  const lookBack = c.rpoHours;
  // Protected (or re-protected, or given another policy) after its last success: the clock started at protection.
  const sinceProtection = !!c.protectedAt && (!c.lastSuccess || c.protectedAt > c.lastSuccess);
  return renderCard('notify.rpo', {
    title: t(l, recovered ? 'notify.rpo.recoveredTitle' : 'notify.rpo.title', { vm: c.vm }),
    color: recovered ? 'Good' : 'Warning',
    summary: recovered
      ? t(l, 'notify.rpo.recoveredSummary', { vm: c.vm, time: formatTime(c.recoveredAt) })
      : sinceProtection
        ? t(l, 'notify.rpo.summaryNew', { vm: c.vm, vault: c.vault, time: formatTime(c.protectedAt) })
        : t(l, 'notify.rpo.summary', { vm: c.vm, vault: c.vault, hours: c.rpoHours }),
    facts: [
      fact(t(l, 'notify.fact.vm'), c.vm),
      fact(t(l, 'notify.fact.vault'), c.vault),
      fact(
        t(l, 'notify.fact.lastSuccess'),
        c.lastSuccess && !sinceProtection
          ? formatTime(c.lastSuccess)
          : sinceProtection
            ? t(l, 'notify.rpo.neverSinceProtection', { time: formatTime(c.protectedAt) })
            : t(l, 'notify.rpo.never', { hours: lookBack }),
      ),
      fact(t(l, 'notify.fact.rpo'), t(l, 'notify.hours', { hours: c.rpoHours })),
      ...ownershipFacts(l, c),
    ],
    hasBackup: !recovered,
    backupLabel: t(l, 'notify.button.backupNow'),
    vm: c.vm,
    links: itemLinks(l, c, false),
  });
}

/**
 * cards/notify.subscriptions.json: the vaults subscribed in this conversation, each with Unsubscribe; then the
 * conversations the bot can no longer post to (dead: removed, or unreachable), whose subscriptions are inactive.
 */
export function subscriptionsCard(l: Locale, subs: Subscription[], inactive: Subscription[] = []): AdaptiveCardJson {
  return renderCard('notify.subscriptions', {
    title: t(l, 'notify.subscriptions.title'),
    intro: t(l, subs.length ? 'notify.subscriptions.intro' : 'notify.subscriptions.none'),
    subscriptions: subs.map((s) => ({
      vault: s.vault,
      detail: t(l, 'notify.subscriptions.since', { time: formatTime(s.at), who: s.by.name ?? s.by.aadObjectId ?? '?' }),
      unsubscribeLabel: t(l, 'notify.button.unsubscribe'),
    })),
    deadTitle: inactive.length ? t(l, 'notify.subscriptions.deadTitle') : '',
    dead: inactive.map((s) => ({
      text: t(l, 'notify.subscriptions.dead', {
        conversation: conversationLabel(s),
        vault: s.vault,
        time: formatTime(s.inactive!.since),
        reason: t(l, `notify.dead.${s.inactive!.reason}`, { detail: s.inactive!.detail }),
      }),
    })),
  });
}

/** A conversation as people know it: its name when the reference has one, else its kind and id. */
function conversationLabel(s: Subscription): string {
  const name = (s.reference as { conversation?: { name?: string } }).conversation?.name;
  return name ? `${name} (${s.conversationId})` : s.conversationId;
}

/** cards/notify.vaults.json: `subscribe` without a vault: the subscription's vaults to choose from. */
export function vaultChoiceCard(
  l: Locale,
  vaults: { name: string; location: string; resourceGroup: string; subscriptionName?: string }[],
): AdaptiveCardJson {
  return renderCard('notify.vaults', {
    title: t(l, 'notify.vaults.title'),
    intro: t(l, 'notify.vaults.intro'),
    vaults: vaults.map((v) => ({
      vault: v.name,
      // The subscription's display name when the bot manages several (issue 17).
      detail: [v.location, v.resourceGroup, v.subscriptionName].filter(Boolean).join(' · '),
      subscribeLabel: t(l, 'notify.button.subscribe'),
    })),
  });
}

/** cards/notify.job.json: "Show job": the job as Azure reports it now. */
export function jobCard(l: Locale, job: JobSummary): AdaptiveCardJson {
  const failed = /^failed$/i.test(job.status);
  const errors = job.errors.flatMap((e) => {
    // The documented name where the catalogue knows it; a job's errorTitle is only the entity the error is about.
    const name = explain(e, l).azureName ?? e.title;
    return [
      {
        text:
          [name, e.code !== undefined ? `(${e.code})` : ''].filter(Boolean).join(' ') +
          (name || e.code !== undefined ? ': ' : '') +
          azureWords(e.message),
      },
      ...e.recommendations.map((r) => ({ text: azureWords(r) })),
    ];
  });
  return renderCard('notify.job', {
    title: t(l, 'notify.job.title', { vm: job.vmName }),
    color: failed ? 'Attention' : /^completed/i.test(job.status) ? 'Good' : 'Default',
    facts: [
      fact(t(l, 'notify.job.status'), jobStatusLabel(l, job.status)),
      fact(t(l, 'notify.fact.vault'), job.vault),
      fact(t(l, 'notify.fact.operation'), jobOperationLabel(l, job.operation)),
      ...(job.startTime ? [fact(t(l, 'notify.job.started'), formatTime(job.startTime))] : []),
      ...(job.endTime ? [fact(t(l, 'notify.job.ended'), formatTime(job.endTime))] : []),
      ...(job.durationText ? [fact(t(l, 'notify.job.duration'), durationLabel(l, job.durationText)!)] : []),
      fact(t(l, 'notify.job.id'), job.id),
    ],
    hasErrors: errors.length > 0,
    errorsLabel: t(l, 'notify.job.errors'),
    errors,
    links: itemLinks(
      l,
      {
        vm: job.vmName,
        vault: job.vault,
        vmResourceGroup: job.vmResourceGroup,
        vaultResourceGroup: job.vaultResourceGroup,
      },
      true,
    ),
  });
}
