import type { TurnContext } from 'botbuilder';
import { helpCard, type HelpSubscription } from '../cards/help';
import type { CommandRegistry } from '../commands';
import { sendCard } from '../reply';
import { localeOf } from '../turnInfo';

/**
 * `help`: the help card, generated from the command registry, with the managed subscriptions (issue 17) when the
 * Azure layer is there to say which (one listing per process; a failed listing leaves them out).
 */
export function help(commands: CommandRegistry, subscriptions?: () => Promise<HelpSubscription[]>) {
  return async (ctx: TurnContext): Promise<void> => {
    const subs = subscriptions ? await subscriptions().catch(() => []) : [];
    await sendCard(ctx, helpCard(localeOf(ctx), commands.list(), subs));
  };
}
