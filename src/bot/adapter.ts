import { TeamsAdapter } from '@microsoft/teams-ai';
import { ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import type { Config } from '../config';
import { reuseConnectorClients } from './connectorCache';

/** What botbuilder asks a managed identity for: a token for one resource (the Bot Connector's scope). */
export interface BotTokenCredential {
  getToken(scopes: string | string[]): Promise<{ token: string; expiresOnTimestamp: number } | null>;
}

/**
 * The Bot Framework adapter. With an app id, every request must carry a valid Bot Framework token (401 otherwise,
 * before any handler runs); without one it is anonymous, which only sandbox mode allows (the Agents Playground sends
 * no token).
 *
 * UserAssignedMSI: botbuilder 4.23 builds its Bot Connector credentials with ManagedIdentityServiceClientCredentialsFactory
 * and a JwtTokenProviderFactory whose token provider is a `DefaultAzureCredential` (a credential chain that could pick
 * up another identity). Given `credential` (the Azure layer's ApprovedCredential: the one configured managed identity,
 * every token's object id checked against the approved one), the adapter's factory takes its tokens from it instead,
 * so the bot's outgoing Bot Connector calls run as the same single approved identity. BOT_APP_ID must then be that
 * identity's client id (src/config.ts checks it).
 */
export function createAdapter(
  bot: Omit<Config['bot'], 'replyWithinMs'>,
  credential?: BotTokenCredential,
): TeamsAdapter {
  if (!bot.appId) return reuseConnectorClients(new TeamsAdapter({}));
  const auth = {
    MicrosoftAppId: bot.appId,
    MicrosoftAppPassword: bot.appType === 'UserAssignedMSI' ? undefined : bot.appPassword,
    MicrosoftAppType: bot.appType,
    MicrosoftAppTenantId: bot.tenantId,
  };
  if (bot.appType !== 'UserAssignedMSI' || !credential) return reuseConnectorClients(new TeamsAdapter(auth));
  const factory = new ConfigurationServiceClientCredentialFactory(auth);
  useApprovedIdentity(factory, credential);
  return reuseConnectorClients(new TeamsAdapter(auth, factory));
}

/**
 * Points the managed-identity factory inside botbuilder's configuration factory at `credential`. botbuilder exposes
 * no option for it (4.23.3: `inner.tokenProviderFactory`, read by every createCredentials call); if that shape is not
 * there, start-up stops rather than let botbuilder fall back to DefaultAzureCredential.
 */
export function useApprovedIdentity(factory: object, credential: BotTokenCredential): void {
  const inner = (factory as { inner?: { tokenProviderFactory?: unknown } }).inner;
  if (!inner || typeof inner.tokenProviderFactory !== 'object' || inner.tokenProviderFactory === null) {
    throw new Error(
      'BOT_APP_TYPE=UserAssignedMSI: this botbuilder version does not let the bot use its approved managed identity for the Bot Connector; refusing to start.',
    );
  }
  inner.tokenProviderFactory = { createAzureServiceTokenProvider: () => credential };
}
