import { t, type Locale } from '../../i18n';
import { renderCard, type AdaptiveCardJson } from '../../cards/render';

/** cards/error.json: an unexpected error, with the correlation id that finds its log line. Never a stack trace. */
export function errorCard(locale: Locale, correlationId: string): AdaptiveCardJson {
  return renderCard('error', {
    title: t(locale, 'error.title'),
    body: t(locale, 'error.body'),
    reference: t(locale, 'error.reference', { id: correlationId }),
  });
}
