import type { TurnContext } from 'botbuilder';
import { helpCard } from '../cards/help';
import type { CommandRegistry } from '../commands';
import { sendCard } from '../reply';
import { localeOf } from '../turnInfo';

/** `help`: the help card, generated from the command registry. */
export function help(commands: CommandRegistry) {
  return async (ctx: TurnContext): Promise<void> => {
    await sendCard(ctx, helpCard(localeOf(ctx), commands.list()));
  };
}
