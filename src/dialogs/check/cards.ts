import { renderCard, type AdaptiveCardJson } from '../../cards/render';
import { portalLinks, type PortalRef } from '../../cards/portal';
import { t, type Locale } from '../../i18n';
import { startData, stepData, type StartButtons } from '../flow/cards';
import { listView } from '../flow/list';
import type { ChoiceList, View } from '../flow/types';
import type { CheckRow } from './checks';

const ICONS = { ok: '✅', bad: '❌', warn: '⚠️', na: '➖' } as const;
const COLORS = { ok: 'Good', bad: 'Attention', warn: 'Warning', na: 'Default' } as const;

export function checkVmCard(view: View, list: ChoiceList): AdaptiveCardJson {
  const l = view.locale;
  return renderCard('check.vm', {
    ...stepData(view, t(l, 'check.title')),
    intro: t(l, 'check.vm.intro'),
    prompt: t(l, 'check.vm.prompt'),
    list: listView(list, l),
  });
}

/** cards/check.result.json: one card, every check green or red, the fix buttons that apply. */
export function checkResultCard(
  locale: Locale,
  vm: string,
  rows: CheckRow[],
  buttons: StartButtons,
  links: (PortalRef | undefined)[] = [],
): AdaptiveCardJson {
  const bad = rows.filter((r) => r.state === 'bad').length;
  return renderCard('check.result', {
    title: t(locale, 'check.result.title', { vm }),
    summary: t(locale, bad ? 'check.result.bad' : 'check.result.ok', { count: bad }),
    summaryColor: bad ? 'Attention' : 'Good',
    rows: rows.map((r) => ({ ...r, icon: ICONS[r.state], color: COLORS[r.state] })),
    ...startData(buttons),
    links: portalLinks(locale, links),
  });
}
