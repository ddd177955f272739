import type { Explanation, FixAction } from '../../azure/troubleshooting';
import { renderCard, type AdaptiveCardJson } from '../../cards/render';
import { portalLinks, type PortalRef } from '../../cards/portal';
import { t, type Locale } from '../../i18n';

export type Tone = 'default' | 'good' | 'attention' | 'warning';
const COLORS: Record<Tone, string> = { default: 'Default', good: 'Good', attention: 'Attention', warning: 'Warning' };

/** A button that starts a flow afresh (fix buttons, "Back up now" after enabling): it is a typed command, clicked. */
export interface StartButton {
  title: string;
  data: Record<string, string>;
}

/** The start buttons a card may carry; the templates hold one guarded action per verb. */
export interface StartButtons {
  grant?: StartButton;
  backup?: StartButton;
  enable?: StartButton;
  check?: StartButton;
}

/** The template data for StartButtons: a flag and a filled button for each, so no binding is left unresolved. */
export function startData(buttons: StartButtons) {
  const fill = (b?: StartButton) => b ?? { title: '', data: {} };
  return {
    hasGrant: !!buttons.grant,
    grant: fill(buttons.grant),
    hasBackup: !!buttons.backup,
    backup: fill(buttons.backup),
    hasEnable: !!buttons.enable,
    enable: fill(buttons.enable),
    hasCheck: !!buttons.check,
    check: fill(buttons.check),
  };
}

/** The button a troubleshooting entry's fix becomes, where the bot has a flow for it. */
export function fixButtons(locale: Locale, fix: FixAction | undefined, context: { vm?: string }): StartButtons {
  const vm: Record<string, string> = context.vm ? { vm: context.vm } : {};
  switch (fix?.kind) {
    case 'grantKeyVaultAccess':
      return { grant: { title: t(locale, 'flow.fix.grant'), data: { ...vm, keyVault: fix.keyVault } } };
    case 'backupNow':
    case 'retry':
      return context.vm ? { backup: { title: t(locale, 'flow.fix.backupNow'), data: vm } } : {};
    case 'chooseVault':
      return context.vm ? { enable: { title: t(locale, 'flow.fix.enable'), data: vm } } : {};
    default:
      return {};
  }
}

/** cards/flow.notice.json: a short outcome (cancelled, refused, nothing to do), optionally with start buttons. */
export function noticeCard(
  locale: Locale,
  n: { title: string; text: string; tone?: Tone; lines?: string[]; buttons?: StartButtons; links?: PortalRef[] },
): AdaptiveCardJson {
  return renderCard('flow.notice', {
    title: n.title,
    text: n.text,
    color: COLORS[n.tone ?? 'default'],
    lines: (n.lines ?? []).map((text) => ({ text })),
    ...startData(n.buttons ?? {}),
    links: portalLinks(locale, n.links ?? []),
  });
}

/** cards/flow.explain.json: a troubleshooting entry (what happened, what to do) with its fix button. */
export function explainCard(
  locale: Locale,
  e: Explanation,
  context: { subject?: string; vm?: string; buttons?: StartButtons; links?: PortalRef[] } = {},
): AdaptiveCardJson {
  return renderCard('flow.explain', {
    title: e.title,
    subject: context.subject ?? '',
    causeLabel: t(locale, 'flow.explain.cause'),
    cause: e.cause,
    resolutionLabel: t(locale, 'flow.explain.resolution'),
    resolution: e.resolution,
    reference: e.requestId ? t(locale, 'flow.explain.reference', { id: e.requestId }) : '',
    ...startData(context.buttons ?? fixButtons(locale, e.fix, { vm: context.vm })),
    links: portalLinks(locale, context.links ?? []),
  });
}

/** What every step card binds besides its own content: title, token, notice/problem banners, Cancel. */
export function stepData(view: { locale: Locale; token: string; notice?: string; problem?: string }, title: string) {
  return {
    title,
    token: view.token,
    hasNotice: !!view.notice,
    notice: view.notice ?? '',
    hasProblem: !!view.problem,
    problem: view.problem ?? '',
    cancelLabel: t(view.locale, 'flow.cancel'),
    backLabel: t(view.locale, 'flow.back'),
    nextLabel: t(view.locale, 'flow.next'),
    confirmLabel: t(view.locale, 'flow.confirm'),
  };
}
