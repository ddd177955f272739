import type { TurnContext } from 'botbuilder';
import { t } from '../../i18n';
import { sendText } from '../reply';
import { localeOf, markTurn } from '../turnInfo';

/** Any other message: a short answer pointing to help, never silence. The text itself is neither echoed nor logged. */
export function unknown() {
  return async (ctx: TurnContext): Promise<void> => {
    markTurn(ctx, 'unknown', 'unknown');
    await sendText(ctx, t(localeOf(ctx), 'unknown.text'));
  };
}
