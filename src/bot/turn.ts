import type { Application } from '@microsoft/teams-ai';
import { ActivityTypes, CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { t } from '../i18n';
import type { Logger } from '../log';
import { errorCard } from './cards/error';
import { sendInvokeCard } from './reply';
import type { AppTurnState } from './state';
import type { TurnGate } from './tenantGuard';
import { localeOf, turnInfo } from './turnInfo';
import type { Span } from '@opentelemetry/api';
import { annotate, countMetric, inSpan, recordDuration } from '../telemetry';

/**
 * Runs one turn through the Application: the one place an unexpected error becomes a friendly card with a
 * correlation id (never a stack trace in chat) and is logged with that id, and where every turn writes its one log
 * line (activity, conversation, user, intent, outcome, duration; never message text, never tokens).
 */
export function createTurnHandler(app: Application<AppTurnState>, logger: Logger, gates: TurnGate[] = []) {
  return (ctx: TurnContext): Promise<void> =>
    inSpan(
      'teams.turn',
      { 'teams.activity.type': ctx.activity?.type, 'teams.activity.name': ctx.activity?.name },
      (span) => handle(ctx, span),
    );

  async function handle(ctx: TurnContext, span: Span): Promise<void> {
    const started = process.hrtime.bigint();
    const info = turnInfo(ctx);
    try {
      // Gates (tenant, rate limit) answer refused turns before the Application reads or writes any state.
      for (const gate of gates) if (await gate(ctx)) return;
      const handled = await app.run(ctx);
      if (!handled) {
        info.outcome ??= 'unhandled';
        if (isCardAction(ctx)) await answerStaleCard(ctx);
        // Any other invoke no route knows: a 400, not botbuilder's 501 (no input earns a 5xx).
        else if (ctx.activity.type === ActivityTypes.Invoke) {
          await ctx.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 400 } });
        }
      }
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
      const done = {
        'teams.intent': info.intent,
        'teams.outcome': info.outcome ?? 'ok',
        'teams.conversation.type': a?.conversation?.conversationType,
      };
      annotate(span, { ...done, 'bot.correlation_id': info.correlationId });
      countMetric('teams.turns', done);
      recordDuration('teams.turn.duration', Number((process.hrtime.bigint() - started) / 1000n) / 1000, done);
    }
  }
}

const isCardAction = (ctx: TurnContext) =>
  ctx.activity.type === ActivityTypes.Invoke && ctx.activity.name === 'adaptiveCard/action';

/**
 * A button whose verb no route knows (a card from an older version): a short answer pointing to help, rather than
 * the 501 an unhandled invoke gets, which Teams shows as a broken card.
 */
async function answerStaleCard(ctx: TurnContext): Promise<void> {
  await ctx.sendActivity({
    type: ActivityTypes.InvokeResponse,
    value: {
      status: 200,
      body: {
        statusCode: 200,
        type: 'application/vnd.microsoft.activity.message',
        value: t(localeOf(ctx), 'unknown.text'),
      },
    },
  });
}

async function replyWithError(ctx: TurnContext, correlationId: string): Promise<void> {
  const card = errorCard(turnInfo(ctx).locale, correlationId);
  // A card action waits for an invoke response: answer it with the error card (replacing the clicked card for the
  // clicking user) instead of leaving Teams to show a generic failure.
  if (isCardAction(ctx)) {
    await sendInvokeCard(ctx, card);
    return;
  }
  await ctx.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
}
