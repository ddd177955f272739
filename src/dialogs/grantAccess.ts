import { explain, UnsupportedVmError, type KeyVaultSummary, type ResourceRef, type VmSummary } from '../azure';
import type { AdaptiveCardJson } from '../cards/render';
import { t } from '../i18n';
import type { DialogDeps } from './deps';
import { explainCard, noticeCard, type StartButtons } from './flow/cards';
import { choiceList, picked } from './flow/list';
import type { FlowDefinition, FlowRecord, Input, Outcome, Turn } from './flow/types';
import { grantConfirmCard, grantResultCard, grantTargetCard } from './grantAccess/cards';
import { applyGrant, grantNeed, type GrantPlan } from './grantAccess/plan';
import { chosenTarget, keyVaultChoices, resolveTarget } from './grantAccess/target';
import { echo, withSuggestion, words } from './shared';

export interface GrantState {
  plan?: GrantPlan;
  /** A VM whose KEK sits in another key vault than its BEK: the second vault's grant, confirmed after the first. */
  next?: GrantPlan;
  /** Whether the VM the grant is for is protected (to offer Back up now afterwards, else Enable backup). */
  vmProtected?: boolean;
}

type Rec = FlowRecord<GrantState>;
/** A step's answer: a card that ends the flow here, or the plan to confirm. */
type Planned = { card: AdaptiveCardJson } | { state: GrantState };

/**
 * `grant access [key vault | vm]`: the key vault named, or the one the VM's encryption settings name (a list of key
 * vaults when nothing is named) → the exact change (access policy permissions, or the role on an RBAC key vault;
 * secrets only for a BEK-only VM, keys and secrets for a key vault named by itself) → Confirm → apply (re-reading the
 * vault first) → read back → result. Already granted is an answer, and changes nothing.
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

/** Typed `grant access …`, or a start button carrying `{ vm, keyVault }` (the VM wins: it says BEK-only or not). */
export async function startGrantAccess(
  deps: DialogDeps,
  turn: Turn,
  args: string,
  data: { vm?: string; keyVault?: string } = {},
): Promise<AdaptiveCardJson> {
  const l = turn.locale;
  const name = data.vm || data.keyVault || words(args)[0];
  if (!name) {
    const list = choiceList(keyVaultChoices(l, await deps.azure.keyVaults.list()));
    return deps.runtime.begin(turn, 'grantAccess', 'target', {}, list);
  }
  const only = data.vm ? 'vm' : data.keyVault ? 'keyVault' : undefined;
  const target = await resolveTarget(deps, l, name, only);
  let planned: Planned;
  switch (target.kind) {
    case 'classic':
      return explainCard(l, explain(new UnsupportedVmError('ClassicVmNotSupported', name, ''), l), { subject: name });
    case 'unknown': {
      const list = choiceList(keyVaultChoices(l, target.keyVaults));
      // Key vault names only: the VM look-up read no VM list to suggest from.
      const problem = withSuggestion(l, t(l, 'grant.unknown', { name: echo(name) }), name, target.keyVaults);
      return deps.runtime.begin(turn, 'grantAccess', 'target', {}, list, { problem });
    }
    case 'ambiguous': {
      const notice = t(l, 'grant.ambiguous', { name });
      return deps.runtime.begin(turn, 'grantAccess', 'target', {}, choiceList(target.choices), notice);
    }
    case 'keyVault':
      planned = await planForKeyVault(deps, turn, target.keyVault);
      break;
    case 'vm': {
      const vm = await deps.azure.vms.get(
        target.vm.id || target.vm.name,
        target.vm.id ? undefined : target.vm.resourceGroup,
      );
      planned = await planForVm(deps, turn, vm, target.keyVaults);
      break;
    }
  }
  if ('card' in planned) return planned.card;
  return deps.runtime.begin(turn, 'grantAccess', 'confirm', planned.state);
}

/** A key vault named by itself: no VM says BEK-only, so the grant is everything Azure Backup reads (keys and secrets). */
async function planForKeyVault(
  deps: DialogDeps,
  turn: Turn,
  keyVault: ResourceRef | KeyVaultSummary,
): Promise<Planned> {
  const l = turn.locale;
  const need = await grantNeed(deps, keyVault, 'bek+kek');
  if (need.kind === 'missing') {
    return {
      card: noticeCard(l, {
        title: t(l, 'enable.check.keyVaultGone.title'),
        text: t(l, 'grant.keyVaultGone', { keyVault: need.access.keyVault.name }),
        tone: 'attention',
      }),
    };
  }
  if (need.kind === 'granted') {
    return {
      card: grantResultCard(l, {
        keyVault: need.access.keyVault.name,
        keyVaultId: need.access.keyVault.id,
        changed: false,
      }),
    };
  }
  return { state: { plan: need.plan } };
}

/** The VM's key vault, from its encryption settings (found in `keyVaults` when listed, else read). */
async function planForVm(
  deps: DialogDeps,
  turn: Turn,
  vm: VmSummary,
  keyVaults: KeyVaultSummary[] = [],
): Promise<Planned> {
  const l = turn.locale;
  const ref = vm.encryption.keyVault;
  if (vm.encryption.kind === 'none' || !ref) {
    return {
      card: noticeCard(l, {
        title: t(l, 'grant.notEncrypted.title'),
        text: t(l, 'grant.notEncrypted.text', { vm: vm.name }),
        links: [{ kind: 'vm', id: vm.id, name: vm.name }],
      }),
    };
  }
  const listed = (r: ResourceRef) => keyVaults.find((k) => k.id.toLowerCase() === r.id.toLowerCase()) ?? r;
  const kek = vm.encryption.kind === 'bek+kek' ? vm.encryption.kekVault : undefined;
  if (kek) return planForSplitVaults(deps, turn, vm, [listed(ref), listed(kek)]);
  const need = await grantNeed(deps, listed(ref), vm.encryption.kind, vm.name);
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
        keyVaultId: need.access.keyVault.id,
        changed: false,
        buttons: nextButtons(turn, vm.name, !!vm.protection),
      }),
    };
  }
  return { state: { plan: { ...need.plan, vmId: vm.id }, vmProtected: !!vm.protection } };
}

/**
 * BEK and KEK in different key vaults: secrets on the BEK's vault, keys on the KEK's (least privilege each). Each
 * change is confirmed on its own card, the BEK's vault first; nothing to do in either is one answer.
 */
async function planForSplitVaults(
  deps: DialogDeps,
  turn: Turn,
  vm: VmSummary,
  [bekVault, kekVault]: [ResourceRef, ResourceRef],
): Promise<Planned> {
  const l = turn.locale;
  const needs = await Promise.all([
    grantNeed(deps, bekVault, 'bek', vm.name),
    grantNeed(deps, kekVault, 'kek', vm.name),
  ]);
  const gone = needs.find((n) => n.kind === 'missing');
  if (gone) {
    return {
      card: noticeCard(l, {
        title: t(l, 'enable.check.keyVaultGone.title'),
        text: t(l, 'enable.check.keyVaultGone.cause', { vm: vm.name, keyVault: gone.access.keyVault.name }),
        tone: 'attention',
      }),
    };
  }
  const plans = needs.flatMap((n) => (n.kind === 'plan' ? [n.plan] : []));
  if (plans.length === 0) {
    return {
      card: grantResultCard(l, {
        keyVault: t(l, 'grant.bothVaults', { bek: bekVault.name, kek: kekVault.name }),
        changed: false,
        buttons: nextButtons(turn, vm.name, !!vm.protection),
      }),
    };
  }
  return { state: { plan: plans[0], next: plans[1], vmProtected: !!vm.protection } };
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
    const target = choice && chosenTarget(choice.value);
    if (!target) return { kind: 'reask', problem: t(l, 'flow.notOffered') };
    const planned =
      target.kind === 'keyVault'
        ? await planForKeyVault(deps, turn, target.ref)
        : await planForVm(
            deps,
            turn,
            await deps.azure.vms.get(
              target.ref.id || target.ref.name,
              target.ref.id ? undefined : target.ref.resourceGroup,
            ),
          );
    if ('card' in planned) return { kind: 'end', card: planned.card };
    return { kind: 'next', record: { ...r, step: 'confirm', state: planned.state, list: undefined } };
  }
  // grantAccess.confirm
  const plan = r.state.plan!;
  const result = await applyGrant(deps, turn, plan);
  if (r.state.next) {
    // The KEK's vault next, on its own confirmation card.
    const notice = t(l, 'grant.result.thenKek', { keyVault: plan.keyVault.name, next: r.state.next.keyVault.name });
    return { kind: 'next', record: { ...r, state: { ...r.state, plan: r.state.next, next: undefined } }, notice };
  }
  const buttons = plan.vm ? nextButtons(turn, plan.vm, !!r.state.vmProtected) : {};
  return {
    kind: 'end',
    card: grantResultCard(l, {
      keyVault: plan.keyVault.name,
      keyVaultId: plan.keyVault.id,
      changed: result.changed,
      buttons,
    }),
  };
}
