import { cardId } from '../../../src/cards/render';
import type { SandboxUser } from '../../../src/sandboxUsers';
import { cardOf } from '../../support/bot';
import { actionsOf, choicesOf, type RestoreBot } from './restoreBot';

export interface Targets {
  /** Picks the recovery point among the offered choices (default: the newest). */
  point?: (choices: { title: string; value: string }[]) => string;
  resourceGroup?: string;
  subnet?: string;
  vmName?: string;
}

/** Clicks the card's action with `verb`, sending its data plus `inputs` (as a client merges inputs into data). */
export async function press(
  bot: RestoreBot,
  user: SandboxUser,
  card: Record<string, any> | undefined,
  verb: string,
  messageId: string,
  inputs: object = {},
  conversationId?: string,
) {
  const action = actionsOf(card).find((a) => a.verb === verb);
  if (!action) throw new Error(`No ${verb} on ${cardId(card)}: ${JSON.stringify(actionsOf(card).map((a) => a.verb))}`);
  return bot.click(user, verb, { ...action.data, ...inputs }, messageId, conversationId);
}

/**
 * `restore <vm>` through point and target to the plan card (or wherever the dialog stops: a refusal, a notice).
 * Returns the last card and the id of the message the dialog lives in (every step replaces it).
 */
export async function walkToPlan(bot: RestoreBot, user: SandboxUser, vm: string, targets: Targets = {}) {
  const sent = await bot.say(user, `restore ${vm}`);
  const first = sent.find((s) => s.method === 'POST' && cardOf(s));
  if (!first) throw new Error(`restore ${vm} sent no card: ${JSON.stringify(sent.map((s) => s.activity.text))}`);
  const messageId = bot.idOf(first);
  let card = cardOf(first);
  if (cardId(card) !== 'card.restore.point') return { card, messageId };
  const points = choicesOf(card, 'point');
  const point = targets.point ? targets.point(points) : points[0].value;
  card = (await press(bot, user, card, 'restore.point', messageId, { point })).card;
  if (cardId(card) !== 'card.restore.target') return { card, messageId };
  const pick = (input: string, text: string) => choicesOf(card, input).find((c) => c.title.includes(text))?.value ?? '';
  card = (
    await press(bot, user, card, 'restore.target', messageId, {
      staging: choicesOf(card, 'staging')[0].value,
      resourceGroup: pick('resourceGroup', `${targets.resourceGroup ?? 'rg-restore'} `),
      subnet: pick('subnet', targets.subnet ?? 'snet-restore'),
      vmName: targets.vmName ?? `${vm}-restored`,
    })
  ).card;
  return { card, messageId };
}

/** The approval card the bot posted into the approver's personal chat, newest first. */
export function approverCard(bot: RestoreBot, approverId = 'user-id-1') {
  const posted = bot.connector
    .to(`personal-${approverId}`)
    .filter((s) => s.method === 'POST' && cardId(cardOf(s)) === 'card.approval.request');
  const last = posted[posted.length - 1];
  return last ? { messageId: bot.idOf(last), card: () => bot.cardNow(bot.idOf(last)) } : undefined;
}

/** Walks to the plan and asks for approval; returns the request, the requester's card message and the approvers'. */
export async function requestRestore(bot: RestoreBot, user: SandboxUser, vm: string, targets: Targets = {}) {
  const { card: plan, messageId } = await walkToPlan(bot, user, vm, targets);
  if (cardId(plan) !== 'card.restore.plan') throw new Error(`No plan card for ${vm}: ${cardId(plan)}`);
  const answer = await press(bot, user, plan, 'restore.requestApproval', messageId);
  const cancel = actionsOf(answer.card).find((a) => a.verb === 'approval.cancel');
  if (!cancel) throw new Error(`No request card: ${JSON.stringify(answer)}`);
  return {
    requestId: cancel.data.requestId as string,
    planHash: plan!.actions[0].data.planHash as string,
    plan,
    messageId,
    card: answer.card,
    approvers: approverCard(bot),
  };
}
