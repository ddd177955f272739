import { explain, subscriptionOf, UnsupportedVmError, type VaultSummary, type VmSummary } from '../azure';
import { armId } from '../cards/portal';
import type { AdaptiveCardJson } from '../cards/render';
import { t } from '../i18n';
import type { DialogDeps } from './deps';
import { applyGrant, grantNeed } from './grantAccess/plan';
import { grantConfirmCard } from './grantAccess/cards';
import {
  confirmCard,
  newPolicyCard,
  policyCard,
  precheckCard,
  resultCard,
  vaultCard,
  vmsCard,
} from './enableBackup/cards';
import { enableProtection, initialResults } from './enableBackup/apply';
import { NEW_POLICY, policyChoices, readNewPolicy } from './enableBackup/policy';
import { precheck, vmFacts, vmRefOf, type VaultPick, type VmFacts, type VmRef } from './enableBackup/precheck';
import type { EnableState } from './enableBackup/state';
import { explainCard, noticeCard } from './flow/cards';
import { choiceList, PAGE_SIZE, picked, remoteChoiceList } from './flow/list';
import type { Choice, FlowDefinition, FlowRecord, Input, Outcome, Turn } from './flow/types';
import { auditWho, bySubscriptionThenName, placeChoice, placeTitle, words } from './shared';

type Rec = FlowRecord<EnableState>;

const vaultChoice = (v: VaultSummary) => ({ value: v.id, title: placeTitle(v) });
const vaultPick = (v: VaultSummary): VaultPick => ({
  id: v.id,
  name: v.name,
  resourceGroup: v.resourceGroup,
  location: v.location,
});

/**
 * `enable backup [vm…]`: vault in the VM's region → policy (the vault's default, another, or a new one) → VMs
 * (unprotected, in the vault's region; skipped when named in the command) → a pre-check per VM (with the key vault
 * grant inline) → confirmation of exactly what will change → enable, after the reply, updating the card in place.
 */
export function enableBackupFlow(deps: DialogDeps): FlowDefinition<EnableState> {
  return {
    name: 'enableBackup',
    steps: {
      vault: ['enableBackup.vault', 'flow.page'],
      policy: ['enableBackup.policy', 'flow.page'],
      newPolicy: ['enableBackup.newPolicy', 'flow.back'],
      vms: ['enableBackup.vms', 'flow.page'],
      precheck: ['enableBackup.precheck', 'enableBackup.grant'],
      grant: ['grantAccess.confirm', 'flow.back'],
      confirm: ['enableBackup.confirm'],
    },
    render(r, view) {
      switch (r.step) {
        case 'vault':
          return vaultCard(r, view);
        case 'policy':
          return policyCard(r, view);
        case 'newPolicy':
          return newPolicyCard(r, view);
        case 'vms':
          return vmsCard(r, view);
        case 'grant':
          return grantConfirmCard(view, r.state.grant!, { inline: true });
        case 'confirm':
          return confirmCard(r, view);
        default:
          return precheckCard(r, view);
      }
    },
    pages: (r, filter, page) => unprotectedVmPage(deps, r.state, filter, page),
    act: (verb, input, r, turn) => act(deps, verb, input, r, turn),
  };
}

/**
 * Starts the flow for a typed command (or a start button): VMs named up front skip their question. Calls: one VM
 * list to resolve the names, a VM read for a single VM (its facts go on to the pre-check), the vault list.
 */
export async function startEnableBackup(deps: DialogDeps, turn: Turn, args: string): Promise<AdaptiveCardJson> {
  const l = turn.locale;
  const names = words(args);
  const state: EnableState = { requested: [], unknown: [], policyNames: [], checks: [] };
  if (names.length) {
    const found = await deps.azure.vms.resolve(names);
    const classic = found.find((f) => f.kind === 'classic');
    if (classic && names.length === 1) {
      return explainCard(l, explain(new UnsupportedVmError('ClassicVmNotSupported', names[0], ''), l), {
        subject: names[0],
      });
    }
    found.forEach((f, i) => {
      if (f.kind === 'found') state.requested.push({ id: f.vm.id, name: f.vm.name, resourceGroup: f.vm.resourceGroup });
      else state.unknown.push(f.kind === 'classic' ? f.vm.name : names[i]);
    });
    if (state.requested.length === 1) {
      const ref = state.requested[0];
      const vm = await deps.azure.vms.get(ref.id || ref.name, ref.id ? undefined : ref.resourceGroup);
      const refused = refusedUpFront(deps, turn, vm);
      if (refused) return refused;
      state.requested = [vmFacts(vm, ref)];
    }
    for (const f of found) if (f.kind === 'found' && !state.region) state.region = f.vm.location;
    // Backup protects a VM from a vault in its own subscription (issue 17): only those vaults are offered.
    const first = found.find((f) => f.kind === 'found');
    if (first?.kind === 'found') state.subscriptionId = subscriptionOf(first.vm.id);
  }
  const vaults = (
    await deps.azure.vaults.list({
      ...(state.region ? { location: state.region } : {}),
      ...(state.subscriptionId ? { subscriptionId: state.subscriptionId } : {}),
    })
  ).filter((v) => !state.subscriptionId || subscriptionOf(v.id)?.toLowerCase() === state.subscriptionId.toLowerCase());
  if (vaults.length === 0) {
    return noticeCard(l, {
      title: t(l, 'enable.noVault.title'),
      text: t(l, 'enable.noVault.text', { region: state.region ?? '-' }),
      tone: 'attention',
    });
  }
  const sorted = [...vaults].sort(bySubscriptionThenName);
  const choices = sorted.map(vaultChoice);
  return deps.runtime.begin(
    turn,
    'enableBackup',
    'vault',
    { ...state, vaults: sorted.map(vaultPick) },
    choiceList(choices, { selected: [choices[0].value] }),
  );
}

/**
 * One VM named up front that cannot be protected (BEK-only, already protected) is answered at once with the
 * catalogue's explanation, before any question.
 */
function refusedUpFront(deps: DialogDeps, turn: Turn, vm: VmSummary): AdaptiveCardJson | undefined {
  const l = turn.locale;
  if (vm.encryption.kind === 'bek' && !deps.allowBekOnly) {
    return explainCard(l, explain(new UnsupportedVmError('BekOnlyNotSupported', vm.name, ''), l), {
      subject: vm.name,
      links: [{ kind: 'vm', id: vm.id, name: vm.name }],
    });
  }
  if (vm.protection) {
    return noticeCard(l, {
      title: t(l, 'enable.check.protected.title'),
      text: t(l, 'enable.check.protected.cause', { vm: vm.name, vault: vm.protection.vault }),
      buttons: {
        backup: { title: t(l, 'flow.fix.backupNow'), data: { vm: vm.name } },
        check: { title: t(l, 'flow.fix.check'), data: { vm: vm.name } },
      },
      links: [
        { kind: 'vm', id: vm.id, name: vm.name },
        {
          kind: 'vault',
          id: armId.vault(vm.protection.vaultResourceGroup, vm.protection.vault, vm.protection.vaultSubscriptionId),
          name: vm.protection.vault,
        },
      ],
    });
  }
  return undefined;
}

async function act(deps: DialogDeps, verb: string, input: Input, r: Rec, turn: Turn): Promise<Outcome<EnableState>> {
  const l = turn.locale;
  const s = r.state;
  const next = (step: string, state: EnableState, list?: Rec['list'], notice?: string): Outcome<EnableState> => ({
    kind: 'next',
    record: { ...r, step, state, list },
    notice,
  });
  const notOffered = { kind: 'reask', problem: t(l, 'flow.notOffered') } as const;

  switch (verb) {
    case 'enableBackup.vault': {
      const choice = picked(r.list!, input)?.[0];
      if (!choice) return notOffered;
      // The vault as the question listed it (records from before the list was kept: listed again).
      const vault =
        s.vaults?.find((v) => v.id === choice.value) ??
        (await deps.azure.vaults.list()).map(vaultPick).find((v) => v.id === choice.value);
      if (!vault) return notOffered;
      return policyStep(deps, r, { ...s, vault }, turn);
    }
    case 'enableBackup.policy': {
      const choice = picked(r.list!, input)?.[0];
      if (!choice) return notOffered;
      if (choice.value === NEW_POLICY) return next('newPolicy', s);
      const policy =
        s.policies?.find((p) => p.name === choice.value) ?? (await deps.azure.policies.get(vaultRef(s), choice.value));
      return afterPolicy(deps, r, { ...s, policy: { kind: 'existing', name: policy.name, summary: policy } }, turn);
    }
    case 'enableBackup.newPolicy': {
      const read = readNewPolicy(l, input, s.policyNames);
      if (!read.spec) return { kind: 'reask', problem: read.problem! };
      return afterPolicy(deps, r, { ...s, policy: { kind: 'new', name: read.spec.name, spec: read.spec } }, turn);
    }
    case 'enableBackup.vms': {
      const chosen = picked(r.list!, input);
      if (!chosen) return notOffered;
      if (chosen.length === 0) return { kind: 'reask', problem: t(l, 'enable.vms.none') };
      // The offered values are VM ids: name and resource group follow from them.
      const refs = chosen.map((c) => vmRefOf(c.value)).filter((v) => v !== undefined);
      return precheckStep(deps, r, s, refs);
    }
    case 'enableBackup.grant': {
      const check = s.checks.find((c) => c.id === input.vm && c.verdict === 'needsGrant');
      if (!check?.keyVault) return notOffered;
      const need = await grantNeed(deps, check.keyVault, check.encryption, check.name);
      if (need.kind !== 'plan')
        return precheckStep(deps, r, s, s.checks, t(l, 'grant.already', { keyVault: check.keyVault.name }));
      return next('grant', { ...s, grant: need.plan });
    }
    case 'grantAccess.confirm': {
      const plan = s.grant!;
      const result = await applyGrant(deps, turn, plan);
      const notice = t(l, result.changed ? 'enable.grant.done' : 'grant.already', { keyVault: plan.keyVault.name });
      return precheckStep(deps, r, { ...s, grant: undefined }, s.checks, notice);
    }
    case 'flow.back':
      if (r.step === 'grant') return next('precheck', { ...s, grant: undefined });
      return policyStep(deps, r, s, turn);
    case 'enableBackup.precheck': {
      if (!s.checks.some((c) => c.verdict === 'ready'))
        return { kind: 'reask', problem: t(l, 'enable.check.noneReady') };
      return next('confirm', s);
    }
    case 'enableBackup.confirm': {
      const vms = s.checks.filter((c) => c.verdict === 'ready');
      const work = { locale: l, who: auditWho(turn), vault: s.vault!, policy: s.policy!, vms };
      return {
        kind: 'end',
        card: resultCard(l, {
          vault: s.vault!.name,
          vaultResourceGroup: s.vault!.resourceGroup,
          policy: s.policy!.name,
          results: initialResults(vms),
        }),
        after: (card) => enableProtection(deps, work, card),
      };
    }
    default:
      return { kind: 'reask', problem: t(l, 'flow.notOffered') };
  }
}

const vaultRef = (s: EnableState) => ({
  name: s.vault!.name,
  resourceGroup: s.vault!.resourceGroup,
  subscriptionId: subscriptionOf(s.vault!.id),
});

async function policyStep(deps: DialogDeps, r: Rec, s: EnableState, turn: Turn): Promise<Outcome<EnableState>> {
  const policies = await deps.azure.policies.list(vaultRef(s));
  const choices = policyChoices(turn.locale, policies);
  const preselect = policies.find((p) => p.isDefault)?.name ?? choices[0].value;
  const list = choiceList(choices, { selected: [preselect] });
  const offered = policies.map(({ name, frequency, time, days, retention, retentionUnit }) => ({
    name,
    frequency,
    time,
    days,
    retention,
    retentionUnit,
  }));
  return {
    kind: 'next',
    record: {
      ...r,
      step: 'policy',
      state: { ...s, policyNames: policies.map((p) => p.name), policies: offered },
      list,
    },
  };
}

/** After the policy: the VMs named up front go straight to their pre-check; else the VM question. */
async function afterPolicy(deps: DialogDeps, r: Rec, s: EnableState, turn: Turn): Promise<Outcome<EnableState>> {
  if (s.requested.length) return precheckStep(deps, r, s, s.requested);
  // The VM question pages on the server (Resource Graph: the vault's region, what was typed, the protected VMs left
  // out), so it costs the same whatever the estate's size.
  const { items, total } = await unprotectedVmPage(deps, s, '', 0);
  if (total === 0) {
    const l = turn.locale;
    const card = noticeCard(l, {
      title: t(l, 'enable.vms.noneLeft.title'),
      text: t(l, 'enable.vms.noneLeft.text', { region: s.vault!.location }),
    });
    return { kind: 'end', card };
  }
  return {
    kind: 'next',
    record: { ...r, step: 'vms', state: s, list: remoteChoiceList(items, total, { multi: true }) },
  };
}

/**
 * A page of the VM question: the Resource Manager VMs in the vault's region whose name contains `filter`, by name,
 * without those Backup already protects (read from the vaults' protected items, not from a VM list).
 */
async function unprotectedVmPage(
  deps: DialogDeps,
  s: EnableState,
  filter: string,
  page: number,
): Promise<{ items: Choice[]; total: number }> {
  const protectedIds = (await deps.azure.vms.listProtected()).map((v) => v.id);
  const { items, total } = await deps.azure.vms.page({
    contains: filter,
    location: s.vault!.location,
    // The vault's subscription only: Backup protects VMs of the vault's own subscription.
    subscriptionId: subscriptionOf(s.vault!.id),
    excludeIds: protectedIds,
    top: PAGE_SIZE,
    skip: page * PAGE_SIZE,
  });
  return { items: items.map(placeChoice), total };
}

async function precheckStep(
  deps: DialogDeps,
  r: Rec,
  s: EnableState,
  vms: (VmRef | VmFacts)[],
  notice?: string,
): Promise<Outcome<EnableState>> {
  const checks = await Promise.all(vms.map((vm) => precheck(deps, s.vault!, vm)));
  return { kind: 'next', record: { ...r, step: 'precheck', state: { ...s, checks }, list: undefined }, notice };
}
