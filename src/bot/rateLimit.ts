import { ActivityTypes, type TurnContext } from 'botbuilder';
import { t } from '../i18n';
import type { Logger } from '../log';
import type { CommandRegistry } from './commands';
import { answerInvokeText, type TurnGate } from './tenantGuard';
import { localeOf, markTurn, sender } from './turnInfo';

export interface RateLimitRules {
  /** Requests a user may start per window (the bucket's size). */
  requests: number;
  windowMinutes: number;
}

/**
 * A token bucket per key: `requests` tokens, refilled continuously over `windowMinutes`. In memory, per process: a
 * second replica gives a user a second bucket, which still bounds the flood. Buckets that are full again are dropped.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly windowMs: number;

  constructor(
    readonly rules: RateLimitRules,
    private readonly now: () => number = Date.now,
  ) {
    this.windowMs = rules.windowMinutes * 60_000;
  }

  /** Takes one token for `key`; when none is left, how long until one is (nothing taken). */
  take(key: string): { allowed: true } | { allowed: false; retryAfterMs: number } {
    const now = this.now();
    const perMs = this.rules.requests / this.windowMs;
    const bucket = this.buckets.get(key) ?? { tokens: this.rules.requests, at: now };
    bucket.tokens = Math.min(this.rules.requests, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    if (bucket.tokens < 1) {
      this.buckets.set(key, bucket);
      return { allowed: false, retryAfterMs: Math.ceil((1 - bucket.tokens) / perMs) };
    }
    bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    this.sweep(now);
    return { allowed: true };
  }

  private sweep(now: number): void {
    if (this.buckets.size < 10_000) return;
    for (const [key, b] of this.buckets)
      if (b.tokens + (now - b.at) * (this.rules.requests / this.windowMs) >= this.rules.requests)
        this.buckets.delete(key);
  }
}

/** Typed commands and card verbs that start a request (a restore, a rehearsal, an access grant). */
export const LIMITED_COMMANDS = ['restore', 'rehearse', 'grant access'];
export const LIMITED_VERBS = ['grantAccess.start'];

/**
 * Before the turn: a typed `restore` / `grant access`, or a card's `grantAccess.start` button, takes a token from the
 * sender's bucket; with none left the user is told when to try again and the command does not run.
 */
export function rateLimitGate(limiter: RateLimiter, commands: CommandRegistry, logger: Logger): TurnGate {
  return async (ctx: TurnContext) => {
    const intent = limitedIntent(ctx, commands);
    if (!intent) return false;
    const user = sender(ctx);
    const key = (user.aadObjectId ?? ctx.activity.from?.id ?? 'anonymous').toLowerCase();
    const result = limiter.take(key);
    if (result.allowed) return false;
    markTurn(ctx, intent, 'refused');
    logger.warn({ user: user.aadObjectId, intent, retryAfterMs: result.retryAfterMs }, 'rate limited');
    const text = t(localeOf(ctx), 'access.rateLimited', {
      limit: limiter.rules.requests,
      minutes: limiter.rules.windowMinutes,
      retryMinutes: Math.max(1, Math.ceil(result.retryAfterMs / 60_000)),
    });
    if (ctx.activity.type === ActivityTypes.Invoke) await answerInvokeText(ctx, text);
    else await ctx.sendActivity(text);
    return true;
  };
}

function limitedIntent(ctx: TurnContext, commands: CommandRegistry): string | undefined {
  const a = ctx.activity;
  if (a.type === ActivityTypes.Message && typeof a.text === 'string') {
    const name = commands.match(a.text)?.command.name;
    return name && LIMITED_COMMANDS.includes(name) ? name : undefined;
  }
  if (a.type === ActivityTypes.Invoke && a.name === 'adaptiveCard/action') {
    const verb = (a.value as { action?: { verb?: unknown } } | undefined)?.action?.verb;
    return typeof verb === 'string' && LIMITED_VERBS.includes(verb) ? verb : undefined;
  }
  return undefined;
}
