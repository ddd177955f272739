import type { TurnContext } from 'botbuilder';
import { t } from '../../i18n';
import { refusalKey } from '../accessPolicy';
import { auditCard } from '../cards/audit';
import type { BotDeps } from '../deps';
import { sendCard, sendText } from '../reply';
import { localeOf, markTurn, sender } from '../turnInfo';

const RECENT = 10;

/** `audit [vm | vault]`: the most recent audit trail entries, for operators and approvers only. */
export function audit(deps: BotDeps) {
  return async (ctx: TurnContext, _state: unknown, args: string): Promise<void> => {
    const locale = localeOf(ctx);
    const user = sender(ctx);
    const decision = await deps.access.can(user, 'audit');
    if (!decision.allowed) {
      markTurn(ctx, 'audit', 'refused');
      await sendText(ctx, t(locale, refusalKey(decision), { objectId: user.aadObjectId ?? '?' }));
      return;
    }
    const target = targetName(args);
    const entries = await deps.store.audit.recent({ target, limit: RECENT });
    await sendCard(ctx, auditCard(locale, entries, target));
  };
}

/** `audit vm-web-01`, also `audit vm vm-web-01` / `audit vault rsv-prod-eastasia`. */
function targetName(args: string): string | undefined {
  const words = args.split(/\s+/).filter(Boolean);
  if (words.length > 1 && /^(vm|vault)$/i.test(words[0])) return words[1];
  return words[0];
}
