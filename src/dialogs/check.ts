import type { VmSummary } from '../azure';
import type { AdaptiveCardJson } from '../cards/render';
import { armId, type PortalRef } from '../cards/portal';
import { t } from '../i18n';
import { checkResultCard, checkVmCard } from './check/cards';
import { runChecks } from './check/checks';
import type { DialogDeps } from './deps';
import { choiceList, picked } from './flow/list';
import type { FlowDefinition, Turn } from './flow/types';
import { byName, lookUpVms, vmChoice, words } from './shared';

/** `check [vm]`: one card with every check (read-only; the only question is which VM). */
export function checkFlow(deps: DialogDeps): FlowDefinition<Record<string, never>> {
  return {
    name: 'check',
    steps: { vm: ['check.vm', 'flow.page'] },
    render: (r, view) => checkVmCard(view, r.list!),
    async act(_verb, input, r, turn) {
      const choice = picked(r.list!, input)?.[0];
      const item = choice && (await deps.azure.vms.list()).find((v) => v.id === choice.value);
      if (!item) return { kind: 'reask', problem: t(turn.locale, 'flow.notOffered') };
      return {
        kind: 'end',
        card: await checkCard(deps, turn, await deps.azure.vms.get(item.name, item.resourceGroup)),
      };
    },
  };
}

export async function startCheck(
  deps: DialogDeps,
  turn: Turn,
  args: string,
  data: { vm?: string } = {},
): Promise<AdaptiveCardJson> {
  const name = data.vm ?? words(args)[0];
  const vms = await deps.azure.vms.list();
  const all = () => choiceList([...vms].sort(byName).map(vmChoice));
  if (!name) return deps.runtime.begin(turn, 'check', 'vm', {}, all());
  const [found] = await lookUpVms(deps, [name], vms);
  if (found.kind === 'classic') return checkCard(deps, turn, found.vm);
  if (found.kind === 'ambiguous') {
    const list = choiceList(found.matches.map(vmChoice));
    return deps.runtime.begin(turn, 'check', 'vm', {}, list, t(turn.locale, 'flow.ambiguous', { name }));
  }
  if (found.kind === 'missing')
    return deps.runtime.begin(turn, 'check', 'vm', {}, all(), t(turn.locale, 'check.unknown', { name }));
  return checkCard(deps, turn, await deps.azure.vms.get(found.vm.name, found.vm.resourceGroup));
}

/** The VM, the vault protecting it and the key vault holding its keys, in the portal. */
const vmLinks = (vm: VmSummary): (PortalRef | undefined)[] => [
  { kind: 'vm', id: vm.deployment === 'classic' ? undefined : vm.id, name: vm.name },
  vm.protection
    ? {
        kind: 'vault',
        id: armId.vault(vm.protection.vaultResourceGroup, vm.protection.vault),
        name: vm.protection.vault,
      }
    : undefined,
  vm.encryption.keyVault
    ? { kind: 'keyVault', id: vm.encryption.keyVault.id, name: vm.encryption.keyVault.name }
    : undefined,
];

async function checkCard(deps: DialogDeps, turn: Turn, vm: VmSummary): Promise<AdaptiveCardJson> {
  const { rows, buttons } = await runChecks(deps, turn.locale, vm);
  return checkResultCard(turn.locale, vm.name, rows, buttons, vmLinks(vm));
}
