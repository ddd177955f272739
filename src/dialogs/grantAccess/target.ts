import type { FoundResource, KeyVaultSummary, ResourceKind, ResourceRef, VmSummary } from '../../azure';
import { t, type Locale } from '../../i18n';
import type { DialogDeps } from '../deps';
import type { Choice } from '../flow/types';
import { bySubscriptionThenName } from '../shared';

type VmRef = ResourceRef & { location: string };

/** What the name after `grant access` stands for. */
export type GrantTarget =
  | { kind: 'keyVault'; keyVault: KeyVaultSummary }
  /** `keyVaults`: the subscription's list, so the VM's key vault is known without reading it again. */
  | { kind: 'vm'; vm: VmRef; keyVaults: KeyVaultSummary[] }
  | { kind: 'ambiguous'; choices: Choice[] }
  | { kind: 'classic'; vm: VmSummary }
  | { kind: 'unknown'; keyVaults: KeyVaultSummary[] };

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Resolves a typed name (case-insensitive) with one Resource Graph query for key vaults, VMs and classic VMs of that
 * name: the same one request whatever the size of the estate. A start button that says which kind it carries
 * (`only`) asks for that kind alone. Two matches are asked about, never guessed. Only a name that matches nothing
 * lists the key vaults, to offer them.
 */
export async function resolveTarget(
  deps: DialogDeps,
  l: Locale,
  name: string,
  only?: 'vm' | 'keyVault',
): Promise<GrantTarget> {
  const kinds: ResourceKind[] =
    only === 'keyVault' ? ['keyVault'] : only === 'vm' ? ['vm', 'classicVm'] : ['keyVault', 'vm', 'classicVm'];
  const hits = await deps.azure.lookup.byName(kinds, [name]);
  const kvs = hits.filter((h) => h.kind === 'keyVault').map(keyVaultOf);
  const vms = hits.filter((h) => h.kind === 'vm');
  if (kvs.length + vms.length > 1) {
    return { kind: 'ambiguous', choices: [...kvs.map((k) => keyVaultChoice(l, k, true)), ...vms.map(vmChoice)] };
  }
  if (kvs.length === 1) return { kind: 'keyVault', keyVault: kvs[0] };
  if (vms.length === 1) return { kind: 'vm', vm: vms[0], keyVaults: [] };
  const classic = hits.find((h) => h.kind === 'classicVm');
  if (classic) {
    const vm: VmSummary = {
      ...classic,
      deployment: 'classic',
      encryption: { kind: 'none', sources: [] },
      agent: 'unknown',
    };
    return { kind: 'classic', vm };
  }
  return { kind: 'unknown', keyVaults: await deps.azure.keyVaults.list() };
}

/** A key vault as the look-up found it (its access model from Resource Graph's copy of its properties). */
const keyVaultOf = (h: FoundResource): KeyVaultSummary => ({
  id: h.id,
  name: h.name,
  resourceGroup: h.resourceGroup,
  location: h.location,
  model: h.rbac ? 'rbac' : 'accessPolicy',
});

/** Every key vault of the subscription, by name. */
export const keyVaultChoices = (l: Locale, keyVaults: KeyVaultSummary[]): Choice[] =>
  [...keyVaults].sort(bySubscriptionThenName).map((k) => keyVaultChoice(l, k, false));

/** A key vault as a choice: its ARM id is the value (checked against what was offered), its access model shown. */
function keyVaultChoice(l: Locale, kv: KeyVaultSummary, withKind: boolean): Choice {
  const model = t(l, kv.model === 'rbac' ? 'grant.model.rbac' : 'grant.model.accessPolicy');
  const key = withKind ? 'grant.choice.keyVaultKind' : 'grant.choice.keyVault';
  const title = t(l, key, { name: kv.name, rg: kv.resourceGroup, location: kv.location, model });
  // The subscription's display name when the bot manages several (issue 17).
  return { value: kv.id, title: kv.subscriptionName ? `${title} — ${kv.subscriptionName}` : title };
}

const vmChoice = (vm: VmRef): Choice => ({
  value: vm.id,
  title: `${vm.name} (VM, ${vm.resourceGroup}, ${vm.location})`,
});

const CHOSEN = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/([^/]+\/[^/]+)\/([^/]+)$/i;

/** What an offered choice's value (an ARM id) names: a key vault or a VM. */
export function chosenTarget(id: string): { kind: 'keyVault' | 'vm'; ref: ResourceRef } | undefined {
  const m = CHOSEN.exec(id);
  if (!m) return undefined;
  const [, resourceGroup, type, name] = m;
  const ref = { id, name, resourceGroup };
  if (same(type, 'Microsoft.KeyVault/vaults')) return { kind: 'keyVault', ref };
  if (same(type, 'Microsoft.Compute/virtualMachines')) return { kind: 'vm', ref };
  return undefined;
}
