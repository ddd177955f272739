import { TeamsAdapter } from '@microsoft/teams-ai';
import type { Config } from '../config';
import { reuseConnectorClients } from './connectorCache';

/**
 * The Bot Framework adapter. With an app id, every request must carry a valid Bot Framework token (401 otherwise,
 * before any handler runs); without one it is anonymous, which only sandbox mode allows (the Agents Playground sends
 * no token). UserAssignedMSI: botbuilder takes the token for the bot's own identity from the managed identity named
 * by the app id (no password).
 */
export function createAdapter(bot: Omit<Config['bot'], 'replyWithinMs'>): TeamsAdapter {
  if (!bot.appId) return reuseConnectorClients(new TeamsAdapter({}));
  return reuseConnectorClients(
    new TeamsAdapter({
      MicrosoftAppId: bot.appId,
      MicrosoftAppPassword: bot.appType === 'UserAssignedMSI' ? undefined : bot.appPassword,
      MicrosoftAppType: bot.appType,
      MicrosoftAppTenantId: bot.tenantId,
    }),
  );
}
