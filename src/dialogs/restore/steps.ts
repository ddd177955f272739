import { randomUUID } from 'node:crypto';
import {
  AmbiguousNameError,
  explain,
  NotFoundError,
  subscriptionOf,
  type VmListItem,
  type VmSummary,
} from '../../azure';
import { t } from '../../i18n';
import { planHash, type RestorePlan } from '../../runs/restorePlan';
import type { AuditTrail } from '../../store';
import { checkKeys, checkPermissions, validVmName, type RestoreAzure } from './checks';
import type { CardView, FlowPoint, FlowUser, FlowVm, RestoreFlow } from './flow';
import * as views from './views';
import { echo, withSuggestion } from '../shared';
import { vmLinks } from './links';

/** What the steps use: the Azure layer, the audit trail, the clock. */
export interface StepDeps {
  azure: RestoreAzure;
  audit: AuditTrail;
  now: () => Date;
}

export type At = { flowId: string; rev: number };
export type Data = Record<string, unknown>;

// The steps of the request dialog: each takes the flow as stored and returns the flow to store (with its card).

export async function openVm(
  deps: StepDeps,
  user: FlowUser,
  flow: RestoreFlow,
  at: At,
  vmName: string,
  signal?: AbortSignal,
) {
  const locale = user.locale;
  // A VM named: read it (its protection comes with it); the protected VMs are listed only to offer a choice.
  // A name two resource groups hold is asked about (among the protected ones), never guessed.
  const named = vmName ? await readVm(deps, vmName, signal) : undefined;
  const ambiguous = named instanceof AmbiguousNameError ? named.matches.map((m) => m.id.toLowerCase()) : undefined;
  const hit =
    named && !(named instanceof AmbiguousNameError) && named.deployment === 'resourceManager' ? named : undefined;
  if (hit?.protection) return openPoint(deps, user, flow, at, hit, signal);
  const all = await deps.azure.vms.listProtected({ abortSignal: signal });
  // Only what can be restored: protected VMs with a recovery point; the others are named, with why (issue 20). A name
  // two resource groups hold narrows the list to those (asked about, never guessed).
  const byName = (a: VmListItem, b: VmListItem) => a.name.localeCompare(b.name);
  const mine = all.filter((v) => v.protected && (!ambiguous || ambiguous.includes(v.id.toLowerCase())));
  const vms = mine.filter((v) => v.hasRecoveryPoint).sort(byName);
  const pending = mine.filter((v) => !v.hasRecoveryPoint).sort(byName);
  const why = pending.length ? t(locale, 'restore.vm.noPoints', { vms: pending.map((v) => v.name).join(', ') }) : '';
  if (vms.length === 0) {
    const none = [t(locale, 'restore.vm.none'), why].filter(Boolean).join(' ');
    return ended(flow, views.messageView(locale, t(locale, 'restore.vm.title'), none));
  }
  const notices: string[] = [];
  if (ambiguous) notices.push(t(locale, 'flow.ambiguous', { name: echo(vmName ?? '') }));
  else if (vmName && hit) notices.push(t(locale, 'restore.vm.notProtected', { vm: echo(vmName) }));
  else if (vmName && !hit)
    notices.push(withSuggestion(locale, t(locale, 'restore.vm.notFound', { vm: echo(vmName) }), vmName, all));
  if (why) notices.push(why);
  const notice = notices.join(' ');
  return {
    ...flow,
    step: 'vm' as const,
    offered: { vm: vms.map((v) => v.id) },
    view: views.vmView(locale, at, vms, notice),
  };
}

export async function onVm(
  deps: StepDeps,
  user: FlowUser,
  flow: RestoreFlow,
  at: At,
  data: Data,
  signal?: AbortSignal,
) {
  const id = String(data.vm ?? '');
  if (!flow.offered.vm?.includes(id)) return reshow(flow, at, t(user.locale, 'restore.invalidChoice'));
  const m = /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/virtualMachines\/([^/]+)$/i.exec(id);
  return openPoint(deps, user, flow, at, { id, name: m?.[2] ?? id, resourceGroup: m?.[1] ?? '' }, signal);
}

/** The VM of that name (one Resource Graph query finds it), undefined when there is none, the error when several. */
async function readVm(
  deps: StepDeps,
  name: string,
  signal?: AbortSignal,
): Promise<VmSummary | AmbiguousNameError | undefined> {
  try {
    return await deps.azure.vms.get(name, undefined, { abortSignal: signal });
  } catch (err) {
    if (err instanceof NotFoundError) return undefined;
    if (err instanceof AmbiguousNameError) return err;
    throw err;
  }
}

/** The recovery points of a VM: read from Azure, unless the caller just read the VM (`vm` is then its summary). */
export async function openPoint(
  deps: StepDeps,
  user: FlowUser,
  flow: RestoreFlow,
  at: At,
  vm: Pick<VmListItem, 'id' | 'name' | 'resourceGroup'> | VmSummary,
  signal?: AbortSignal,
): Promise<RestoreFlow> {
  const locale = user.locale;
  const summary =
    'deployment' in vm
      ? vm
      : // By id when known: it names the VM's subscription (issue 17).
        await deps.azure.vms.get(vm.id || vm.name, vm.id ? undefined : vm.resourceGroup, { abortSignal: signal });
  const p = summary.protection;
  if (!p) {
    const text = t(locale, 'restore.vm.notProtected', { vm: summary.name });
    return ended(flow, views.messageView(locale, t(locale, 'restore.vm.title'), text));
  }
  const item = {
    vault: p.vault,
    vaultResourceGroup: p.vaultResourceGroup,
    ...(p.vaultSubscriptionId ? { vaultSubscriptionId: p.vaultSubscriptionId } : {}),
    containerName: p.containerName,
    protectedItemName: p.protectedItemName,
  };
  const listed = await deps.azure.recoveryPoints.list(item, {}, { abortSignal: signal });
  const points: FlowPoint[] = listed.map((rp) => ({
    name: rp.name,
    time: rp.time.toISOString(),
    type: rp.type,
    templateRestorable: rp.templateRestorable,
    legacyKeyAndSecret: rp.legacyKeyAndSecret,
    managedDisks: rp.managedDisks,
  }));
  const chosen = flowVm(summary, item, listed[0]?.osType);
  if (points.length === 0) {
    return ended(
      flow,
      views.messageView(locale, t(locale, 'restore.vm.title'), t(locale, 'restore.point.none', { vm: chosen.name })),
    );
  }
  const view = views.pointView(locale, at, chosen, points, deps.now());
  return { ...flow, step: 'point', vm: chosen, points, offered: { point: points.map((x) => x.name) }, view };
}

export async function onPoint(
  deps: StepDeps,
  user: FlowUser,
  flow: RestoreFlow,
  at: At,
  data: Data,
  signal?: AbortSignal,
) {
  const locale = user.locale;
  const point = flow.points?.find((p) => p.name === data.point);
  if (!point || !flow.offered.point?.includes(point.name)) return reshow(flow, at, t(locale, 'restore.invalidChoice'));
  const vm = flow.vm!;
  if (point.managedDisks === false) {
    // Known now, so refused now: never after an approval (the restore would bring back VHD blobs, not disks).
    await deps.audit.append({
      who: { aadObjectId: user.aadObjectId, name: user.name },
      action: 'restore.request',
      target: { kind: 'vm', name: vm.name, id: vm.id },
      details: { reason: 'UnmanagedDiskRecoveryPoint', recoveryPoint: point.name },
      result: 'refused',
    });
    const explanation = explain({ title: 'UnmanagedDiskRecoveryPoint', message: '', recommendations: [] }, locale, {
      vm: vm.name,
    });
    return ended(flow, views.refusedView(locale, explanation, views.vmFacts(locale, vm)));
  }
  const keys = await checkKeys(deps.azure, vm, point, signal);
  if ('refused' in keys) {
    await deps.audit.append({
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
    return ended(flow, views.refusedView(locale, explanation, views.vmFacts(locale, vm), vmLinks(locale, vm)));
  }
  // A restore lands in the vault's subscription (Azure restores ADE-encrypted VMs within their subscription), so the
  // target questions offer only what is there (issue 17).
  const options = { abortSignal: signal, subscriptionId: restoreSubscription(vm) };
  const [staging, groups, subnets] = await Promise.all([
    deps.azure.targets.listStagingAccounts(vm.location, options),
    deps.azure.targets.listResourceGroups(options),
    deps.azure.targets.listSubnets(vm.location, options),
  ]);
  const title = t(locale, 'restore.target.title', { vm: vm.name });
  if (staging.length === 0)
    return ended(
      flow,
      views.messageView(locale, title, t(locale, 'restore.target.noStaging', { region: vm.location })),
    );
  if (subnets.length === 0)
    return ended(flow, views.messageView(locale, title, t(locale, 'restore.target.noSubnet', { region: vm.location })));
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

export async function onTarget(
  deps: StepDeps,
  user: FlowUser,
  flow: RestoreFlow,
  at: At,
  data: Data,
  signal?: AbortSignal,
) {
  const locale = user.locale;
  const selected = {
    staging: String(data.staging ?? ''),
    resourceGroup: String(data.resourceGroup ?? ''),
    subnet: String(data.subnet ?? ''),
    vmName: String(data.vmName ?? '').trim(),
  };
  const again = (notice: string) => reshow(flow, at, notice, { selected });
  // A client that does not check required inputs (the Agents Playground) sends them empty: say which one.
  const empty = (['staging', 'resourceGroup', 'subnet', 'vmName'] as const).find((k) => !selected[k]);
  if (empty) return again(t(locale, REQUIRED[empty]));
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
    deps.azure,
    locale,
    {
      group: group.name,
      subnetId: subnet.id,
      keyVaultId: flow.encryption?.keyVault.id,
      kekVaultId: flow.encryption?.kekVault?.id,
    },
    signal,
  );
  if (missing) return again(missing);
  // Neither the VM nor its NIC may take an existing resource's name (checked again right before each is created).
  const nicName = restoreNicName(selected.vmName);
  const [vmTaken, nicTaken] = await Promise.all([
    vmExists(deps, selected.vmName, group.name, signal, restoreSubscription(flow.vm!)),
    deps.azure.targets.nicExists(nicName, group.name, {
      abortSignal: signal,
      subscriptionId: restoreSubscription(flow.vm!),
    }),
  ]);
  if (vmTaken) return again(t(locale, 'restore.target.nameTaken', { name: selected.vmName, group: group.name }));
  if (nicTaken) return again(t(locale, 'restore.target.nicTaken', { name: nicName, group: group.name }));
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
    newNicName: nicName,
    // Built from this plan through the compute API; the restore job's template (which others can edit in the
    // staging account) is not deployed.
    path: 'compute',
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

export async function onRequest(deps: StepDeps, flow: RestoreFlow, data: Data): Promise<RestoreFlow> {
  // The card names the plan it showed; a plan that is not the stored one is not the plan to approve.
  if (!flow.plan || data.planHash !== flow.planHash) return ended(flow, views.staleView(flow.locale));
  const reason = typeof data.reason === 'string' ? data.reason.trim().slice(0, 500) : '';
  return { ...flow, step: 'requested', requestId: randomUUID(), offered: {}, ...(reason ? { reason } : {}) };
}

/** The new VM's NIC name, as the Azure layer derives it (`<vm>-nic`, within Azure's 80 characters). */
export const restoreNicName = (vmName: string): string => `${vmName.slice(0, 58)}-nic`;

/** Whether the new VM's name is taken in the target group: one GET (a classic VM cannot live in a Resource Manager group). */
export function vmExists(
  deps: StepDeps,
  name: string,
  resourceGroup: string,
  signal?: AbortSignal,
  subscriptionId?: string,
): Promise<boolean> {
  return deps.azure.vms.exists(name, resourceGroup, { abortSignal: signal, subscriptionId });
}

/** The subscription a restore lands in: the vault's (the VM's own: Backup protects a VM from its subscription). */
export const restoreSubscription = (vm: Pick<FlowVm, 'id' | 'item'>): string | undefined =>
  vm.item?.vaultSubscriptionId ?? subscriptionOf(vm.id);

export function flowVm(summary: VmSummary, item: FlowVm['item'], pointOsType?: string): FlowVm {
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
            ...(enc.keyVault && enc.kekVault ? { kekVaultId: enc.kekVault.id, kekVaultName: enc.kekVault.name } : {}),
            keyUrl: enc.keyUrl,
            secretUrl: enc.secretUrl,
            aadClientId: enc.aadClientId,
          },
  };
}

/** The same card again, one revision on, with a notice (and the values the user had entered). */
export function reshow(flow: RestoreFlow, at: At, notice: string, patch: Data = {}): RestoreFlow {
  return { ...flow, view: { card: flow.view.card, data: { ...flow.view.data, ...patch, ...at, notice } } };
}

export function ended(flow: RestoreFlow, view: CardView): RestoreFlow {
  return { ...flow, step: 'ended', offered: {}, view };
}

/** What a missing target input's message says ("Choose a target resource group"), not the bare label. */
const REQUIRED = {
  staging: 'restore.required.staging',
  resourceGroup: 'restore.required.group',
  subnet: 'restore.required.subnet',
  vmName: 'restore.required.vmName',
} as const;
