import type { TurnContext } from 'botbuilder';
import { normalizeLocale, t, type Locale } from '../../i18n';
import { languageCard } from '../cards/language';
import type { AdaptiveCardJson } from '../../cards/render';
import { sendCard, sendText } from '../reply';
import type { AppTurnState } from '../state';
import { localeOf, turnInfo } from '../turnInfo';

/** `language [en | zh-TW]`: shows or sets the user's reply language, kept per user across conversations. */
export function language() {
  return async (ctx: TurnContext, state: AppTurnState, args: string): Promise<void> => {
    if (!args) {
      await sendCard(ctx, languageCard(localeOf(ctx), { changed: false }));
      return;
    }
    const chosen = normalizeLocale(args);
    if (!chosen) {
      await sendText(ctx, t(localeOf(ctx), 'language.unknown'));
      return;
    }
    await sendCard(ctx, choose(ctx, state, chosen));
  };
}

/** Card verb `language.set` (the buttons of the language card): replaces the card, in the chosen language. */
export function languageSet() {
  return async (ctx: TurnContext, state: AppTurnState, data: { language?: string }): Promise<AdaptiveCardJson> => {
    const chosen = normalizeLocale(data.language);
    return chosen ? choose(ctx, state, chosen) : languageCard(localeOf(ctx), { changed: false });
  };
}

function choose(ctx: TurnContext, state: AppTurnState, chosen: Locale): AdaptiveCardJson {
  state.user.language = chosen;
  turnInfo(ctx).locale = chosen;
  return languageCard(chosen, { changed: true });
}
