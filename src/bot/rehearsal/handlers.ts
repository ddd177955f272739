import { randomUUID } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import { renderCard, type AdaptiveCardJson } from '../../cards/render';
import type { RehearsalRefusal } from '../../dialogs/rehearsal/plan';
import { rehearsalFacts, rehearsalSteps } from '../../dialogs/rehearsal/view';
import { formatTime } from '../../dialogs/restore/format';
import { planLinks } from '../../dialogs/restore/links';
import { echo } from '../../dialogs/shared';
import { t, type Locale, type MessageKey } from '../../i18n';
import { planHash } from '../../runs/restorePlan';
import type { RecordStore } from '../../store';
import { refusalKey, type AccessAction, type AccessPolicy } from '../accessPolicy';
import { approvalCard, refusalNotice } from '../approvals/cards';
import type { ApprovalService } from '../approvals/service';
import type { CommandHandler } from '../commands';
import { addressOf, type Promptly } from '../promptly';
import { sendCard, sendText } from '../reply';
import { localeOf, markTurn, sender } from '../turnInfo';
import type { RehearsalFeature } from './feature';
import { listCard, scopeLabel } from './list';

/** A rehearsal being requested: the VM and the points offered, by whom (server-side; the card carries its id only). */
export interface RehearsalDraft {
  id: string;
  vm: string;
  vmResourceGroup: string;
  points: string[];
  by: string;
  at: string;
}

export interface RehearsalHandlerDeps {
  access: Pick<AccessPolicy, 'can'>;
  feature: RehearsalFeature;
  approvals: ApprovalService;
  drafts: RecordStore<RehearsalDraft>;
  promptly: Promptly;
}

type Data = Record<string, unknown>;
export type VerbHandler = (ctx: TurnContext, state: unknown, data: Data) => Promise<AdaptiveCardJson | string>;

const message = (locale: Locale, title: string, text: string) => renderCard('restore.message', { title, text });

/**
 * `rehearse [vm]` (operators): the VM picker, or the VM's rehearsal plan with its recovery points (the latest
 * chosen). `rehearse monthly <vm | vault>` (operators): a standing rehearsal's request, which another approver decides;
 * `rehearse revoke <vm | vault>` (approvers) ends one.
 */
export function rehearseCommand(deps: RehearsalHandlerDeps): CommandHandler {
  return async (ctx, _state, args) => {
    markTurn(ctx, 'rehearse');
    const locale = localeOf(ctx);
    const refusal = await refuse(deps, ctx, 'operate');
    if (refusal) return sendText(ctx, refusal);
    if (!deps.feature.configured) return sendText(ctx, t(locale, 'rehearsal.refused.notConfigured'));
    const standing = /^(monthly|revoke)(?:\s+(.*))?$/i.exec(args);
    if (standing) return standingCommand(deps, ctx, standing[1].toLowerCase() as 'monthly' | 'revoke', standing[2]);
    await deps.promptly.reply(ctx, locale, async () =>
      args ? planCard(deps, ctx, args.split(/\s+/)[0]) : vmPicker(deps, locale),
    );
  };
}

/** The VM picker's Next: the chosen VM's plan card. */
export function vmVerb(deps: RehearsalHandlerDeps): VerbHandler {
  return async (ctx, _state, data) => {
    markTurn(ctx, 'rehearsal.vm');
    const refusal = await refuse(deps, ctx, 'operate');
    if (refusal) return refusal;
    const vm = typeof data.vm === 'string' ? data.vm : '';
    return deps.promptly.answer(ctx, localeOf(ctx), () => planCard(deps, ctx, vm));
  };
}

/**
 * "Request approval": the draft's own requester only; the plan is made again for the chosen point (the approval is
 * bound to that plan's hash) and goes through the restore's approval, with "rehearsal" and the clean-up on its card.
 */
export function requestVerb(deps: RehearsalHandlerDeps): VerbHandler {
  return async (ctx, _state, data) => {
    markTurn(ctx, 'rehearsal.request');
    const refusal = await refuse(deps, ctx, 'operate');
    if (refusal) return refusal;
    const locale = localeOf(ctx);
    const who = sender(ctx);
    const draft = await draftOf(deps, data);
    const point = typeof data.point === 'string' ? data.point : '';
    if (!draft || draft.by !== who.aadObjectId || !draft.points.includes(point)) {
      return message(locale, t(locale, 'rehearsal.card.title', { vm: draft?.vm ?? '' }), stale(locale, draft));
    }
    const requesterCard = addressOf(ctx);
    return deps.promptly.answer(ctx, locale, async () => {
      const requestId = randomUUID();
      const planned = await deps.feature.plan(draft.vm, requestId, point);
      if (!('plan' in planned)) return refusedCard(locale, planned);
      await deps.drafts.delete(draft.id);
      const { record } = await deps.approvals.request({
        id: requestId,
        plan: planned.plan,
        planHash: planHash(planned.plan),
        requester: { aadObjectId: who.aadObjectId ?? '', name: who.name },
        locale,
        requesterCard,
      });
      return approvalCard(locale, record, await deps.approvals.run(record.id), { audience: 'requester' });
    });
  };
}

export function cancelVerb(deps: RehearsalHandlerDeps): VerbHandler {
  return async (ctx, _state, data) => {
    markTurn(ctx, 'rehearsal.cancel');
    const locale = localeOf(ctx);
    const draft = await draftOf(deps, data);
    if (draft && draft.by === sender(ctx).aadObjectId) await deps.drafts.delete(draft.id);
    return message(
      locale,
      t(locale, 'rehearsal.card.title', { vm: draft?.vm ?? '' }),
      t(locale, 'rehearsal.card.cancelled'),
    );
  };
}

/** Revoke on the `rehearsals` card (approvers only); answers with the list as it now stands. */
export function revokeVerb(deps: RehearsalHandlerDeps): VerbHandler {
  return async (ctx, _state, data) => {
    markTurn(ctx, 'rehearsal.revoke');
    const locale = localeOf(ctx);
    const refusal = await refuse(deps, ctx, 'approve');
    if (refusal) return t(locale, 'rehearsal.standing.approversOnly');
    const who = sender(ctx);
    const id = typeof data.standingId === 'string' ? data.standingId : '';
    await deps.feature.standing.revoke(id, { aadObjectId: who.aadObjectId ?? '', name: who.name });
    return deps.promptly.answer(ctx, locale, () => listCard(deps.feature, locale));
  };
}

/**
 * "Approve, and monthly from now on" on a rehearsal's approval card (approvers): approves this request as Approve
 * does (the server decides: not one's own request, the plan the card showed), then sets a standing monthly rehearsal
 * of its VM (audited, revocable). Answers with the approvers' copy of the card.
 */
export function approveMonthlyVerb(deps: RehearsalHandlerDeps): VerbHandler {
  return async (ctx, _state, data) => {
    markTurn(ctx, 'rehearsal.approveMonthly');
    const locale = localeOf(ctx);
    const who = sender(ctx);
    if (!who.aadObjectId || (await refuse(deps, ctx, 'approve'))) return t(locale, 'rehearsal.standing.approversOnly');
    const requestId = typeof data.requestId === 'string' ? data.requestId : '';
    const by = { aadObjectId: who.aadObjectId, name: who.name };
    const before = await deps.approvals.get(requestId);
    if (!before || before.plan.purpose !== 'rehearsal') return t(locale, 'approval.notice.notFound');
    const result = await deps.approvals.act(
      requestId,
      'approve',
      { ...by, tenantId: who.tenantId },
      { planHash: typeof data.planHash === 'string' ? data.planHash : undefined },
    );
    const record = result.record ?? before;
    let notice = result.refused ? refusalNotice(locale, result.refused, record, who.aadObjectId) : '';
    if (!result.refused) {
      const scope = { kind: 'vm' as const, name: record.plan.vm.name };
      // Two people: the rehearsal's requester asked, this approver (never the requester: act() refused that) approved.
      const { standing } = await deps.feature.standing.create(
        scope,
        { requestedBy: record.requester, approvedBy: by, requestId: record.id },
        { reference: addressOf(ctx).reference as Record<string, unknown>, locale },
      );
      notice = t(locale, 'rehearsal.standing.created', {
        scope: scope.name,
        expires: formatTime(standing.expiresAt),
      });
    }
    return approvalCard(locale, record, await deps.approvals.run(record.id), { audience: 'approvers', notice });
  };
}

/**
 * Approve / Reject on a standing rehearsal request's card: decided on the server (an approver, not the requester, the
 * request pending and unexpired); answers with the clicker's copy of the card, a refusal told on it.
 */
export function standingDecisionVerb(deps: RehearsalHandlerDeps, action: 'approve' | 'reject'): VerbHandler {
  return async (ctx, _state, data) => {
    markTurn(ctx, action === 'approve' ? 'rehearsal.standingApprove' : 'rehearsal.standingReject');
    const locale = localeOf(ctx);
    const who = sender(ctx);
    const requestId = typeof data.requestId === 'string' ? data.requestId : '';
    const result = await deps.feature.requests.decide(requestId, action, {
      aadObjectId: who.aadObjectId ?? '',
      name: who.name,
      tenantId: who.tenantId,
    });
    if (!result.record) return t(locale, 'approval.notice.notFound');
    const notice = result.refused
      ? result.refused === 'expired'
        ? t(locale, 'rehearsal.standingRequest.expired')
        : result.refused === 'decided'
          ? t(locale, 'approval.notice.decided', { state: t(locale, `approval.state.${result.record.status}`) })
          : result.refused === 'notApprover'
            ? t(locale, 'rehearsal.standingRequest.notApprover', { objectId: who.aadObjectId ?? '' })
            : refusalNotice(locale, result.refused, undefined, who.aadObjectId ?? '')
      : result.standing
        ? t(locale, result.created ? 'rehearsal.standing.created' : 'rehearsal.standing.exists', {
            scope: scopeLabel(locale, result.standing.scope),
            expires: formatTime(result.standing.expiresAt),
          })
        : '';
    // The first rehearsals of a new standing approval start at the next tick of the schedule.
    if (result.created) deps.feature.tickSoon();
    const own = result.record.requester.aadObjectId.toLowerCase() === (who.aadObjectId ?? '').toLowerCase();
    return deps.feature.requests.card(locale, result.record, own ? 'requester' : 'approvers', notice);
  };
}

/** `rehearsals [vault]`: each protected VM's last rehearsal, and the standing rehearsals (with Revoke). */
export function rehearsalsCommand(deps: RehearsalHandlerDeps): CommandHandler {
  return async (ctx, _state, args) => {
    markTurn(ctx, 'rehearsals');
    const locale = localeOf(ctx);
    const refusal = await refuse(deps, ctx, 'operate');
    if (refusal) return sendText(ctx, refusal);
    await deps.promptly.reply(ctx, locale, () => listCard(deps.feature, locale, args.split(/\s+/)[0] || undefined));
  };
}

async function standingCommand(
  deps: RehearsalHandlerDeps,
  ctx: TurnContext,
  action: 'monthly' | 'revoke',
  target: string | undefined,
): Promise<void> {
  const locale = localeOf(ctx);
  // Revoking takes an approver; asking for one takes an operator (checked by the command), deciding another approver.
  if (action === 'revoke' && (await refuse(deps, ctx, 'approve')))
    return sendText(ctx, t(locale, 'rehearsal.standing.approversOnly'));
  const name = (target ?? '').trim().split(/\s+/)[0];
  if (!name) return sendText(ctx, t(locale, 'rehearsal.standing.usage'));
  const protectedVms = await deps.feature.protectedVms();
  const vm = protectedVms.find((v) => v.name.toLowerCase() === name.toLowerCase());
  const vault = protectedVms.find((v) => v.vault?.toLowerCase() === name.toLowerCase())?.vault;
  if (!vm && !vault) return sendText(ctx, t(locale, 'rehearsal.refused.notProtected', { vm: echo(name) }));
  const scope = vm ? { kind: 'vm' as const, name: vm.name } : { kind: 'vault' as const, name: vault! };
  const label = scopeLabel(locale, scope);
  const who = sender(ctx);
  const by = { aadObjectId: who.aadObjectId ?? '', name: who.name };
  if (action === 'revoke') {
    const found = (await deps.feature.standing.active()).find(
      (s) => s.scope.kind === scope.kind && s.scope.name.toLowerCase() === scope.name.toLowerCase(),
    );
    const revoked = found && (await deps.feature.standing.revoke(found.id, by));
    return sendText(
      ctx,
      t(locale, revoked ? 'rehearsal.standing.revoked' : 'rehearsal.standing.notFound', { scope: label }),
    );
  }
  const existing = (await deps.feature.standing.active()).find(
    (s) => s.scope.kind === scope.kind && s.scope.name.toLowerCase() === scope.name.toLowerCase(),
  );
  if (existing) {
    return sendText(
      ctx,
      t(locale, 'rehearsal.standingRequest.exists', { scope: label, expires: formatTime(existing.expiresAt) }),
    );
  }
  // A request, never a standing approval on the asker's say-so: it goes to the approvers as a restore request does.
  await sendText(ctx, t(locale, 'rehearsal.standingRequest.sent', { scope: label }));
  const reference = addressOf(ctx).reference;
  const resourceId = vm ? vm.id : await deps.feature.vaultId(scope.name).catch(() => undefined);
  const record = await deps.feature.requests.request({
    scope,
    resourceId,
    requester: by,
    locale,
    requesterCard: { reference },
  });
  // The requester's copy, updated in place from now on.
  const activityId = await sendCard(ctx, deps.feature.requests.card(locale, record, 'requester'));
  if (activityId) await deps.feature.requests.attachRequesterCard(record.id, activityId, record);
}

async function vmPicker(deps: RehearsalHandlerDeps, locale: Locale): Promise<AdaptiveCardJson> {
  const vms = (await deps.feature.protectedVms()).filter((v) => v.hasRecoveryPoint);
  if (!vms.length) return message(locale, t(locale, 'rehearsal.vm.title'), t(locale, 'rehearsal.vm.none'));
  return renderCard('rehearsal.vm', {
    title: t(locale, 'rehearsal.vm.title'),
    label: t(locale, 'rehearsal.vm.choose'),
    choices: vms
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((v) => ({ title: `${v.name} (${v.resourceGroup})`, value: v.name })),
    labels: { next: t(locale, 'rehearsal.vm.next') },
  });
}

/** The plan card: what the rehearsal will do (latest point preselected), with the VM's points to choose from. */
async function planCard(deps: RehearsalHandlerDeps, ctx: TurnContext, vm: string): Promise<AdaptiveCardJson> {
  const locale = localeOf(ctx);
  const draftId = randomUUID();
  const planned = await deps.feature.plan(vm, draftId);
  if (!('plan' in planned)) return refusedCard(locale, planned);
  const { plan } = planned;
  const points = await deps.feature.points(plan.item);
  await deps.drafts.create(draftId, {
    id: draftId,
    vm: plan.vm.name,
    vmResourceGroup: plan.vm.resourceGroup,
    points: points.map((p) => p.name),
    by: sender(ctx).aadObjectId ?? '',
    at: new Date().toISOString(),
  });
  return renderCard('rehearsal.plan', {
    draftId,
    title: t(locale, 'rehearsal.card.title', { vm: plan.vm.name }),
    notice: '',
    intro: t(locale, 'rehearsal.card.intro', { vm: plan.vm.name }),
    facts: rehearsalFacts(locale, plan),
    stepsTitle: t(locale, 'restore.plan.steps'),
    steps: rehearsalSteps(locale, plan).map((s) => ({ text: `▫️ ${s.text}` })),
    links: planLinks(locale, plan),
    selected: plan.recoveryPoint.name,
    points: points.map((p) => ({ title: formatTime(p.time), value: p.name })),
    labels: {
      point: t(locale, 'rehearsal.card.point'),
      request: t(locale, 'rehearsal.card.requestApproval'),
      cancel: t(locale, 'rehearsal.card.cancel'),
    },
  });
}

function refusedCard(locale: Locale, r: RehearsalRefusal): AdaptiveCardJson {
  const params: Record<string, string> = { vm: echo(r.vm) };
  if ('keyVault' in r) params.keyVault = r.keyVault;
  if ('detail' in r) params.detail = r.detail;
  if ('subscription' in r) params.subscription = r.subscription;
  if ('region' in r) Object.assign(params, { region: r.region, networkRegion: r.networkRegion });
  return message(
    locale,
    t(locale, 'rehearsal.card.title', { vm: echo(r.vm) }),
    t(locale, `rehearsal.refused.${r.refused}` as MessageKey, params),
  );
}

const stale = (locale: Locale, draft: RehearsalDraft | undefined) =>
  t(locale, 'rehearsal.card.stale', { vm: draft?.vm ?? '<vm>' });

async function draftOf(deps: RehearsalHandlerDeps, data: Data): Promise<RehearsalDraft | undefined> {
  const id = typeof data.draftId === 'string' ? data.draftId : '';
  return id ? (await deps.drafts.get(id))?.value : undefined;
}

async function refuse(deps: RehearsalHandlerDeps, ctx: TurnContext, action: AccessAction): Promise<string | undefined> {
  const who = sender(ctx);
  const decision = await deps.access.can(who, action);
  if (decision.allowed) return undefined;
  markTurn(ctx, 'rehearse', 'refused');
  return t(localeOf(ctx), refusalKey(decision), { objectId: who.aadObjectId ?? '' });
}
