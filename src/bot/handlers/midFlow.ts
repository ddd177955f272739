import type { Application } from '@microsoft/teams-ai';
import { ActivityTypes, type TurnContext } from 'botbuilder';
import { renderCard, type AdaptiveCardJson } from '../../cards/render';
import type { FlowRuntime } from '../../dialogs/flow/runtime';
import type { FlowName } from '../../dialogs/flow/types';
import type { RestoreDialog } from '../../dialogs/restore';
import { t, type Locale, type MessageKey } from '../../i18n';
import type { CommandRegistry } from '../commands';
import { addressOf } from '../promptly';
import { sendCard, sendText } from '../reply';
import type { AppTurnState } from '../state';
import { localeOf, markTurn, sender, turnInfo } from '../turnInfo';
import { suggestCommand } from './suggestCommand';

const CANCEL = /^\s*(cancel|stop|取消)\s*[.!。]?\s*$/i;

/** The open cards typed text can act on: the protect flows' and the restore request's (either may be absent). */
export interface OpenCards {
  runtime?: FlowRuntime;
  restore?: RestoreDialog;
}

/**
 * Typed text while a card waits for an answer. `cancel` ends every open flow of the user here and names them;
 * any other text that is no command gets the LATEST open card again (the restore card opened after a check card
 * is the one asked again), with "did you mean …?" when the text is one typo away from a command. Registered after
 * the commands and card verbs, before the catch-all.
 */
export function registerMidFlow(app: Application<AppTurnState>, open: OpenCards, commands: CommandRegistry): void {
  app.message(CANCEL, async (ctx) => {
    markTurn(ctx, 'cancel');
    const locale = localeOf(ctx);
    const names: MessageKey[] = [];
    if (open.runtime) names.push(...(await open.runtime.cancelAll(turnOf(ctx))).map(flowNameKey));
    if (open.restore && (await open.restore.cancel(flowUser(ctx)))) names.unshift('flow.name.restore');
    if (!names.length) return sendText(ctx, t(locale, 'flow.cancelled.none'));
    const flows = [...new Set(names)].map((k) => t(locale, k)).join(t(locale, 'flow.name.join'));
    await sendText(ctx, t(locale, 'flow.cancelled.named', { flows }));
  });

  app.message(
    async (ctx) => ctx.activity.type === ActivityTypes.Message && !!(await latestCard(ctx, open, commands)),
    async (ctx) => {
      markTurn(ctx, 'reask');
      const card = await latestCard(ctx, open, commands);
      if (card) await sendCard(ctx, card);
    },
  );
}

/** The newest open card of the user here, to post again with "I am waiting…" (and a command suggestion). */
async function latestCard(
  ctx: TurnContext,
  open: OpenCards,
  commands: CommandRegistry,
): Promise<AdaptiveCardJson | undefined> {
  const locale = localeOf(ctx);
  const suggestion = suggestCommand(commands, ctx.activity.text ?? '');
  const notice = suggestion
    ? `${t(locale, 'flow.reask')} ${t(locale, 'suggest.command', { command: suggestion })}`
    : t(locale, 'flow.reask');
  const [protect, restore] = await Promise.all([
    open.runtime?.latest(turnOf(ctx)),
    open.restore?.open(flowUser(ctx), notice),
  ]);
  if (restore && (!protect || restore.updatedAt >= protect.updatedAt))
    return renderCard(restore.view.card, restore.view.data);
  return protect?.card(notice);
}

function flowNameKey(flow: FlowName): MessageKey {
  return `flow.name.${flow}` as MessageKey;
}

function turnOf(ctx: TurnContext) {
  const a = ctx.activity;
  const info = turnInfo(ctx);
  return {
    locale: info.locale as Locale,
    user: { id: a.from.id, aadObjectId: a.from.aadObjectId, name: a.from.name },
    conversationId: a.conversation.id,
    address: addressOf(ctx),
    correlationId: info.correlationId,
  };
}

function flowUser(ctx: TurnContext) {
  const who = sender(ctx);
  return {
    conversationId: ctx.activity.conversation.id,
    aadObjectId: who.aadObjectId ?? '',
    name: who.name,
    locale: localeOf(ctx),
  };
}
