import { TeamsAdapter } from '@microsoft/teams-ai';
import { ActivityTypes, CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { createLogger } from '../../src/log';
import { createHttpApp, listen } from '../../src/server';

/** The floor's card: one line and one button, about the size of a small step card. */
function echoCard(text: string, step: number): Record<string, unknown> {
  return {
    type: 'AdaptiveCard',
    version: '1.5',
    body: [{ type: 'TextBlock', id: 'card.echo', text, wrap: true }],
    actions: [{ type: 'Action.Execute', title: 'Next', verb: 'echo.next', data: { step: step + 1 } }],
  };
}

/**
 * The floor: a bare botbuilder bot on the same adapter type (TeamsAdapter, a CloudAdapter) behind the same HTTP stack
 * (src/server.ts's express app), doing no work of its own. A message is answered with a card posted to the connector,
 * an Action.Execute with a card in the invoke response, as the real bot's flow steps are.
 */
export async function startEchoBot(): Promise<{ url: string; close(): Promise<void> }> {
  const adapter = new TeamsAdapter({});
  const logger = createLogger({ level: 'silent' });
  const handleTurn = async (ctx: TurnContext): Promise<void> => {
    const a = ctx.activity;
    if (a.type === ActivityTypes.Message) {
      await ctx.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(echoCard(`You said: ${a.text}`, 0))));
    } else if (a.type === ActivityTypes.Invoke && a.name === 'adaptiveCard/action') {
      const step = Number(a.value?.action?.data?.step ?? 0);
      await ctx.sendActivity({
        type: ActivityTypes.InvokeResponse,
        value: {
          status: 200,
          body: {
            statusCode: 200,
            type: 'application/vnd.microsoft.card.adaptive',
            value: echoCard(`Step ${step}`, step),
          },
        },
      });
    }
  };
  const app = createHttpApp({
    adapter,
    handleTurn,
    logger,
    health: async () => ({
      status: 'ok',
      mode: 'echo',
      version: '0',
      store: { state: 'ok' },
      azure: { identity: null },
    }),
  });
  const server = await listen(app, 0, '127.0.0.1');
  return { url: server.url, close: () => server.close() };
}
