import type { Application } from '@microsoft/teams-ai';
import type { CloudAdapter } from 'botbuilder';
import { Background } from '../../dialogs/flow/background';
import type { CommandRegistry } from '../commands';
import type { BotDeps } from '../deps';
import { Messenger } from '../messenger';
import { Promptly } from '../promptly';
import type { RestoreFeature } from '../restore/register';
import type { AppTurnState } from '../state';
import { REHEARSAL_VERBS } from '../verbs';
import { RehearsalFeature, type RehearsalOptions } from './feature';
import { listVerb } from './listVerb';
import {
  approveMonthlyVerb,
  cancelVerb,
  rehearsalsCommand,
  rehearseCommand,
  requestVerb,
  revokeVerb,
  standingDecisionVerb,
  vmVerb,
  type RehearsalDraft,
  type RehearsalHandlerDeps,
  type VerbHandler,
} from './handlers';

export type { RehearsalOptions } from './feature';

/**
 * Registers restore rehearsals: `rehearse [vm]` and `rehearsals [vault]` (plugged into their planned entries of the
 * command registry), the card verbs, the rehearsal run kind (through RehearsalFeature) and the standing schedule.
 * Rehearsal requests use the restore's approvals (the same service, cards and verbs).
 */
export function registerRehearsal(
  app: Application<AppTurnState>,
  deps: Pick<BotDeps, 'logger' | 'store' | 'access' | 'replyWithinMs'> & {
    rehearsal: RehearsalOptions;
    messenger?: Pick<Messenger, 'sendCard' | 'updateCard'>;
  },
  commands: CommandRegistry,
  restore: RestoreFeature,
): RehearsalFeature {
  const { logger, store, access } = deps;
  const messenger =
    deps.messenger ?? new Messenger(app.adapter as unknown as CloudAdapter, app.options.botAppId ?? '', logger);
  const feature = new RehearsalFeature({
    options: deps.rehearsal,
    approvals: restore.approvals,
    messenger,
    store,
    audit: store.audit,
    logger,
  });
  const promptly = new Promptly({
    withinMs: deps.replyWithinMs ?? 1_500,
    cards: messenger,
    background: new Background(logger),
    logger,
  });
  const handlers: RehearsalHandlerDeps = {
    access,
    feature,
    approvals: restore.approvals,
    drafts: store.records<RehearsalDraft>('rehearsal-drafts'),
    promptly,
  };
  commands.plug('rehearse', rehearseCommand(handlers));
  commands.plug('rehearsals', rehearsalsCommand(handlers));
  const routes: Record<(typeof REHEARSAL_VERBS)[number], VerbHandler> = {
    // The posture card's "Rehearse" on a VM: the same plan card as `rehearse <vm>`.
    'rehearsal.start': vmVerb(handlers),
    'rehearsal.vm': vmVerb(handlers),
    'rehearsal.request': requestVerb(handlers),
    'rehearsal.cancel': cancelVerb(handlers),
    'rehearsal.revoke': revokeVerb(handlers),
    'rehearsal.approveMonthly': approveMonthlyVerb(handlers),
    'rehearsal.standingApprove': standingDecisionVerb(handlers, 'approve'),
    'rehearsal.standingReject': standingDecisionVerb(handlers, 'reject'),
    // A failed rehearsal's notification card: "Show rehearsals" (the `rehearsals <vault>` card).
    'rehearsal.list': listVerb(handlers),
  };
  for (const [verb, handler] of Object.entries(routes)) {
    app.adaptiveCards.actionExecute(verb, (ctx, state, data) =>
      handler(ctx, state, (data ?? {}) as Record<string, unknown>),
    );
  }
  feature.start();
  deps.rehearsal.expose?.(feature);
  return feature;
}
