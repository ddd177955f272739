import type { TurnContext } from 'botbuilder';
import type { AdaptiveCardJson } from '../../cards/render';
import { t, type Locale } from '../../i18n';
import { refusalKey } from '../accessPolicy';
import { auditCard } from '../cards/audit';
import type { BotDeps } from '../deps';
import { sendCard, sendText } from '../reply';
import { localeOf, markTurn, sender } from '../turnInfo';

const PAGE = 10;
/** How far back "More" goes: pages are read as one newest-first listing of (page + 1) * 10 + 1 entries. */
const MAX_PAGES = 50;

/** `audit [vm | vault]`: the most recent audit trail entries, for operators and approvers only. */
export function audit(deps: BotDeps) {
  return async (ctx: TurnContext, _state: unknown, args: string): Promise<void> => {
    const locale = localeOf(ctx);
    const refusal = await refused(deps, ctx, locale);
    if (refusal) return sendText(ctx, refusal);
    await sendCard(ctx, await page(deps, locale, targetName(args), 0));
  };
}

/** The audit card's "More": the next (older) page, in place of the clicked card. */
export function auditMore(deps: BotDeps) {
  return async (ctx: TurnContext, _state: unknown, data: { target?: unknown; page?: unknown }) => {
    const locale = localeOf(ctx);
    const refusal = await refused(deps, ctx, locale);
    if (refusal) return refusal;
    const target = typeof data.target === 'string' && data.target ? data.target.slice(0, 200) : undefined;
    const n = Math.min(Math.max(0, Math.floor(Number(data.page) || 0)), MAX_PAGES);
    return page(deps, locale, target, n);
  };
}

async function page(deps: BotDeps, locale: Locale, target: string | undefined, n: number): Promise<AdaptiveCardJson> {
  const entries = await deps.store.audit.recent({ target, limit: (n + 1) * PAGE + 1 });
  const shown = entries.slice(n * PAGE, (n + 1) * PAGE);
  const hasMore = entries.length > (n + 1) * PAGE && n + 1 < MAX_PAGES;
  return auditCard(locale, shown, target, { page: n, hasMore, size: PAGE });
}

async function refused(deps: BotDeps, ctx: TurnContext, locale: Locale): Promise<string | undefined> {
  const user = sender(ctx);
  const decision = await deps.access.can(user, 'audit');
  if (decision.allowed) return undefined;
  markTurn(ctx, 'audit', 'refused');
  return t(locale, refusalKey(decision), { objectId: user.aadObjectId ?? '?' });
}

/** `audit vm-web-01`, also `audit vm vm-web-01` / `audit vault rsv-prod-eastasia`. */
function targetName(args: string): string | undefined {
  const words = args.split(/\s+/).filter(Boolean);
  if (words.length > 1 && /^(vm|vault)$/i.test(words[0])) return words[1];
  return words[0];
}
