import type { TurnContext } from 'botbuilder';
import { t } from '../../i18n';
import type { Command } from '../commands';
import { sendText } from '../reply';
import { localeOf, markTurn } from '../turnInfo';

/** A command of the design whose flow is not built yet: say so honestly and point to help. */
export function planned(command: Command) {
  return async (ctx: TurnContext): Promise<void> => {
    markTurn(ctx, command.name, 'planned');
    await sendText(ctx, t(localeOf(ctx), 'planned.text', { command: command.name }));
  };
}
