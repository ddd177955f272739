import { ActivityTypes, CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import type { AdaptiveCardJson } from '../cards/render';

/** Posts an Adaptive Card as a new message; returns its activity id (to update the card in place later). */
export async function sendCard(ctx: TurnContext, card: AdaptiveCardJson): Promise<string | undefined> {
  const response = await ctx.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
  return response?.id;
}

export async function sendText(ctx: TurnContext, text: string): Promise<void> {
  await ctx.sendActivity(MessageFactory.text(text));
}

/** Answers an Action.Execute invoke with a card that replaces the clicked one (for the clicking user). */
export async function sendInvokeCard(ctx: TurnContext, card: AdaptiveCardJson): Promise<void> {
  await ctx.sendActivity({
    type: ActivityTypes.InvokeResponse,
    value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card } },
  });
}
