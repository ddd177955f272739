import type { TurnContext } from 'botbuilder';
import { t } from '../../i18n';
import type { CommandRegistry } from '../commands';
import { sendText } from '../reply';
import { localeOf, markTurn } from '../turnInfo';
import { suggestCommand } from './suggestCommand';

/**
 * Any other message: a short answer pointing to help, never silence — "did you mean enable backup?" when the text is
 * a typo of a command. The text itself is neither echoed nor logged.
 */
export function unknown(commands: CommandRegistry) {
  return async (ctx: TurnContext): Promise<void> => {
    markTurn(ctx, 'unknown', 'unknown');
    const locale = localeOf(ctx);
    const suggestion = suggestCommand(commands, ctx.activity.text ?? '');
    await sendText(ctx, suggestion ? t(locale, 'suggest.command', { command: suggestion }) : t(locale, 'unknown.text'));
  };
}
