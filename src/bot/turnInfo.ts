import { randomUUID } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import { resolveLocale, type Locale } from '../i18n';

export type TurnOutcome = 'ok' | 'refused' | 'unknown' | 'planned' | 'ignored' | 'unhandled' | 'error';

/** What one turn knows about itself, for the reply language, the turn's log line and the error reference. */
export interface TurnInfo {
  correlationId: string;
  locale: Locale;
  /** The command or card verb that handled the turn, e.g. `help`, `language.set`. */
  intent?: string;
  outcome?: TurnOutcome;
}

const KEY = Symbol('adeBackupBot.turnInfo');

/** This turn's info, created on first use (locale from the activity until the user's choice is known). */
export function turnInfo(ctx: TurnContext): TurnInfo {
  let info = ctx.turnState.get(KEY) as TurnInfo | undefined;
  if (!info) {
    info = { correlationId: randomUUID(), locale: resolveLocale(undefined, ctx.activity?.locale) };
    ctx.turnState.set(KEY, info);
  }
  return info;
}

/** The language every reply of this turn uses. */
export function localeOf(ctx: TurnContext): Locale {
  return turnInfo(ctx).locale;
}

export function markTurn(ctx: TurnContext, intent: string, outcome?: TurnOutcome): void {
  const info = turnInfo(ctx);
  info.intent = intent;
  if (outcome) info.outcome = outcome;
}

/** Who sent the activity, as the access policy sees them. */
export function sender(ctx: TurnContext): { aadObjectId?: string; tenantId?: string; name?: string } {
  const a = ctx.activity;
  const channelTenant = (a.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
  return { aadObjectId: a.from?.aadObjectId, tenantId: a.conversation?.tenantId ?? channelTenant, name: a.from?.name };
}
