import type { AdaptiveCard, Application } from '@microsoft/teams-ai';
import { ActivityTypes, type TurnContext } from 'botbuilder';
import { resolveLocale } from '../i18n';
import { CommandRegistry } from './commands';
import type { BotDeps } from './deps';
import { audit, auditMore } from './handlers/audit';
import { auditExport, registerAuditExport } from './auditExport/handler';
import { posture } from './posture/handler';
import { help } from './handlers/help';
import { language, languageSet } from './handlers/language';
import { registerMidFlow } from './handlers/midFlow';
import { planned } from './handlers/planned';
import { unknown } from './handlers/unknown';
import { welcomeOnInstallationUpdate, welcomeOnMembersAdded } from './handlers/welcome';
import { registerNotifications } from './chatNotifications/register';
import { registerProtectFlows } from './protect/register';
import { registerRehearsal } from './rehearsal/register';
import { registerRestore } from './restore/register';
import type { AppTurnState } from './state';
import { markTurn, turnInfo } from './turnInfo';
import { NOTIFICATION_VERBS, PROTECT_VERBS, REHEARSAL_VERBS, RESTORE_VERBS, type Verb } from './verbs';

type VerbHandler = (ctx: TurnContext, state: AppTurnState, data: any) => Promise<AdaptiveCard | string>;

/**
 * Card verb -> Action.Execute handler. A flow adds its verbs here (or registers them in its own route file called
 * from registerRoutes and lists them in registeredVerbs); test/cards/verbs.test.ts checks every verb has a route.
 */
const VERB_ROUTES: { [V in Verb]?: (deps: BotDeps) => VerbHandler } = {
  'language.set': () => languageSet(),
  'audit.more': (deps) => auditMore(deps),
};

/** Every card verb routed here (test/cards/verbs.test.ts checks it against cards/ and src/bot/verbs.ts). */
export function registeredVerbs(): string[] {
  return [...Object.keys(VERB_ROUTES), ...PROTECT_VERBS, ...RESTORE_VERBS, ...REHEARSAL_VERBS, ...NOTIFICATION_VERBS];
}

/**
 * The commands of design.md's conversation design, in help-card order. A command without a handler is a flow still
 * to come: listed on the help card as not available yet, and answered as such. A flow plugs its handler in from its
register function below (`commands.plug`).
 */
export function commandRegistry(deps: BotDeps): CommandRegistry {
  const commands = new CommandRegistry();
  return commands
    .add({ name: 'enable backup', usage: 'enable backup [vm]', description: 'command.enableBackup' })
    .add({ name: 'grant access', usage: 'grant access [key vault | vm]', description: 'command.grantAccess' })
    .add({ name: 'backup now', usage: 'backup now [vm]', description: 'command.backupNow' })
    .add({ name: 'restore', usage: 'restore [vm]', description: 'command.restore' })
    .add({ name: 'rehearse', usage: 'rehearse [vm]', description: 'command.rehearse' })
    .add({ name: 'rehearsals', usage: 'rehearsals [vault]', description: 'command.rehearsals' })
    .add({ name: 'jobs', usage: 'jobs [vault]', description: 'command.jobs' })
    .add({ name: 'check', usage: 'check [vm]', description: 'command.check' })
    .add({ name: 'subscribe', usage: 'subscribe [vault]', description: 'command.subscribe' })
    .add({ name: 'unsubscribe', usage: 'unsubscribe [vault]', description: 'command.unsubscribe' })
    .add({ name: 'subscriptions', usage: 'subscriptions', description: 'command.subscriptions' })
    .add({
      name: 'posture',
      usage: 'posture [vault | subscription]',
      description: 'command.posture',
      handler: posture(deps),
    })
    .add({
      name: 'audit export',
      usage: 'audit export [days]',
      description: 'command.auditExport',
      handler: auditExport(deps),
    })
    .add({ name: 'audit', usage: 'audit [vm | vault]', description: 'command.audit', handler: audit(deps) })
    .add({
      name: 'language',
      aliases: ['lang', '語言'],
      usage: 'language [en | zh-TW]',
      description: 'command.language',
      handler: language(),
    })
    .add({
      name: 'help',
      aliases: ['?', '說明'],
      usage: 'help',
      description: 'command.help',
      handler: help(commands, subscriptionsOf(deps)),
    });
}

/** Registers every route of the bot, in matching order (first match wins). */
export function registerRoutes(app: Application<AppTurnState>, deps: BotDeps): CommandRegistry {
  // Every reply of the turn follows the user's chosen language, else the activity's locale.
  app.turn('beforeTurn', async (ctx, state) => {
    turnInfo(ctx).locale = resolveLocale(state.user.language, ctx.activity.locale);
    return true;
  });

  // Typed commands: one route over the registry, read at each turn (so flows may add or plug commands later).
  const commands = commandRegistry(deps);
  const isCommand = async (ctx: TurnContext) =>
    ctx.activity.type === ActivityTypes.Message && commands.match(ctx.activity.text) !== undefined;
  app.message(isCommand, runCommand(commands));

  for (const [verb, route] of Object.entries(VERB_ROUTES)) {
    const handler = route!(deps);
    app.adaptiveCards.actionExecute(verb, async (ctx, state, data) => {
      markTurn(ctx, verb);
      return handler(ctx, state, data);
    });
  }

  // Enable backup, grant access, backup now, check, jobs: only with the Azure layer wired in.
  const protect = deps.protect ? registerProtectFlows(app, { ...deps, protect: deps.protect }, commands) : undefined;
  const restore = deps.restore ? registerRestore(app, { ...deps, restore: deps.restore }, commands) : undefined;
  if (restore && deps.rehearsal) registerRehearsal(app, { ...deps, rehearsal: deps.rehearsal }, commands, restore);
  if (deps.notifications) registerNotifications(app, { ...deps, notifications: deps.notifications }, commands);
  // Typed `cancel` and text while a card waits: acts on the latest open card of either kind.
  registerMidFlow(app, { runtime: protect?.runtime, restore: restore?.dialog }, commands);
  registerAuditExport(app, deps);

  app.conversationUpdate('membersAdded', welcomeOnMembersAdded(deps));
  app.activity(ActivityTypes.InstallationUpdate, welcomeOnInstallationUpdate(deps));

  // Catch-all, registered last: any other message gets a pointer to help, never silence.
  app.activity(ActivityTypes.Message, unknown(commands));
  return commands;
}

function runCommand(commands: CommandRegistry) {
  return async (ctx: TurnContext, state: AppTurnState): Promise<void> => {
    const { command, args } = commands.match(ctx.activity.text)!;
    markTurn(ctx, command.name);
    if (!command.handler) return planned(command)(ctx);
    await command.handler(ctx, state, args);
  };
}

/** The managed subscriptions for the help card (issue 17), from whichever part of the bot holds the Azure layer. */
function subscriptionsOf(deps: BotDeps) {
  const vms = deps.protect?.azure.vms ?? deps.posture?.azure.vms;
  return vms ? () => vms.clients.subscriptions.describe() : undefined;
}
