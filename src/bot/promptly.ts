import { TurnContext } from 'botbuilder';
import { explain } from '../azure/troubleshooting';
import type { CardUpdater } from '../dialogs/deps';
import type { Background } from '../dialogs/flow/background';
import { explainCard, noticeCard } from '../dialogs/flow/cards';
import type { CardAddress } from '../dialogs/flow/types';
import { t, type Locale } from '../i18n';
import type { Logger } from '../log';
import type { AdaptiveCardJson } from '../cards/render';
import { sendCard } from './reply';

/** What a turn's card is built from: work that may wait on Azure. */
export type CardWork = () => Promise<AdaptiveCardJson>;

/** Where the turn's card lives, captured while the turn's context is still usable. */
export function addressOf(ctx: TurnContext): CardAddress {
  return {
    reference: { ...TurnContext.getConversationReference(ctx.activity) },
    activityId: ctx.activity.replyToId,
  };
}

/**
 * A turn never waits on Azure (design rule 7): Teams gives a card action 5 seconds and shows an error after, and a
 * person typing a command expects an answer at once. The card a turn answers with is awaited for at most `withinMs`;
 * when Azure is slower, the turn answers with a "working on it" card straight away and the real card replaces it in
 * place when it is ready (an explanation when the work fails). Nothing is lost: the flow's state moves on either way.
 */
export class Promptly {
  constructor(
    private readonly deps: { withinMs: number; cards: CardUpdater; background: Background; logger: Logger },
  ) {}

  /** A message turn: posts the card, or a progress card now and the card in its place when it is ready. */
  async reply(ctx: TurnContext, locale: Locale, work: CardWork): Promise<void> {
    const pending = this.start(work, locale);
    const card = await this.within(pending);
    if (card) {
      await sendCard(ctx, card);
      return;
    }
    const reference = addressOf(ctx).reference;
    const activityId = await sendCard(ctx, this.progress(locale));
    this.later(pending, { reference, activityId });
  }

  /** A card action: the card that replaces the clicked one, or a progress card now and the card in place later. */
  async answer(ctx: TurnContext, locale: Locale, work: CardWork): Promise<AdaptiveCardJson> {
    const pending = this.start(work, locale);
    const card = await this.within(pending);
    if (card) return card;
    this.later(pending, addressOf(ctx));
    return this.progress(locale);
  }

  private start(work: CardWork, locale: Locale): Promise<AdaptiveCardJson> {
    return work().catch((err: unknown) => {
      this.deps.logger.warn({ err }, 'turn work failed');
      return explainCard(locale, explain(err, locale));
    });
  }

  private async within(pending: Promise<AdaptiveCardJson>): Promise<AdaptiveCardJson | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.deps.withinMs);
    });
    try {
      return await Promise.race([pending, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private later(pending: Promise<AdaptiveCardJson>, address: CardAddress): void {
    this.deps.background.run('turn.late', async () => {
      const card = await pending;
      if (!address.activityId) {
        this.deps.logger.warn('a late card has no message to replace');
        return;
      }
      await this.deps.cards.updateCard(address, card);
    });
  }

  private progress(locale: Locale): AdaptiveCardJson {
    return noticeCard(locale, { title: t(locale, 'progress.title'), text: t(locale, 'progress.text') });
  }
}
