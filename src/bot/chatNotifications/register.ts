import type { Application } from '@microsoft/teams-ai';
import { ActivityTypes, TurnContext } from 'botbuilder';
import type { Azure } from '../../azure';
import { t, type MessageKey } from '../../i18n';
import { SubscriptionStore, type ItemOwnership } from '../../notifications';
import { refusalKey } from '../accessPolicy';
import type { CommandHandler, CommandRegistry } from '../commands';
import type { BotDeps } from '../deps';
import { sendCard, sendText } from '../reply';
import type { AppTurnState } from '../state';
import { localeOf, markTurn, sender } from '../turnInfo';
import { NOTIFICATION_VERBS } from '../verbs';
import { jobCard, subscriptionsCard, vaultChoiceCard } from './cards';
import { ownershipVerbs } from './ownership';
import { auditRefused, subscribe, unsubscribe, type SubscribeDeps } from './subscribe';

/** What the notification commands need beyond the chat plumbing (BotDeps.notifications). */
export interface NotificationOptions {
  azure: { vaults: Pick<Azure['vaults'], 'get' | 'list'>; jobs: Pick<Azure['jobs'], 'get'> };
  /** A new subscription: the watcher polls soon (NotificationService.pollSoon). */
  onSubscribed?: (vault: string) => void;
  /**
   * A conversation spoke to the bot (NotificationService.health.revive): it is alive — a dead one gets its
   * subscriptions back, with this turn's reference, and its cards are never queued behind stale conversations.
   */
  onConversationAlive?: (conversationId: string, reference: Record<string, unknown>) => Promise<unknown>;
  /** "I'm on it" / Snooze on failure cards (NotificationService.ownership; read at click time). */
  ownership?: () => ItemOwnership | undefined;
}

/**
 * Registers `subscribe [vault]`, `unsubscribe [vault]` and `subscriptions` (plugged into their planned entries of the
 * command registry, so help lists them as available) and the notification cards' verbs. Subscribing and
 * unsubscribing are for operators only and audited; so is "Show job" (read-only, but read as the bot's identity).
 */
export function registerNotifications(
  app: Application<AppTurnState>,
  deps: BotDeps & { notifications: NotificationOptions },
  commands: CommandRegistry,
): void {
  const { access, store, notifications } = deps;
  const uc: SubscribeDeps = {
    subscriptions: new SubscriptionStore(store),
    audit: store.audit,
    azure: notifications.azure,
    onSubscribed: notifications.onSubscribed,
  };
  /** The refusal text for a user who is not an operator (audited), or undefined. */
  const refused = async (ctx: TurnContext, action: string, vault = ''): Promise<string | undefined> => {
    const user = sender(ctx);
    const decision = await access.can(user, 'operate');
    if (decision.allowed) return undefined;
    markTurn(ctx, action, 'refused');
    await auditRefused(uc, ctx, action, vault);
    return t(localeOf(ctx), refusalKey(decision), { objectId: user.aadObjectId ?? '?' });
  };
  const firstWord = (args: string) => args.split(/\s+/).filter(Boolean)[0] ?? '';

  // Any turn from a conversation (not the bot's removal) says it is alive.
  app.turn('beforeTurn', async (ctx) => {
    const a = ctx.activity;
    const alive =
      [ActivityTypes.Message, ActivityTypes.Invoke, ActivityTypes.ConversationUpdate].includes(
        a.type as ActivityTypes,
      ) ||
      (a.type === ActivityTypes.InstallationUpdate && String(a.action ?? '').toLowerCase() !== 'remove');
    if (alive && a.conversation?.id && a.serviceUrl && notifications.onConversationAlive) {
      const reference = { ...TurnContext.getConversationReference(a) } as Record<string, unknown>;
      delete reference.activityId;
      await notifications
        .onConversationAlive(a.conversation.id, reference)
        .catch((err: unknown) => deps.logger.warn({ err }, 'could not mark the conversation alive'));
    }
    return true;
  });

  const handlers: Record<string, CommandHandler> = {
    subscribe: async (ctx, _state, args) => {
      const vault = firstWord(args);
      const refusal = await refused(ctx, 'notify.subscribe', vault);
      if (refusal) return sendText(ctx, refusal);
      if (!vault) {
        // Grouped by subscription when the bot manages several (issue 17), then by name.
        const vaults = [...(await notifications.azure.vaults.list())].sort(
          (a, b) => (a.subscriptionName ?? '').localeCompare(b.subscriptionName ?? '') || a.name.localeCompare(b.name),
        );
        await sendCard(ctx, vaultChoiceCard(localeOf(ctx), vaults));
        return;
      }
      await sendText(ctx, (await subscribe(uc, ctx, localeOf(ctx), vault)).text);
    },
    unsubscribe: async (ctx, _state, args) => {
      const vault = firstWord(args);
      const refusal = await refused(ctx, 'notify.unsubscribe', vault);
      if (refusal) return sendText(ctx, refusal);
      await sendText(ctx, (await unsubscribe(uc, ctx, localeOf(ctx), vault)).text);
    },
    subscriptions: async (ctx) => {
      const refusal = await refused(ctx, 'notify.subscriptions');
      if (refusal) return sendText(ctx, refusal);
      await sendCard(
        ctx,
        subscriptionsCard(
          localeOf(ctx),
          await uc.subscriptions.forConversation(ctx.activity.conversation.id),
          await uc.subscriptions.inactive(),
        ),
      );
    },
  };
  for (const [name, handler] of Object.entries(handlers)) {
    const planned = commands.list().find((c) => c.name === name);
    // The registry documents plugging a handler into a planned command; its route reads the handler per turn.
    if (planned) Object.assign(planned, { handler });
    else {
      const usage = name === 'subscriptions' ? name : `${name} [vault]`;
      commands.add({ name, usage, description: `command.${name}` as MessageKey, handler });
    }
  }

  const here = (ctx: TurnContext) => uc.subscriptions.forConversation(ctx.activity.conversation.id);
  const verbs: Record<
    (typeof NOTIFICATION_VERBS)[number],
    (ctx: TurnContext, data: Record<string, unknown>) => Promise<unknown>
  > = {
    ...ownershipVerbs({ ownership: () => notifications.ownership?.(), audit: store.audit, refused }),
    // From the vault choice card: subscribe, then the card shows what is subscribed here.
    'notify.subscribe': async (ctx, data) => {
      const vault = str(data.vault);
      const refusal = await refused(ctx, 'notify.subscribe', vault);
      if (refusal) return refusal;
      const said = await subscribe(uc, ctx, localeOf(ctx), vault);
      return said.ok ? subscriptionsCard(localeOf(ctx), await here(ctx)) : said.text;
    },
    'notify.unsubscribe': async (ctx, data) => {
      const vault = str(data.vault);
      const refusal = await refused(ctx, 'notify.unsubscribe', vault);
      if (refusal) return refusal;
      const said = await unsubscribe(uc, ctx, localeOf(ctx), vault);
      return said.ok ? subscriptionsCard(localeOf(ctx), await here(ctx)) : said.text;
    },
    // Read-only: the job as Azure reports it now, posted below (the failure card stays as it is). The bot reads it as
    // its managed identity, so only operators may ask, as with `jobs`.
    'notify.showJob': async (ctx, data) => {
      const l = localeOf(ctx);
      const vault = str(data.vault);
      const jobId = str(data.jobId);
      const refusal = await refused(ctx, 'notify.showJob', vault);
      if (refusal) return refusal;
      try {
        await sendCard(ctx, jobCard(l, await notifications.azure.jobs.get(vault, jobId)));
        return t(l, 'notify.job.posted');
      } catch (err) {
        deps.logger.warn({ err, vault, jobId }, 'could not read the job for Show job');
        return t(l, 'notify.job.unavailable', { vault, jobId });
      }
    },
  };
  for (const verb of NOTIFICATION_VERBS) {
    app.adaptiveCards.actionExecute(verb, async (ctx, _state, data: Record<string, unknown>) => {
      markTurn(ctx, verb);
      return (await verbs[verb](ctx, data ?? {})) as never;
    });
  }
}

const str = (v: unknown): string => (typeof v === 'string' ? v.trim().slice(0, 200) : '');
