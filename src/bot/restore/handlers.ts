import { INVOKE_RESPONSE_KEY, TurnContext } from 'botbuilder';
import { refusalKey, type AccessAction, type AccessPolicy } from '../accessPolicy';
import type { ApprovalService } from '../approvals/service';
import { approvalCard, refusalNotice } from '../approvals/cards';
import type { ApprovalAction } from '../approvals/types';
import { renderCard, type AdaptiveCardJson } from '../../cards/render';
import type { CommandHandler } from '../commands';
import { addressOf, type Promptly } from '../promptly';
import { sendInvokeCard, sendText } from '../reply';
import { localeOf, markTurn, sender } from '../turnInfo';
import type { RestoreDialog, RestoreDialogVerb, FlowUser } from '../../dialogs/restore';
import { t } from '../../i18n';
import type { ConversationDirectory } from '../approvals/conversations';
import { refreshFor } from '../approvals/publisher';

export interface RestoreHandlerDeps {
  access: Pick<AccessPolicy, 'can'>;
  dialog: RestoreDialog;
  approvals: ApprovalService;
  conversations: ConversationDirectory;
  /** Answers at once when Azure is slow (a progress card, then the card in place). */
  promptly: Promptly;
}

type Data = Record<string, unknown>;
export type VerbHandler = (ctx: TurnContext, state: unknown, data: Data) => Promise<AdaptiveCardJson | string>;

/** `restore [vm]`: operators only; the first card of the request dialog (the VM, or its recovery points). */
export function restoreCommand(deps: RestoreHandlerDeps): CommandHandler {
  return async (ctx, _state, args) => {
    markTurn(ctx, 'restore');
    const refusal = await refuse(deps, ctx, 'operate');
    if (refusal) return sendText(ctx, refusal);
    const user = flowUser(ctx);
    await deps.promptly.reply(ctx, user.locale, async () => {
      const outcome = await deps.dialog.start(user, args);
      // The first step never asks for approval; a view is all it can answer with.
      if (!('view' in outcome)) throw new Error('the restore dialog started without a card');
      return renderCard(outcome.view.card, outcome.view.data);
    });
  };
}

/** A card step of the request dialog; "Request approval" creates the request and answers with its card. */
export function dialogVerb(deps: RestoreHandlerDeps, verb: RestoreDialogVerb): VerbHandler {
  return async (ctx, _state, data) => {
    markTurn(ctx, verb);
    const refusal = await refuse(deps, ctx, 'operate');
    if (refusal) return refusal;
    const user = flowUser(ctx);
    const requesterCard = addressOf(ctx);
    return deps.promptly.answer(ctx, user.locale, async () => {
      const outcome = await deps.dialog.submit(user, verb, data);
      if ('view' in outcome) return renderCard(outcome.view.card, outcome.view.data);
      const { record } = await deps.approvals.request({
        id: outcome.request.requestId,
        plan: outcome.request.plan,
        planHash: outcome.request.planHash,
        reason: outcome.request.reason,
        requester: { aadObjectId: user.aadObjectId, name: user.name },
        locale: user.locale,
        // The plan card becomes the requester's copy of the request, updated in place from now on.
        requesterCard,
      });
      const run = await deps.approvals.run(record.id);
      // The card itself says where the request is (or that no approver is known yet): see deliveryLine in cards.ts.
      return approvalCard(user.locale, record, run, { audience: 'requester' });
    });
  };
}

/**
 * Approve / Reject / Cancel / Retry. Whatever the card showed, the server decides (ApprovalService.act); the clicking
 * user's copy of the card comes back with the current state and, for a refused click, why.
 */
export function approvalVerb(deps: RestoreHandlerDeps, action: ApprovalAction): VerbHandler {
  return async (ctx, _state, data) => {
    markTurn(ctx, `approval.${action}`);
    const locale = localeOf(ctx);
    const who = sender(ctx);
    if (!who.aadObjectId) return t(locale, refusalKey({ allowed: false, action: 'approve', reason: 'anonymous' }));
    const requestId = typeof data.requestId === 'string' ? data.requestId : '';
    const result = await deps.approvals.act(
      requestId,
      action,
      { aadObjectId: who.aadObjectId, name: who.name, tenantId: who.tenantId },
      {
        planHash: typeof data.planHash === 'string' ? data.planHash : undefined,
        reason: typeof data.reason === 'string' ? data.reason : undefined,
      },
    );
    if (!result.record) return t(locale, 'approval.notice.notFound');
    if (result.refused) markTurn(ctx, `approval.${action}`, 'refused');
    const record = result.record;
    const approversCopy = record.cards.approvers?.activityId === ctx.activity.replyToId;
    const audience = approversCopy
      ? 'approvers'
      : record.cards.requester?.activityId === ctx.activity.replyToId
        ? 'requester'
        : (await deps.approvals.viewFor(record.id, { aadObjectId: who.aadObjectId, tenantId: who.tenantId })).audience;
    const notice = result.refused ? refusalNotice(locale, result.refused, record, who.aadObjectId) : '';
    return approvalCard(locale, record, await deps.approvals.run(record.id), { audience, notice });
  };
}

/**
 * Teams card refresh: the user-specific view (approvers get Approve / Reject, the requester Cancel, anyone else a
 * read-only card). The card keeps its `refresh`, so the invoke response is sent here, not returned to teams-ai, which
 * would otherwise edit the shared message for everyone (teams-patterns.md, Universal Actions quirks).
 */
export function approvalRefresh(deps: RestoreHandlerDeps): VerbHandler {
  return async (ctx, _state, data) => {
    markTurn(ctx, 'approval.refresh');
    const locale = localeOf(ctx);
    const who = sender(ctx);
    const requestId = typeof data.requestId === 'string' ? data.requestId : '';
    const view = who.aadObjectId
      ? await deps.approvals.viewFor(requestId, { aadObjectId: who.aadObjectId, tenantId: who.tenantId })
      : { audience: 'readOnly' as const, record: await deps.approvals.get(requestId) };
    if (!view.record) return t(locale, 'approval.notice.notFound');
    const known = await deps.conversations.approvers();
    const card = approvalCard(locale, view.record, await deps.approvals.run(requestId), {
      audience: view.audience,
      refresh: refreshFor(view.record, view.record.approverIds ?? known?.approverIds),
    });
    await sendInvokeCard(ctx, card);
    // CloudAdapter records its invoke response itself; TestAdapter does not: make both skip teams-ai's response.
    if (!ctx.turnState.get(INVOKE_RESPONSE_KEY)) ctx.turnState.set(INVOKE_RESPONSE_KEY, true);
    return card;
  };
}

function flowUser(ctx: TurnContext): FlowUser {
  const who = sender(ctx);
  return {
    conversationId: ctx.activity.conversation.id,
    aadObjectId: who.aadObjectId ?? '',
    name: who.name,
    locale: localeOf(ctx),
  };
}

async function refuse(deps: RestoreHandlerDeps, ctx: TurnContext, action: AccessAction): Promise<string | undefined> {
  const who = sender(ctx);
  const decision = await deps.access.can(who, action);
  if (decision.allowed) return undefined;
  markTurn(ctx, turnIntent(ctx), 'refused');
  return t(localeOf(ctx), refusalKey(decision), { objectId: who.aadObjectId ?? '' });
}

function turnIntent(ctx: TurnContext): string {
  const verb = (ctx.activity.value as { action?: { verb?: string } } | undefined)?.action?.verb;
  return verb ?? 'restore';
}
