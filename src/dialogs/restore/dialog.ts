import { randomUUID } from 'node:crypto';
import { explain } from '../../azure';
import type { Logger } from '../../log';
import type { RestorePlan } from '../../runs/restorePlan';
import type { AuditTrail, RecordStore } from '../../store';
import type { RestoreAzure } from './checks';
import { flowKey, type CardView, type FlowUser, type RestoreFlow } from './flow';
import * as steps from './steps';
import { ended, type At, type Data } from './steps';
import * as views from './views';

export type RestoreDialogVerb =
  'restore.vm' | 'restore.point' | 'restore.target' | 'restore.requestApproval' | 'restore.cancel';

/** A card to show, or a plan the user asked approval for (the bot creates the approval request with this id). */
export type DialogOutcome =
  { view: CardView } | { request: { requestId: string; plan: RestorePlan; planHash: string; reason?: string } };

export interface RestoreDialogDeps {
  azure: RestoreAzure;
  flows: RecordStore<RestoreFlow>;
  audit: AuditTrail;
  logger: Logger;
  now?: () => Date;
}

/** Steps at which a card is waiting for the user's answer. */
const OPEN_STEPS: RestoreFlow['step'][] = ['vm', 'point', 'target', 'plan'];

const STEP_OF: Record<Exclude<RestoreDialogVerb, 'restore.cancel'>, RestoreFlow['step']> = {
  'restore.vm': 'vm',
  'restore.point': 'point',
  'restore.target': 'target',
  'restore.requestApproval': 'plan',
};

/**
 * `restore [vm]` as a card-step workflow: every card answers with an Action.Execute verb and gets the next card.
 * The position lives server-side, per user and conversation; a card carries its flow id and revision, so a stale or
 * replayed card is refused, a double click shows the same next card, and a submitted value must be one offered.
 * Knows Azure (through the layer) and nothing of Teams; the bot renders the views and creates the approval.
 */
export class RestoreDialog {
  private readonly now: () => Date;
  private readonly stepDeps: steps.StepDeps;

  constructor(private readonly deps: RestoreDialogDeps) {
    this.now = deps.now ?? (() => new Date());
    this.stepDeps = { azure: deps.azure, audit: deps.audit, now: this.now };
  }

  async start(user: FlowUser, vmName: string, signal?: AbortSignal): Promise<DialogOutcome> {
    const base: RestoreFlow = {
      flowId: randomUUID(),
      rev: 0,
      step: 'vm',
      locale: user.locale,
      offered: {},
      view: views.staleView(user.locale),
      updatedAt: this.now().toISOString(),
    };
    const at = { flowId: base.flowId, rev: 1 };
    const opened = await this.guard(user, base, at, () =>
      steps.openVm(this.stepDeps, user, base, at, vmName.trim(), signal),
    );
    const next = { ...opened, rev: at.rev };
    await this.deps.flows.update(flowKey(user), () => next);
    return outcomeOf(next);
  }

  async submit(user: FlowUser, verb: RestoreDialogVerb, data: Data, signal?: AbortSignal): Promise<DialogOutcome> {
    const key = flowKey(user);
    const current = (await this.deps.flows.get(key))?.value;
    const rev = Number(data.rev);
    const inputs = inputsOf(verb, data);
    const locale = user.locale;
    if (!current || data.flowId !== current.flowId) return { view: views.staleView(locale) };
    if (repeats(current, verb, rev, inputs)) return outcomeOf(current);
    if (rev !== current.rev) return { view: views.staleView(locale) };
    if (verb === 'restore.cancel') {
      await this.deps.flows.delete(key);
      return { view: views.cancelledView(locale) };
    }
    if (STEP_OF[verb] !== current.step) return { view: views.staleView(locale) };

    const at = { flowId: current.flowId, rev: current.rev + 1 };
    const handled = await this.guard(user, current, at, () => this.step(user, current, verb, at, data, signal));
    const next: RestoreFlow = {
      ...handled,
      rev: at.rev,
      last: { verb, rev, inputs },
      updatedAt: this.now().toISOString(),
    };
    const { value, changed } = await this.deps.flows.update(key, (cur) =>
      cur && cur.flowId === current.flowId && cur.rev === current.rev ? next : undefined,
    );
    if (changed) return outcomeOf(next);
    // Someone (the same click, delivered twice) moved the flow first.
    return value && repeats(value, verb, rev, inputs) ? outcomeOf(value) : { view: views.staleView(locale) };
  }

  /**
   * The user's restore request still waiting on a card of theirs (a VM, point, target or plan question), to ask
   * again after typed text: its card as last shown, with `notice`, and when it was shown. Undefined once it ended.
   */
  async open(user: FlowUser, notice: string): Promise<{ updatedAt: string; view: CardView } | undefined> {
    const flow = (await this.deps.flows.get(flowKey(user)))?.value;
    if (!flow || !OPEN_STEPS.includes(flow.step)) return undefined;
    return { updatedAt: flow.updatedAt, view: { card: flow.view.card, data: { ...flow.view.data, notice } } };
  }

  /** Typed `cancel`: ends the user's open restore request dialog here; whether there was one. */
  async cancel(user: FlowUser): Promise<boolean> {
    const key = flowKey(user);
    const flow = (await this.deps.flows.get(key))?.value;
    if (!flow || !OPEN_STEPS.includes(flow.step)) return false;
    await this.deps.flows.delete(key);
    return true;
  }

  private step(user: FlowUser, flow: RestoreFlow, verb: RestoreDialogVerb, at: At, data: Data, signal?: AbortSignal) {
    switch (verb) {
      case 'restore.vm':
        return steps.onVm(this.stepDeps, user, flow, at, data, signal);
      case 'restore.point':
        return steps.onPoint(this.stepDeps, user, flow, at, data, signal);
      case 'restore.target':
        return steps.onTarget(this.stepDeps, user, flow, at, data, signal);
      default:
        return steps.onRequest(this.stepDeps, flow, data);
    }
  }

  /** An Azure failure ends the flow with its troubleshooting entry (never a stack trace). */
  private async guard(
    user: FlowUser,
    flow: RestoreFlow,
    at: At,
    run: () => Promise<RestoreFlow>,
  ): Promise<RestoreFlow> {
    try {
      return await run();
    } catch (err) {
      this.deps.logger.warn({ err, flowId: flow.flowId, step: flow.step }, 'restore dialog step failed');
      const explanation = explain(err, user.locale, { vm: flow.vm?.name });
      return ended({ ...flow, rev: at.rev }, views.refusedView(user.locale, explanation));
    }
  }
}

function repeats(flow: RestoreFlow, verb: string, rev: number, inputs: string): boolean {
  return !!flow.last && flow.last.verb === verb && flow.last.rev === rev && flow.last.inputs === inputs;
}

function outcomeOf(flow: RestoreFlow): DialogOutcome {
  if (flow.step === 'requested' && flow.requestId && flow.plan && flow.planHash) {
    return { request: { requestId: flow.requestId, plan: flow.plan, planHash: flow.planHash, reason: flow.reason } };
  }
  return { view: flow.view };
}

/** The values a submission carries, to recognise the same click delivered twice. */
function inputsOf(verb: RestoreDialogVerb, data: Data): string {
  const pick: Record<RestoreDialogVerb, string[]> = {
    'restore.vm': ['vm'],
    'restore.point': ['point'],
    'restore.target': ['staging', 'resourceGroup', 'subnet', 'vmName'],
    'restore.requestApproval': ['planHash'],
    'restore.cancel': [],
  };
  return JSON.stringify(pick[verb].map((k) => data[k] ?? null));
}
