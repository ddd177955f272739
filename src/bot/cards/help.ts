import { t, type Locale } from '../../i18n';
import type { Command } from '../commands';
import { renderCard, type AdaptiveCardJson } from '../../cards/render';

/** cards/help.json: every registered command, generated from the command registry. */
export function helpCard(locale: Locale, commands: readonly Command[]): AdaptiveCardJson {
  return renderCard('help', {
    title: t(locale, 'help.title'),
    intro: t(locale, 'help.intro'),
    plannedNote: t(locale, 'help.planned'),
    footer: t(locale, 'help.footer'),
    commands: commands.map((c) => ({ usage: c.usage, description: t(locale, c.description), planned: !c.handler })),
  });
}
