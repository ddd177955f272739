import { Application } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import type { Config } from '../config';
import { createAdapter } from './adapter';
import type { CommandRegistry } from './commands';
import type { BotDeps } from './deps';
import { RateLimiter, rateLimitGate } from './rateLimit';
import { registerRoutes } from './routes';
import type { AppTurnState } from './state';
import { tenantGuard, type TurnGate } from './tenantGuard';
import { createTurnHandler } from './turn';

export interface Bot {
  app: Application<AppTurnState>;
  /** Hands an HTTP request to the Bot Framework adapter (authentication, then the turn). */
  adapter: ReturnType<typeof createAdapter>;
  /** The turn logic the server passes to `adapter.process`. */
  handleTurn: (ctx: TurnContext) => Promise<void>;
  commands: CommandRegistry;
}

/** The Teams application: adapter, teams-ai Application on the durable store, routes, error handling, turn log. */
export function createBot(
  config: { bot: Omit<Config['bot'], 'replyWithinMs'> } & Partial<Pick<Config, 'access' | 'rateLimit'>>,
  deps: BotDeps,
): Bot {
  const adapter = createAdapter(config.bot, deps.botCredential);
  const app = new Application<AppTurnState>({
    adapter,
    botAppId: config.bot.appId ?? '',
    storage: deps.store.storage,
    startTypingTimer: false,
    removeRecipientMention: true,
  });
  const commands = registerRoutes(app, deps);
  // Reached only by proactive turns (incoming turns are handled by createTurnHandler). Log, never post to chat:
  // an error card sent from here would land in whatever conversation the proactive turn targeted.
  app.error(async (ctx, err) => {
    deps.logger.error({ err, conversationId: ctx.activity?.conversation?.id }, 'proactive turn failed');
  });
  const gates: TurnGate[] = [];
  if (config.access) gates.push(tenantGuard(config.access.allowedTenantIds, deps.logger));
  if (config.rateLimit) gates.push(rateLimitGate(new RateLimiter(config.rateLimit), commands, deps.logger));
  return { app, adapter, commands, handleTurn: createTurnHandler(app, deps.logger, gates) };
}
