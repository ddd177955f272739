import { t } from '../../i18n';
import { refusalKey } from '../accessPolicy';
import { localeOf, markTurn, sender } from '../turnInfo';
import type { RehearsalHandlerDeps, VerbHandler } from './handlers';
import { listCard } from './list';

/**
 * "Show rehearsals" on a failed rehearsal's notification card: the `rehearsals <vault>` card (operators, as the
 * command), answered in place of the button's card.
 */
export function listVerb(deps: Pick<RehearsalHandlerDeps, 'access' | 'feature' | 'promptly'>): VerbHandler {
  return async (ctx, _state, data) => {
    markTurn(ctx, 'rehearsal.list');
    const locale = localeOf(ctx);
    const who = sender(ctx);
    const decision = await deps.access.can(who, 'operate');
    if (!decision.allowed) {
      markTurn(ctx, 'rehearsal.list', 'refused');
      return t(locale, refusalKey(decision), { objectId: who.aadObjectId ?? '' });
    }
    const vault = typeof data.vault === 'string' && data.vault.trim() ? data.vault.trim() : undefined;
    return deps.promptly.answer(ctx, locale, () => listCard(deps.feature, locale, vault));
  };
}
