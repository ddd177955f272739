import { t, type Locale } from '../../i18n';
import { renderCard, type AdaptiveCardJson } from '../../cards/render';

/** cards/welcome.json: sent once per conversation when the bot is added. */
export function welcomeCard(locale: Locale, options: { sandbox: boolean }): AdaptiveCardJson {
  return renderCard('welcome', {
    title: t(locale, 'welcome.title'),
    body: t(locale, 'welcome.body'),
    sandbox: options.sandbox,
    sandboxNote: t(locale, 'welcome.sandbox'),
    next: t(locale, 'welcome.next'),
  });
}
