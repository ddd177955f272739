import { NotFoundError, type Azure } from '../../azure';
import { t } from '../../i18n';
import { readPosture, type PostureDeps, type PostureReport } from '../../notifications/posture';
import type { ArmReadBudget } from '../../notifications';
import { refusalKey } from '../accessPolicy';
import type { CommandHandler } from '../commands';
import type { BotDeps } from '../deps';
import { sendCard, sendText } from '../reply';
import { localeOf, markTurn, sender } from '../turnInfo';
import { postureCard } from './card';

/** What `posture` needs (src/index.ts): the Azure layer, the settings it judges by, the watcher's read budget. */
export interface PostureOptions extends PostureDeps {
  azure: PostureDeps['azure'] & { vaults: Pick<Azure['vaults'], 'get'> };
  /** The watcher's ARM read budget (NotificationService.budget): posture shares it, read at each command. */
  budget?: () => ArmReadBudget | undefined;
}

/** Before the first posture read: a guess of its cost (the watcher's budget is checked against the last one after). */
const FIRST_GUESS = 60;

/**
 * `posture [vault | subscription]`: operators and approvers. Read-only: the report offers each fix as the flow's
 * start button, pre-filled (the flows confirm before they change anything).
 */
export function posture(deps: BotDeps): CommandHandler {
  let lastCost = FIRST_GUESS;
  return async (ctx, _state, args) => {
    const l = localeOf(ctx);
    const user = sender(ctx);
    const decision = await deps.access.can(user, 'audit');
    if (!decision.allowed) {
      markTurn(ctx, 'posture', 'refused');
      await sendText(ctx, t(l, refusalKey(decision), { objectId: user.aadObjectId ?? '?' }));
      return;
    }
    const options = deps.posture;
    if (!options) return;
    const word = args.trim().split(/\s+/)[0] ?? '';
    const vault = word && !/^subscription$/i.test(word) ? word : undefined;
    const budget = options.budget?.();
    const wait = budget?.waitFor(lastCost) ?? 0;
    if (wait > 0) {
      await sendText(ctx, t(l, 'posture.busy', { reads: lastCost, minutes: Math.ceil(wait / 60_000) }));
      return;
    }
    if (vault) {
      try {
        await options.azure.vaults.get(vault);
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
        await sendText(ctx, t(l, 'posture.unknownVault', { vault }));
        return;
      }
    }
    const report: PostureReport = await readPosture(options, { vault });
    budget?.record(report.reads);
    lastCost = Math.max(report.reads, 1);
    deps.logger.info({ vault, vms: report.vms, findings: report.findings.length, reads: report.reads }, 'posture read');
    await sendCard(ctx, postureCard(l, report, options.rpoHours));
  };
}
