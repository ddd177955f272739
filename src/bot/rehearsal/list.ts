import { renderCard, type AdaptiveCardJson } from '../../cards/render';
import { stepName, timesLine } from '../../dialogs/rehearsal/view';
import { formatTime } from '../../dialogs/restore/format';
import { echo } from '../../dialogs/shared';
import { t, type Locale } from '../../i18n';
import type { RehearsalFeature } from './feature';
import type { StandingRehearsal } from './standing';

const message = (title: string, text: string) => renderCard('restore.message', { title, text });

/** cards/rehearsal.list.json (`rehearsals [vault]`): each protected VM's last rehearsal, and the standing ones. */
export async function listCard(feature: RehearsalFeature, locale: Locale, vault?: string): Promise<AdaptiveCardJson> {
  const all = await feature.protectedVms();
  const vms = vault ? all.filter((v) => v.vault?.toLowerCase() === vault.toLowerCase()) : all;
  const title = vault
    ? t(locale, 'rehearsal.list.titleVault', { vault: echo(vault) })
    : t(locale, 'rehearsal.list.title');
  if (vault && !vms.length && !all.some((v) => v.vault?.toLowerCase() === vault.toLowerCase()))
    return message(title, t(locale, 'rehearsal.list.unknownVault', { vault: echo(vault) }));
  const results = new Map((await feature.results.list()).map((r) => [r.vmId.toLowerCase(), r]));
  const lines = vms
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((v) => {
      const r = results.get(v.id.toLowerCase());
      if (!r) return { text: t(locale, 'rehearsal.list.never', { vm: v.name }) };
      const when = formatTime(r.endedAt ?? r.startedAt);
      if (r.status === 'running') return { text: t(locale, 'rehearsal.list.running', { vm: v.name, when }) };
      const times = timesLine(locale, r.times);
      return r.status === 'passed'
        ? { text: t(locale, 'rehearsal.list.passed', { vm: v.name, when, times }) }
        : {
            text: t(locale, 'rehearsal.list.failed', {
              vm: v.name,
              when,
              times,
              step: stepName(locale, r.failedStep ?? 'report'),
            }),
          };
    });
  if (!lines.length) lines.push({ text: t(locale, 'rehearsal.list.none') });
  const standing = (await feature.standing.active())
    .filter((s) => !vault || s.scope.kind === 'vm' || s.scope.name.toLowerCase() === vault.toLowerCase())
    .map((s) => standingLine(feature, locale, s));
  return renderCard('rehearsal.list', {
    title,
    lines,
    standingTitle: t(locale, 'rehearsal.standing.title'),
    standingNone: t(locale, 'rehearsal.standing.none'),
    standing,
  });
}

function standingLine(feature: RehearsalFeature, locale: Locale, s: StandingRehearsal) {
  const scope = scopeLabel(locale, s.scope);
  return {
    id: s.id,
    text: t(locale, 'rehearsal.standing.line', {
      scope,
      who: s.approvedBy.name ?? s.approvedBy.aadObjectId,
      requester: s.requestedBy?.name ?? s.requestedBy?.aadObjectId ?? '',
      expires: formatTime(s.expiresAt),
      max: feature.maxConcurrent,
    }),
    revoke: t(locale, 'rehearsal.standing.revoke', { scope }),
  };
}

export const scopeLabel = (locale: Locale, scope: StandingRehearsal['scope']) =>
  scope.kind === 'vm' ? scope.name : `${locale === 'zh-TW' ? '保存庫' : 'vault'} ${scope.name}`;
