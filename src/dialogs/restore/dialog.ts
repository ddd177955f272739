import { randomUUID } from 'node:crypto';
import { explain, NotFoundError, type VmListItem, type VmSummary } from '../../azure';
import { t } from '../../i18n';
import type { Logger } from '../../log';
import { planHash, type RestorePlan } from '../../runs/restorePlan';
import type { AuditTrail, RecordStore } from '../../store';
import { checkKeys, checkPermissions, validVmName, type RestoreAzure } from './checks';
import { flowKey, type CardView, type FlowPoint, type FlowUser, type FlowVm, type RestoreFlow } from './flow';
import * as views from './views';

export type RestoreDialogVerb =
  'restore.vm' | 'restore.point' | 'restore.target' | 'restore.requestApproval' | 'restore.cancel';

/** A card to show, or a plan the user asked approval for (the bot creates the approval request with this id). */
export type DialogOutcome =
  { view: CardView } | { request: { requestId: string; plan: RestorePlan; planHash: string } };

export interface RestoreDialogDeps {
  azure: RestoreAzure;
  flows: RecordStore<RestoreFlow>;
  audit: AuditTrail;
  logger: Logger;
  now?: () => Date;
}

const STEP_OF: Record<Exclude<RestoreDialogVerb, 'restore.cancel'>, RestoreFlow['step']> = {
  'restore.vm': 'vm',
  'restore.point': 'point',
  'restore.target': 'target',
  'restore.requestApproval': 'plan',
};

type At = { flowId: string; rev: number };
type Data = Record<string, unknown>;

/**
 * `restore [vm]` as a card-step workflow: every card answers with an Action.Execute verb and gets the next card.
 * The position lives server-side, per user and conversation; a card carries its flow id and revision, so a stale or
 * replayed card is refused, a double click shows the same next card, and a submitted value must be one offered.
 * Knows Azure (through the layer) and nothing of Teams; the bot renders the views and creates the approval.
 */
export class RestoreDialog {
  private readonly now: () => Date;

  constructor(private readonly deps: RestoreDialogDeps) {
    this.now = deps.now ?? (() => new Date());
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
    const opened = await this.guard(user, base, at, () => this.openVm(user, base, at, vmName.trim(), signal));
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

  private step(user: FlowUser, flow: RestoreFlow, verb: RestoreDialogVerb, at: At, data: Data, signal?: AbortSignal) {
    switch (verb) {
      case 'restore.vm':
        return this.onVm(user, flow, at, data, signal);
      case 'restore.point':
        return this.onPoint(user, flow, at, data, signal);
      case 'restore.target':
        return this.onTarget(user, flow, at, data, signal);
      default:
        return this.onRequest(flow, data);
    }
  }

  private async openVm(user: FlowUser, flow: RestoreFlow, at: At, vmName: string, signal?: AbortSignal) {
    const locale = user.locale;
    const all = await this.deps.azure.vms.list({ abortSignal: signal });
    const hit = vmName ? all.find((v) => v.name.toLowerCase() === vmName.toLowerCase()) : undefined;
    if (hit?.protected) return this.openPoint(user, flow, at, hit, signal);
    const vms = all.filter((v) => v.protected).sort((a, b) => a.name.localeCompare(b.name));
    if (vms.length === 0)
      return ended(flow, views.messageView(locale, t(locale, 'restore.vm.title'), t(locale, 'restore.vm.none')));
    let notice = '';
    if (vmName) notice = t(locale, hit ? 'restore.vm.notProtected' : 'restore.vm.notFound', { vm: vmName });
    return {
      ...flow,
      step: 'vm' as const,
      offered: { vm: vms.map((v) => v.id) },
      view: views.vmView(locale, at, vms, notice),
    };
  }

  private async onVm(user: FlowUser, flow: RestoreFlow, at: At, data: Data, signal?: AbortSignal) {
    const id = String(data.vm ?? '');
    if (!flow.offered.vm?.includes(id)) return reshow(flow, at, t(user.locale, 'restore.invalidChoice'));
    const m = /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/virtualMachines\/([^/]+)$/i.exec(id);
    return this.openPoint(user, flow, at, { id, name: m?.[2] ?? id, resourceGroup: m?.[1] ?? '' }, signal);
  }

  private async openPoint(
    user: FlowUser,
    flow: RestoreFlow,
    at: At,
    ref: Pick<VmListItem, 'id' | 'name' | 'resourceGroup'>,
    signal?: AbortSignal,
  ): Promise<RestoreFlow> {
    const locale = user.locale;
    const summary = await this.deps.azure.vms.get(ref.name, ref.resourceGroup, { abortSignal: signal });
    const p = summary.protection;
    if (!p) {
      const text = t(locale, 'restore.vm.notProtected', { vm: summary.name });
      return ended(flow, views.messageView(locale, t(locale, 'restore.vm.title'), text));
    }
    const item = {
      vault: p.vault,
      vaultResourceGroup: p.vaultResourceGroup,
      containerName: p.containerName,
      protectedItemName: p.protectedItemName,
    };
    const listed = await this.deps.azure.recoveryPoints.list(item, {}, { abortSignal: signal });
    const points: FlowPoint[] = listed.map((rp) => ({
      name: rp.name,
      time: rp.time.toISOString(),
      type: rp.type,
      templateRestorable: rp.templateRestorable,
      legacyKeyAndSecret: rp.legacyKeyAndSecret,
    }));
    const vm = flowVm(summary, item, listed[0]?.osType);
    if (points.length === 0) {
      return ended(
        flow,
        views.messageView(locale, t(locale, 'restore.vm.title'), t(locale, 'restore.point.none', { vm: vm.name })),
      );
    }
    const view = views.pointView(locale, at, vm, points, this.now());
    return { ...flow, step: 'point', vm, points, offered: { point: points.map((x) => x.name) }, view };
  }

  private async onPoint(user: FlowUser, flow: RestoreFlow, at: At, data: Data, signal?: AbortSignal) {
    const locale = user.locale;
    const point = flow.points?.find((p) => p.name === data.point);
    if (!point || !flow.offered.point?.includes(point.name))
      return reshow(flow, at, t(locale, 'restore.invalidChoice'));
    const vm = flow.vm!;
    const keys = await checkKeys(this.deps.azure, vm, point, signal);
    if ('refused' in keys) {
      await this.deps.audit.append({
        who: { aadObjectId: user.aadObjectId, name: user.name },
        action: 'restore.request',
        target: { kind: 'vm', name: vm.name, id: vm.id },
        details: { reason: keys.refused, keyVault: keys.keyVault, recoveryPoint: point.name },
        result: 'refused',
      });
      // The documented refusal: a job error shaped clue, so the catalogue's KeyVaultNotFound entry answers.
      const explanation = explain({ title: keys.refused, message: '', recommendations: [] }, locale, {
        keyVault: keys.keyVault,
        vm: vm.name,
      });
      return ended(flow, views.refusedView(locale, explanation, views.vmFacts(locale, vm)));
    }
    const options = { abortSignal: signal };
    const [staging, groups, subnets] = await Promise.all([
      this.deps.azure.targets.listStagingAccounts(vm.location, options),
      this.deps.azure.targets.listResourceGroups(options),
      this.deps.azure.targets.listSubnets(vm.location, options),
    ]);
    const title = t(locale, 'restore.target.title', { vm: vm.name });
    if (staging.length === 0)
      return ended(
        flow,
        views.messageView(locale, title, t(locale, 'restore.target.noStaging', { region: vm.location })),
      );
    if (subnets.length === 0)
      return ended(
        flow,
        views.messageView(locale, title, t(locale, 'restore.target.noSubnet', { region: vm.location })),
      );
    const targets = {
      staging: staging.map((s) => ({ id: s.id, name: s.name, resourceGroup: s.resourceGroup })),
      groups: groups.map((g) => ({ id: g.id, name: g.name, location: g.location })),
      subnets: subnets.map((s) => ({
        id: s.id,
        vnet: s.vnet,
        subnet: s.subnet,
        resourceGroup: s.resourceGroup,
        addressPrefix: s.addressPrefix,
      })),
    };
    const selected = {
      staging: staging[0].id,
      resourceGroup: '',
      subnet: '',
      vmName: `${vm.name.slice(0, 55)}-restored`,
    };
    const view = views.targetView(locale, at, { vm, point, encryption: keys.encryption, choices: targets, selected });
    const offered = {
      staging: targets.staging.map((s) => s.id),
      resourceGroup: targets.groups.map((g) => g.id),
      subnet: targets.subnets.map((s) => s.id),
    };
    return { ...flow, step: 'target' as const, point, encryption: keys.encryption, targets, offered, view };
  }

  private async onTarget(user: FlowUser, flow: RestoreFlow, at: At, data: Data, signal?: AbortSignal) {
    const locale = user.locale;
    const selected = {
      staging: String(data.staging ?? ''),
      resourceGroup: String(data.resourceGroup ?? ''),
      subnet: String(data.subnet ?? ''),
      vmName: String(data.vmName ?? '').trim(),
    };
    const again = (notice: string) => reshow(flow, at, notice, { selected });
    const targets = flow.targets!;
    const staging = targets.staging.find((s) => s.id === selected.staging);
    const group = targets.groups.find((g) => g.id === selected.resourceGroup);
    const subnet = targets.subnets.find((s) => s.id === selected.subnet);
    const offered = (name: string, value: string) => flow.offered[name]?.includes(value);
    if (
      !staging ||
      !group ||
      !subnet ||
      !offered('staging', staging.id) ||
      !offered('resourceGroup', group.id) ||
      !offered('subnet', subnet.id)
    ) {
      return again(t(locale, 'restore.invalidChoice'));
    }
    if (!validVmName(selected.vmName)) return again(t(locale, 'restore.target.badName'));
    const missing = await checkPermissions(
      this.deps.azure,
      locale,
      { group: group.name, subnetId: subnet.id, keyVaultId: flow.encryption?.keyVault.id },
      signal,
    );
    if (missing) return again(missing);
    if (await this.vmExists(selected.vmName, group.name, signal)) {
      return again(t(locale, 'restore.target.nameTaken', { name: selected.vmName, group: group.name }));
    }
    const vm = flow.vm!;
    const point = flow.point!;
    const plan: RestorePlan = {
      vm: { id: vm.id, name: vm.name, resourceGroup: vm.resourceGroup, location: vm.location, osType: vm.osType },
      item: vm.item,
      region: vm.location,
      recoveryPoint: point,
      encryption: flow.encryption,
      staging: { id: staging.id, name: staging.name },
      targetResourceGroup: { id: group.id, name: group.name },
      subnet: { id: subnet.id, vnet: subnet.vnet, subnet: subnet.subnet, resourceGroup: subnet.resourceGroup },
      newVmName: selected.vmName,
      path: point.templateRestorable ? 'template' : 'compute',
    };
    const hash = planHash(plan);
    return {
      ...flow,
      step: 'plan' as const,
      plan,
      planHash: hash,
      offered: {},
      view: views.planView(locale, at, plan, hash),
    };
  }

  private async onRequest(flow: RestoreFlow, data: Data): Promise<RestoreFlow> {
    // The card names the plan it showed; a plan that is not the stored one is not the plan to approve.
    if (!flow.plan || data.planHash !== flow.planHash) return ended(flow, views.staleView(flow.locale));
    return { ...flow, step: 'requested', requestId: randomUUID(), offered: {} };
  }

  private async vmExists(name: string, resourceGroup: string, signal?: AbortSignal): Promise<boolean> {
    try {
      const vm = await this.deps.azure.vms.get(name, resourceGroup, { abortSignal: signal });
      return vm.deployment === 'resourceManager';
    } catch (err) {
      if (err instanceof NotFoundError) return false;
      throw err;
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

function flowVm(summary: VmSummary, item: FlowVm['item'], pointOsType?: string): FlowVm {
  const enc = summary.encryption;
  const keyVault = enc.keyVault ?? enc.kekVault;
  const osType = summary.osType ?? (/linux/i.test(pointOsType ?? '') ? 'Linux' : 'Windows');
  return {
    id: summary.id,
    name: summary.name,
    resourceGroup: summary.resourceGroup,
    location: summary.location,
    osType,
    item,
    encryption:
      enc.kind === 'none'
        ? undefined
        : {
            kind: enc.kind,
            pass: enc.pass ?? 'single',
            keyVaultId: keyVault?.id ?? '',
            keyVaultName: keyVault?.name ?? '',
            keyUrl: enc.keyUrl,
            secretUrl: enc.secretUrl,
          },
  };
}

/** The same card again, one revision on, with a notice (and the values the user had entered). */
function reshow(flow: RestoreFlow, at: At, notice: string, patch: Data = {}): RestoreFlow {
  return { ...flow, view: { card: flow.view.card, data: { ...flow.view.data, ...patch, ...at, notice } } };
}

function ended(flow: RestoreFlow, view: CardView): RestoreFlow {
  return { ...flow, step: 'ended', offered: {}, view };
}

function repeats(flow: RestoreFlow, verb: string, rev: number, inputs: string): boolean {
  return !!flow.last && flow.last.verb === verb && flow.last.rev === rev && flow.last.inputs === inputs;
}

function outcomeOf(flow: RestoreFlow): DialogOutcome {
  if (flow.step === 'requested' && flow.requestId && flow.plan && flow.planHash) {
    return { request: { requestId: flow.requestId, plan: flow.plan, planHash: flow.planHash } };
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
