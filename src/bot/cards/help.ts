import { t, type Locale } from '../../i18n';
import type { Command } from '../commands';
import { renderCard, type AdaptiveCardJson } from '../../cards/render';

/** A managed subscription as the help card names it (issue 17). */
export interface HelpSubscription {
  id: string;
  name: string;
  readable: boolean;
}

/**
 * cards/help.json: every registered command, generated from the command registry, and (issue 17) the subscriptions
 * the bot manages by name, with those configured but not readable by its identity named apart.
 */
export function helpCard(
  locale: Locale,
  commands: readonly Command[],
  subscriptions: readonly HelpSubscription[] = [],
): AdaptiveCardJson {
  const readable = subscriptions.filter((s) => s.readable);
  const unreadable = subscriptions.filter((s) => !s.readable);
  const names = (list: readonly HelpSubscription[]) =>
    list.map((s) => (s.name && s.name !== s.id ? s.name : s.id)).join(', ');
  return renderCard('help', {
    title: t(locale, 'help.title'),
    intro: t(locale, 'help.intro'),
    hasSubscriptions: readable.length > 0,
    subscriptions: readable.length ? t(locale, 'help.subscriptions', { list: names(readable) }) : '',
    hasUnreadable: unreadable.length > 0,
    unreadable: unreadable.length ? t(locale, 'help.unreadable', { list: names(unreadable) }) : '',
    plannedNote: t(locale, 'help.planned'),
    footer: t(locale, 'help.footer'),
    commands: commands.map((c) => ({ usage: c.usage, description: t(locale, c.description), planned: !c.handler })),
  });
}
