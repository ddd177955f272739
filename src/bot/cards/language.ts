import { LOCALES, t, type Locale } from '../../i18n';
import { renderCard, type AdaptiveCardJson } from '../../cards/render';

/** cards/language.json: the user's reply language, with a button per supported language (verb `language.set`). */
export function languageCard(locale: Locale, options: { changed: boolean }): AdaptiveCardJson {
  const language = t(locale, `language.name.${locale}`);
  return renderCard('language', {
    title: t(locale, 'language.title'),
    message: t(locale, options.changed ? 'language.changed' : 'language.current', { language }),
    hint: t(locale, 'language.choose'),
    // Each language is offered under its own name, so a user who cannot read the current one still finds theirs.
    choices: LOCALES.map((code) => ({ code, label: t(code, `language.name.${code}`) })),
  });
}
