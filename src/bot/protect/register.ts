import type { Application } from '@microsoft/teams-ai';
import type { CloudAdapter, TurnContext } from 'botbuilder';
import { explain } from '../../azure/troubleshooting';
import { startBackupNow, backupNowFlow, showBackupRun, backupJobFinished } from '../../dialogs/backupNow';
import { checkFlow, startCheck } from '../../dialogs/check';
import type { CardUpdater, DialogDeps } from '../../dialogs/deps';
import { enableBackupFlow, startEnableBackup } from '../../dialogs/enableBackup';
import { Background } from '../../dialogs/flow/background';
import { explainCard, noticeCard } from '../../dialogs/flow/cards';
import { FlowRuntime } from '../../dialogs/flow/runtime';
import type { Turn } from '../../dialogs/flow/types';
import { grantAccessFlow, startGrantAccess } from '../../dialogs/grantAccess';
import { jobsFlow, startJobs } from '../../dialogs/jobs';
import { t, type MessageKey } from '../../i18n';
import { followBackupJobKind } from '../../runs/followBackupJob';
import type { RunEngine } from '../../runs/types';
import { refusalKey } from '../accessPolicy';
import type { AdaptiveCardJson } from '../../cards/render';
import type { CommandRegistry } from '../commands';
import type { BotDeps } from '../deps';
import { Messenger } from '../messenger';
import { addressOf, Promptly } from '../promptly';
import { sendText } from '../reply';
import type { AppTurnState } from '../state';
import { markTurn, sender, turnInfo } from '../turnInfo';
import { PROTECT_VERBS } from '../verbs';

/** What the protect flows need beyond the chat plumbing: the Azure layer, the run engine, one setting. */
export interface ProtectOptions {
  azure: DialogDeps['azure'];
  /** The durable run engine; the follow-backup-job kind is registered on it here (before its resumeAll). */
  runs: RunEngine;
  allowBekOnly: boolean;
  /** Card edits after the turn; by default a Messenger on the Application's adapter. */
  messenger?: CardUpdater;
  /** How often a followed backup job is read (default 15 s; tests use the sandbox's fast timing). */
  jobPollMs?: number;
}

export type ProtectVerb = (typeof PROTECT_VERBS)[number];

type Start = (d: DialogDeps, turn: Turn, args: string, data?: Record<string, string>) => Promise<AdaptiveCardJson>;

/** Typed commands (already listed on the help card as planned, in routes.ts) and the flow each starts. */
const COMMANDS: { name: string; usage: string; start: Start }[] = [
  { name: 'enable backup', usage: 'enable backup [vm…]', start: startEnableBackup },
  { name: 'grant access', usage: 'grant access [key vault | vm]', start: startGrantAccess },
  { name: 'backup now', usage: 'backup now [vm]', start: startBackupNow },
  { name: 'jobs', usage: 'jobs [vault]', start: startJobs },
  { name: 'check', usage: 'check [vm]', start: startCheck },
];

/** Start buttons (fix buttons, "Back up now" after enabling): a typed command, clicked. */
const START_VERBS: Partial<Record<ProtectVerb, Start>> = {
  'enableBackup.start': (d, turn, _args, data) => startEnableBackup(d, turn, data?.vm ?? ''),
  'grantAccess.start': startGrantAccess,
  'backupNow.start': startBackupNow,
  'check.start': startCheck,
};

/**
 * Registers the protect flows of issue 5 on the Application: their commands (plugged into the planned entries of
 * the command registry, so help lists them as available) and every card verb; typed `cancel` and the re-ask of the
 * latest open card are src/bot/handlers/midFlow.ts (over these flows and the restore request). Call it after the
 * command routes and before the catch-all.
 * Only operators start or continue these flows (AccessPolicy); every change they make is written to the audit trail.
 */
export function registerProtectFlows(
  app: Application<AppTurnState>,
  deps: BotDeps & { protect: ProtectOptions },
  commands: CommandRegistry,
): { background: Background; runtime: FlowRuntime } {
  const { logger, store, access, protect } = deps;
  const background = new Background(logger);
  const runtime = new FlowRuntime({ store, logger, background });
  const cards =
    protect.messenger ?? new Messenger(app.adapter as unknown as CloudAdapter, app.options.botAppId ?? '', logger);
  const d: DialogDeps = {
    azure: protect.azure,
    store,
    logger,
    cards,
    runs: protect.runs,
    runtime,
    background,
    allowBekOnly: protect.allowBekOnly,
    jobPollMs: protect.jobPollMs ?? 15_000,
  };
  const promptly = new Promptly({ withinMs: deps.replyWithinMs ?? 1_500, cards, background, logger });
  for (const flow of [enableBackupFlow(d), grantAccessFlow(d), backupNowFlow(d), checkFlow(d), jobsFlow(d)]) {
    runtime.define(flow as Parameters<FlowRuntime['define']>[0]);
  }
  protect.runs.register(
    followBackupJobKind({
      jobs: protect.azure.jobs,
      pollMs: d.jobPollMs,
      show: (run) => showBackupRun(d, run.checkpoint, run.status === 'failed' ? run.error : undefined),
      finished: (c) => backupJobFinished(d, c),
    }),
  );

  const turnOf = (ctx: TurnContext): Turn => {
    const info = turnInfo(ctx);
    const a = ctx.activity;
    return {
      locale: info.locale,
      user: { id: a.from.id, aadObjectId: a.from.aadObjectId, name: a.from.name },
      conversationId: a.conversation.id,
      address: addressOf(ctx),
      correlationId: info.correlationId,
    };
  };
  /** The refusal text for a user who is not an operator, or undefined when they may go on. */
  const refused = async (ctx: TurnContext, intent: string): Promise<string | undefined> => {
    const user = sender(ctx);
    const decision = await access.can(user, 'operate');
    if (decision.allowed) return undefined;
    markTurn(ctx, intent, 'refused');
    return t(turnInfo(ctx).locale, refusalKey(decision), { objectId: user.aadObjectId ?? '?' });
  };
  /** A flow's start, with Azure errors explained (the catalogue) instead of a generic error card. */
  const begin = async (turn: Turn, start: Start, args: string, data?: Record<string, string>) => {
    try {
      return await start(d, turn, args, data);
    } catch (err) {
      logger.warn({ err, correlationId: turn.correlationId }, 'flow could not start');
      return explainCard(turn.locale, explain(err, turn.locale));
    }
  };

  for (const c of COMMANDS) {
    const handler = async (ctx: TurnContext, _state: AppTurnState, args: string) => {
      const refusal = await refused(ctx, c.name);
      if (refusal) return sendText(ctx, refusal);
      const turn = turnOf(ctx);
      await promptly.reply(ctx, turn.locale, () => begin(turn, c.start, args));
    };
    if (!commands.plug(c.name, handler, c.usage)) {
      commands.add({ name: c.name, usage: c.usage, description: `command.${camel(c.name)}` as MessageKey, handler });
    }
  }

  for (const verb of PROTECT_VERBS) {
    const start = START_VERBS[verb];
    app.adaptiveCards.actionExecute(verb, async (ctx, _state, data: Record<string, unknown>) => {
      markTurn(ctx, verb);
      const turn = turnOf(ctx);
      const refusal = await refused(ctx, verb);
      if (refusal)
        return noticeCard(turn.locale, {
          title: t(turn.locale, 'flow.refused.title'),
          text: refusal,
          tone: 'attention',
        });
      if (!start) return promptly.answer(ctx, turn.locale, () => runtime.submit(turn, verb, data ?? {}));
      // A start button posts the new flow as a new message; the card it sits on stays as it is.
      await promptly.reply(ctx, turn.locale, () => begin(turn, start, '', strings(data)));
      return t(turn.locale, 'flow.started');
    });
  }

  // Typed `cancel` and the re-ask of the latest open card: src/bot/handlers/midFlow.ts (with the restore request's).
  return { background, runtime };
}

const camel = (name: string) => name.replace(/\s+(\w)/g, (_, c: string) => c.toUpperCase());

function strings(data: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data ?? {})) if (typeof v === 'string' && v.length <= 200) out[k] = v;
  return out;
}
