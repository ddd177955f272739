import { explain, UnsupportedVmError, type VmSummary } from '../azure';
import type { AdaptiveCardJson } from '../bot/cards/render';
import { t } from '../i18n';
import type { DialogDeps } from './deps';
import { explainCard, noticeCard, type StartButtons } from './flow/cards';
import { choiceList, picked } from './flow/list';
import type { FlowDefinition, FlowRecord, Input, Outcome, Turn } from './flow/types';
import { grantConfirmCard, grantResultCard, grantTargetCard } from './grantAccess/cards';
import { applyGrant, grantNeed, type GrantPlan } from './grantAccess/plan';
import { byName, lookUpVms, vmChoice, words } from './shared';

export interface GrantState {
  plan?: GrantPlan;
  /** Whether the VM the grant is for is protected (to offer Back up now afterwards, else Enable backup). */
  vmProtected?: boolean;
}

type Rec = FlowRecord<GrantState>;

/**
 * `grant access [vm | key vault]`: the key vault comes from the VM's encryption settings (chosen from a list when
 * not named) → the exact change (access policy permissions, or the role on an RBAC key vault; secrets only for a
 * BEK-only VM) → Confirm → apply → read back → result. Already granted is an answer, and changes nothing.
 */
export function grantAccessFlow(deps: DialogDeps): FlowDefinition<GrantState> {
  return {
    name: 'grantAccess',
    steps: { target: ['grantAccess.target', 'flow.page'], confirm: ['grantAccess.confirm'] },
    render(r, view) {
      return r.step === 'target'
        ? grantTargetCard(view, r.list!)
        : grantConfirmCard(view, r.state.plan!, { inline: false });
    },
    act: (verb, input, r, turn) => act(deps, verb, input, r, turn),
  };
}

/** Typed `grant access …`, or a fix button carrying `{ vm, keyVault }`. */
export async function startGrantAccess(
  deps: DialogDeps,
  turn: Turn,
  args: string,
  data: { vm?: string; keyVault?: string } = {},
): Promise<AdaptiveCardJson> {
  const l = turn.locale;
  const name = data.vm ?? words(args)[0];
  const vms = await deps.azure.vms.list();
  if (!name) {
    return deps.runtime.begin(turn, 'grantAccess', 'target', {}, choiceList([...vms].sort(byName).map(vmChoice)));
  }
  const [found] = await lookUpVms(deps, [name], vms);
  if (found.kind === 'classic') {
    return explainCard(l, explain(new UnsupportedVmError('ClassicVmNotSupported', name, ''), l), { subject: name });
  }
  if (found.kind !== 'found') {
    const matches = found.kind === 'ambiguous' ? found.matches : vms;
    const notice = t(l, found.kind === 'ambiguous' ? 'flow.ambiguous' : 'grant.unknown', { name });
    const list = choiceList([...matches].sort(byName).map(vmChoice));
    return deps.runtime.begin(turn, 'grantAccess', 'target', {}, list, notice);
  }
  const vm = await deps.azure.vms.get(found.vm.name, found.vm.resourceGroup);
  const planned = await planFor(deps, turn, vm);
  if ('card' in planned) return planned.card;
  return deps.runtime.begin(turn, 'grantAccess', 'confirm', planned.state);
}

async function planFor(
  deps: DialogDeps,
  turn: Turn,
  vm: VmSummary,
): Promise<{ card: AdaptiveCardJson } | { state: GrantState }> {
  const l = turn.locale;
  if (vm.encryption.kind === 'none' || !vm.encryption.keyVault) {
    return {
      card: noticeCard(l, {
        title: t(l, 'grant.notEncrypted.title'),
        text: t(l, 'grant.notEncrypted.text', { vm: vm.name }),
      }),
    };
  }
  const need = await grantNeed(deps, vm.encryption.keyVault, vm.encryption.kind, vm.name);
  if (need.kind === 'missing') {
    return {
      card: noticeCard(l, {
        title: t(l, 'enable.check.keyVaultGone.title'),
        text: t(l, 'enable.check.keyVaultGone.cause', { vm: vm.name, keyVault: need.access.keyVault.name }),
        tone: 'attention',
      }),
    };
  }
  if (need.kind === 'granted') {
    return {
      card: grantResultCard(l, {
        keyVault: need.access.keyVault.name,
        changed: false,
        buttons: nextButtons(turn, vm.name, !!vm.protection),
      }),
    };
  }
  return { state: { plan: need.plan, vmProtected: !!vm.protection } };
}

function nextButtons(turn: Turn, vm: string, isProtected: boolean): StartButtons {
  const l = turn.locale;
  return isProtected
    ? { backup: { title: t(l, 'flow.fix.backupNow'), data: { vm } } }
    : { enable: { title: t(l, 'flow.fix.enable'), data: { vm } } };
}

async function act(deps: DialogDeps, verb: string, input: Input, r: Rec, turn: Turn): Promise<Outcome<GrantState>> {
  const l = turn.locale;
  if (verb === 'grantAccess.target') {
    const choice = picked(r.list!, input)?.[0];
    if (!choice) return { kind: 'reask', problem: t(l, 'flow.notOffered') };
    const item = (await deps.azure.vms.list()).find((v) => v.id === choice.value);
    if (!item) return { kind: 'reask', problem: t(l, 'flow.notOffered') };
    const planned = await planFor(deps, turn, await deps.azure.vms.get(item.name, item.resourceGroup));
    if ('card' in planned) return { kind: 'end', card: planned.card };
    return { kind: 'next', record: { ...r, step: 'confirm', state: planned.state, list: undefined } };
  }
  // grantAccess.confirm
  const plan = r.state.plan!;
  const result = await applyGrant(deps, turn, plan);
  const buttons = plan.vm ? nextButtons(turn, plan.vm, !!r.state.vmProtected) : {};
  return { kind: 'end', card: grantResultCard(l, { keyVault: plan.keyVault.name, changed: result.changed, buttons }) };
}
