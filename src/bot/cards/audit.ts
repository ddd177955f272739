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

/** Where the card is in the trail: its page (from 0), whether older entries follow, and the page size. */
export interface AuditPage {
  page: number;
  hasMore: boolean;
  size: number;
}

/** cards/audit.json: audit trail entries, newest first, a page at a time ("More" shows the older ones). */
export function auditCard(
  locale: Locale,
  entries: AuditEntry[],
  target?: string,
  paging: AuditPage = { page: 0, hasMore: false, size: entries.length },
): AdaptiveCardJson {
  let summary: string;
  const from = paging.page * paging.size + 1;
  if (entries.length > 0 && paging.page > 0)
    summary = t(locale, 'audit.showingPage', { from, to: from + entries.length - 1 });
  else if (entries.length > 0) summary = t(locale, 'audit.showing', { count: entries.length });
  else summary = target ? t(locale, 'audit.emptyFor', { target }) : t(locale, 'audit.empty');
  return renderCard('audit', {
    title: target ? t(locale, 'audit.titleFor', { target }) : t(locale, 'audit.title'),
    summary,
    entries: entries.map((e) => ({
      action: label(locale, `audit.action.${e.action}`, e.action),
      target: e.target ? `${label(locale, `audit.kind.${e.target.kind}`, e.target.kind)} ${e.target.name}` : '',
      result: label(locale, `audit.result.${e.result}`, e.result),
      color: RESULT_COLORS[e.result] ?? 'Default',
      when: formatTime(e.at),
      who: t(locale, 'audit.by', { who: e.who.name ?? e.who.aadObjectId ?? '?' }),
      details: detailLines(locale, e).join('\n\n'),
      // The Activity Log's clientRequestId of each Azure write (src/azure/trail.ts).
      requestIds: e.armRequestIds?.length ? t(locale, 'audit.requestIds', { ids: e.armRequestIds.join(', ') }) : '',
    })),
    hasMore: paging.hasMore,
    more: { label: t(locale, 'audit.more'), target: target ?? '', page: paging.page + 1 },
  });
}

/**
 * What a reader needs beyond the action and its result: the reason given (the requester's, the approver's), the
 * recovery point and new VM of a restore, the step and error of a failure, who approved a request. No ids or hashes.
 */
function detailLines(locale: Locale, e: AuditEntry): string[] {
  const d = e.details ?? {};
  const lines: string[] = [];
  const str = (k: string) => (typeof d[k] === 'string' || typeof d[k] === 'number' ? String(d[k]) : '');
  if (str('reason')) lines.push(t(locale, 'audit.detail.reason', { reason: str('reason') }));
  if (e.action === 'restore.request' && str('recoveryPointTime'))
    lines.push(t(locale, 'audit.detail.point', { time: formatTime(str('recoveryPointTime')) }));
  if (str('newVm')) lines.push(t(locale, 'audit.detail.newVm', { vm: str('newVm') }));
  if (str('error')) lines.push(t(locale, 'audit.detail.error', { step: str('step') || '-', error: str('error') }));
  if (e.action !== 'restore.decision' && e.approval?.by?.name)
    lines.push(t(locale, 'audit.detail.approvedBy', { who: e.approval.by.name }));
  return lines;
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
