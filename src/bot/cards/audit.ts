import { isMessageKey, t, type Locale } from '../../i18n';
import type { AuditEntry } from '../../store';
import { renderCard, type AdaptiveCardJson } from '../../cards/render';

const RESULT_COLORS: Partial<Record<AuditEntry['result'], string>> = {
  succeeded: 'Good',
  approved: 'Good',
  failed: 'Attention',
  refused: 'Attention',
  rejected: 'Warning',
  expired: 'Warning',
};

/** cards/audit.json: recent audit trail entries, newest first. */
export function auditCard(locale: Locale, entries: AuditEntry[], target?: string): AdaptiveCardJson {
  let summary: string;
  if (entries.length > 0) summary = t(locale, 'audit.showing', { count: entries.length });
  else summary = target ? t(locale, 'audit.emptyFor', { target }) : t(locale, 'audit.empty');
  return renderCard('audit', {
    title: target ? t(locale, 'audit.titleFor', { target }) : t(locale, 'audit.title'),
    summary,
    entries: entries.map((e) => ({
      action: label(locale, `audit.action.${e.action}`, e.action),
      target: e.target ? `${e.target.kind} ${e.target.name}` : '',
      result: label(locale, `audit.result.${e.result}`, e.result),
      color: RESULT_COLORS[e.result] ?? 'Default',
      when: formatTime(e.at),
      who: t(locale, 'audit.by', { who: e.who.name ?? e.who.aadObjectId ?? '?' }),
      // The Activity Log's clientRequestId of each Azure write (src/azure/trail.ts).
      requestIds: e.armRequestIds?.length ? t(locale, 'audit.requestIds', { ids: e.armRequestIds.join(', ') }) : '',
    })),
  });
}

/** A flow's label for a code if it has one, else the code itself. */
function label(locale: Locale, key: string, fallback: string): string {
  return isMessageKey(key) ? t(locale, key) : fallback;
}

/** `2026-01-05 10:12 UTC`: unambiguous for a team spread over time zones. */
function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
