import type { TurnContext } from 'botbuilder';
import { welcomeCard } from '../cards/welcome';
import type { BotDeps } from '../deps';
import { sendCard } from '../reply';
import { localeOf, markTurn } from '../turnInfo';

/**
 * The welcome card, once per conversation: Teams sends both a conversationUpdate (bot in membersAdded) and an
 * installationUpdate when the app is added to a personal chat, possibly at the same moment, so the first one to
 * create the `welcomed/<conversation>` record sends it and the other stays quiet.
 */
export function welcomeOnMembersAdded(deps: BotDeps) {
  return async (ctx: TurnContext): Promise<void> => {
    // membersAdded fires for anyone joining; only the bot itself being added is an installation.
    const botAdded = (ctx.activity.membersAdded ?? []).some((m) => m.id === ctx.activity.recipient?.id);
    await welcomeOnce(ctx, deps, botAdded);
  };
}

export function welcomeOnInstallationUpdate(deps: BotDeps) {
  return async (ctx: TurnContext): Promise<void> => {
    const action = String(ctx.activity.action ?? '').toLowerCase();
    if (action === 'remove') {
      // Uninstalled: a later reinstall deserves a welcome again.
      markTurn(ctx, 'welcome', 'ignored');
      await deps.store.records('welcomed').delete(ctx.activity.conversation.id);
      return;
    }
    await welcomeOnce(ctx, deps, action === 'add');
  };
}

async function welcomeOnce(ctx: TurnContext, deps: BotDeps, added: boolean): Promise<void> {
  markTurn(ctx, 'welcome', 'ignored');
  if (!added) return;
  const first = await deps.store
    .records<{ at: string }>('welcomed')
    .create(ctx.activity.conversation.id, { at: new Date().toISOString() });
  if (!first) return;
  await sendCard(ctx, welcomeCard(localeOf(ctx), { sandbox: deps.mode === 'sandbox' }));
  markTurn(ctx, 'welcome', 'ok');
}
