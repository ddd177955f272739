import type { Application } from '@microsoft/teams-ai';
import { ActivityTypes, CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import type { Logger } from '../log';
import { errorCard } from './cards/error';
import { sendInvokeCard } from './reply';
import type { AppTurnState } from './state';
import { turnInfo } from './turnInfo';

/**
 * Runs one turn through the Application: the one place an unexpected error becomes a friendly card with a
 * correlation id (never a stack trace in chat) and is logged with that id, and where every turn writes its one log
 * line (activity, conversation, user, intent, outcome, duration; never message text, never tokens).
 */
export function createTurnHandler(app: Application<AppTurnState>, logger: Logger) {
  return async (ctx: TurnContext): Promise<void> => {
    const started = process.hrtime.bigint();
    const info = turnInfo(ctx);
    try {
      const handled = await app.run(ctx);
      if (!handled) info.outcome ??= 'unhandled';
    } catch (err) {
      info.outcome = 'error';
      logger.error({ err, correlationId: info.correlationId, activityId: ctx.activity?.id }, 'turn failed');
      await replyWithError(ctx, info.correlationId).catch((replyErr: unknown) =>
        logger.warn({ err: replyErr, correlationId: info.correlationId }, 'could not tell the user about the error'),
      );
    } finally {
      const a = ctx.activity;
      logger.info(
        {
          activityId: a?.id,
          type: a?.type,
          name: a?.name,
          channelId: a?.channelId,
          conversationId: a?.conversation?.id,
          conversationType: a?.conversation?.conversationType,
          user: a?.from?.aadObjectId,
          intent: info.intent,
          outcome: info.outcome ?? 'ok',
          correlationId: info.correlationId,
          durationMs: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
        },
        'turn',
      );
    }
  };
}

async function replyWithError(ctx: TurnContext, correlationId: string): Promise<void> {
  const card = errorCard(turnInfo(ctx).locale, correlationId);
  // A card action waits for an invoke response: answer it with the error card (replacing the clicked card for the
  // clicking user) instead of leaving Teams to show a generic failure.
  if (ctx.activity.type === ActivityTypes.Invoke && ctx.activity.name === 'adaptiveCard/action') {
    await sendInvokeCard(ctx, card);
    return;
  }
  await ctx.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
}
