import type { Application } from '@microsoft/teams-ai';
import { ActivityTypes, TeamsInfo, type CloudAdapter, type TurnContext } from 'botbuilder';
import type { Azure } from '../../azure';
import { RestoreDialog, type RestoreFlow } from '../../dialogs/restore';
import { restoreRunKind } from '../../runs/restoreRun';
import { StagingSweep } from '../../runs/stagingSweep';
import type { RunEngine, RunRecord } from '../../runs/types';
import { ConversationDirectory, type KnownConversation } from '../approvals/conversations';
import { ApprovalService } from '../approvals/service';
import type { ApprovalRecord } from '../approvals/types';
import type { CommandRegistry } from '../commands';
import type { BotDeps } from '../deps';
import { Messenger } from '../messenger';
import { Promptly } from '../promptly';
import { Background } from '../../dialogs/flow/background';
import type { AppTurnState } from '../state';
import { localeOf, sender } from '../turnInfo';
import { RESTORE_VERBS } from '../verbs';
import {
  approvalRefresh,
  approvalVerb,
  dialogVerb,
  restoreCommand,
  type RestoreHandlerDeps,
  type VerbHandler,
} from './handlers';

export type RestoreVerb = (typeof RESTORE_VERBS)[number];

/** What the restore request and its approval need beyond the chat plumbing (BotDeps.restore). */
export interface RestoreOptions {
  azure: Pick<Azure, 'vms' | 'recoveryPoints' | 'keyVaults' | 'targets' | 'restore'>;
  /** The durable run engine; the restore kind is registered on it here (before the root calls `resumeAll()`). */
  runs: RunEngine;
  /** APPROVAL_TTL_MINUTES and APPROVERS_CONVERSATION_ID. */
  approvals: { ttlMinutes: number; approversConversationId?: string };
  /** Proactive card posts and edits; by default a Messenger on the Application's adapter. */
  messenger?: Pick<Messenger, 'sendCard' | 'updateCard'>;
  /** How often a restore job is read while it runs (default 15 s; tests use the sandbox's fast jobs). */
  jobPollMs?: number;
  /** How often requests past their expiry are marked expired (default 60 s). */
  expirySweepMs?: number;
  /** How often staged files left by runs that are over are looked for (default 15 minutes). */
  stagingSweepMs?: number;
  now?: () => Date;
}

export interface RestoreFeature {
  approvals: ApprovalService;
  dialog: RestoreDialog;
  /** Resolves once start-up work is done: runs of requests approved just before a restart, undelivered requests. */
  started: Promise<void>;
  /** Deletes the staged files of runs that are over (tests call `sweep()`). */
  staging: StagingSweep;
  /** Stops the expiry and staging sweeps. */
  stop(): void;
}

/**
 * Registers the restore request and its approval on the Application: the `restore` command (plugged into the planned
 * entry of the command registry, so help lists it as available), the card verbs, the restore run kind on the engine,
 * and a turn hook that keeps the approvers' conversation reference current. Then, in the background, picks up
 * requests a restart interrupted and starts the expiry sweep.
 */
export function registerRestore(
  app: Application<AppTurnState>,
  deps: Pick<BotDeps, 'logger' | 'store' | 'access' | 'replyWithinMs'> & { restore: RestoreOptions },
  commands: CommandRegistry,
): RestoreFeature {
  const { logger, store, access, restore } = deps;
  const messenger =
    restore.messenger ?? new Messenger(app.adapter as unknown as CloudAdapter, app.options.botAppId ?? '', logger);
  const conversations = new ConversationDirectory(
    store.records<KnownConversation>('restore-conversations'),
    restore.approvals.approversConversationId,
    store.records<KnownConversation>('restore-approver-chats'),
  );
  const approvals = new ApprovalService({
    // Signed: a request written straight into the store is never taken for an approval (src/store/signing.ts).
    records: store.signed<ApprovalRecord>('restore-approvals'),
    audit: store.audit,
    access,
    messenger,
    runs: restore.runs,
    conversations,
    logger,
    ttlMinutes: restore.approvals.ttlMinutes,
    now: restore.now,
  });
  const dialog = new RestoreDialog({
    azure: restore.azure,
    flows: store.records<RestoreFlow>('restore-flows'),
    audit: store.audit,
    logger,
    now: restore.now,
  });
  // Staged files (they hold the wrapped key and secret) go once a run is over, however it ended.
  const staging = new StagingSweep({
    runs: store.signed<RunRecord>('runs'),
    restore: restore.azure.restore,
    logger,
    retryWithinMs: restore.approvals.ttlMinutes * 60_000,
    now: restore.now && (() => restore.now!().getTime()),
  });
  restore.runs.register(
    restoreRunKind({
      restore: restore.azure.restore,
      pollMs: restore.jobPollMs,
      onChange: async (run) => {
        if (run.status !== 'running') {
          await staging
            .cleanUp(run)
            .catch((err: unknown) => logger.warn({ err, runId: run.id }, 'staging cleanup failed'));
        }
        await approvals.onRunChange(run);
      },
      authorize: (run) => approvals.authorizeRun(run),
    }),
  );

  const promptly = new Promptly({
    withinMs: deps.replyWithinMs ?? 1_500,
    cards: messenger,
    background: new Background(logger),
    logger,
  });
  const handlers: RestoreHandlerDeps = { access, dialog, approvals, conversations, promptly };

  // Every turn: remember the conversation (an approver's personal chat is where approval cards go, from the moment
  // the bot meets them: the install, the conversationUpdate the Playground and Teams send when the chat opens, or a
  // message). After the turn (so the welcome card comes first), a request that waited for an approver is posted.
  const met = new WeakSet<object>();
  const MEETS: string[] = [
    ActivityTypes.Message,
    ActivityTypes.Invoke,
    ActivityTypes.ConversationUpdate,
    ActivityTypes.InstallationUpdate,
  ];
  app.turn('beforeTurn', async (ctx) => {
    if (!MEETS.includes(ctx.activity.type)) return true;
    try {
      const approver = (await access.can(sender(ctx), 'approve')).allowed;
      const newChat = await conversations.remember(ctx, localeOf(ctx), approver, () => memberName(ctx));
      if (approver && (newChat || ctx.activity.type === ActivityTypes.Message)) met.add(ctx);
    } catch (err) {
      logger.warn({ err }, 'could not store the conversation reference');
    }
    return true;
  });
  app.turn('afterTurn', async (ctx) => {
    if (!met.has(ctx)) return true;
    try {
      await approvals.deliverPending();
    } catch (err) {
      logger.warn({ err }, 'pending approvals could not be delivered');
    }
    return true;
  });

  const command = commands.list().find((c) => c.name === 'restore');
  // The registry documents plugging a handler into a planned command; its route reads the handler per turn.
  if (command) Object.assign(command, { handler: restoreCommand(handlers) });
  else
    commands.add({
      name: 'restore',
      usage: 'restore [vm]',
      description: 'command.restore',
      handler: restoreCommand(handlers),
    });

  const routes: Record<RestoreVerb, VerbHandler> = {
    'restore.vm': dialogVerb(handlers, 'restore.vm'),
    'restore.point': dialogVerb(handlers, 'restore.point'),
    'restore.target': dialogVerb(handlers, 'restore.target'),
    'restore.requestApproval': dialogVerb(handlers, 'restore.requestApproval'),
    'restore.cancel': dialogVerb(handlers, 'restore.cancel'),
    'approval.approve': approvalVerb(handlers, 'approve'),
    'approval.reject': approvalVerb(handlers, 'reject'),
    'approval.cancel': approvalVerb(handlers, 'cancel'),
    'approval.retry': approvalVerb(handlers, 'retry'),
    'approval.refresh': approvalRefresh(handlers),
  };
  for (const [verb, handler] of Object.entries(routes)) {
    app.adaptiveCards.actionExecute(verb, (ctx, state, data) =>
      handler(ctx, state, (data ?? {}) as Record<string, unknown>),
    );
  }

  // The expiry sweep starts whatever resuming finds: one request that cannot be resumed never stops expiry.
  const sweep = setInterval(() => {
    approvals.expireDue().catch((err: unknown) => logger.warn({ err }, 'expiry sweep failed'));
  }, restore.expirySweepMs ?? 60_000);
  sweep.unref();
  // Leftovers of runs that crashed, were stopped, or whose retry expired.
  const stagingSweep = setInterval(
    () => {
      staging.sweep().catch((err: unknown) => logger.warn({ err }, 'staging sweep failed'));
    },
    restore.stagingSweepMs ?? 15 * 60_000,
  );
  stagingSweep.unref();
  const started = approvals
    .resume()
    .catch((err: unknown) => logger.error({ err }, 'restore requests could not be resumed'));
  return {
    approvals,
    dialog,
    started,
    staging,
    stop() {
      clearInterval(sweep);
      clearInterval(stagingSweep);
    },
  };
}

/**
 * The display name of the person in a personal chat, from the Bot Connector's member look-up (GET
 * /v3/conversations/{id}/members/{userId}): Teams' conversationUpdate and installationUpdate carry ids only.
 */
async function memberName(ctx: TurnContext): Promise<string | undefined> {
  const id = ctx.activity.from?.id;
  if (!id) return undefined;
  const member = await TeamsInfo.getMember(ctx, id);
  return member.name || [member.givenName, member.surname].filter(Boolean).join(' ') || undefined;
}
