import type { VmSummary } from '../azure';
import type { AdaptiveCardJson } from '../cards/render';
import { armId, type PortalRef } from '../cards/portal';
import { t } from '../i18n';
import { checkResultCard, checkVmCard } from './check/cards';
import { runChecks } from './check/checks';
import type { DialogDeps } from './deps';
import { choiceList, PAGE_SIZE, picked, remoteChoiceList } from './flow/list';
import type { Choice, FlowDefinition, Turn } from './flow/types';
import { byName, echo, parseVmId, placeChoice, withSuggestion, words } from './shared';

/** `check [vm]`: one card with every check (read-only; the only question is which VM). */
export function checkFlow(deps: DialogDeps): FlowDefinition<Record<string, never>> {
  return {
    name: 'check',
    steps: { vm: ['check.vm', 'flow.page'] },
    render: (r, view) => checkVmCard(view, r.list!),
    // The VM question pages on the server: one Resource Graph query per page, whatever the estate's size.
    pages: async (_r, filter, page) => vmPage(deps, filter, page),
    async act(_verb, input, r, turn) {
      const choice = picked(r.list!, input)?.[0];
      // The value is the ARM id the question offered (picked() checks it was offered): no list read again.
      const item = choice && parseVmId(choice.value);
      if (!item) return { kind: 'reask', problem: t(turn.locale, 'flow.notOffered') };
      return {
        kind: 'end',
        card: await checkCard(
          deps,
          turn,
          await deps.azure.vms.get(item.id || item.name, item.id ? undefined : item.resourceGroup),
        ),
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
  const all = async () => {
    const { items, total } = await vmPage(deps, '', 0);
    return remoteChoiceList(items, total);
  };
  if (!name) return deps.runtime.begin(turn, 'check', 'vm', {}, await all());
  // One Resource Graph query for the name, whatever the estate's size; the VM list only to offer a choice.
  const [found] = await deps.azure.vms.resolve([name]);
  if (found.kind === 'classic') return checkCard(deps, turn, found.vm);
  if (found.kind === 'ambiguous') {
    const list = choiceList([...found.matches].sort(byName).map(placeChoice));
    return deps.runtime.begin(turn, 'check', 'vm', {}, list, t(turn.locale, 'flow.ambiguous', { name }));
  }
  if (found.kind === 'missing') {
    // A near miss ("vm-web01") is suggested from the VMs sharing its first characters: one small filtered page.
    const near = await deps.azure.vms.page({ contains: name.slice(0, 5), top: PAGE_SIZE, skip: 0 });
    const problem = withSuggestion(
      turn.locale,
      t(turn.locale, 'check.unknown', { name: echo(name) }),
      name,
      near.items,
    );
    return deps.runtime.begin(turn, 'check', 'vm', {}, await all(), { problem });
  }
  return checkCard(
    deps,
    turn,
    await deps.azure.vms.get(found.vm.id || found.vm.name, found.vm.id ? undefined : found.vm.resourceGroup),
  );
}

/** A page of the VM question: every Resource Manager VM whose name contains what was typed, by name. */
async function vmPage(deps: DialogDeps, filter: string, page: number): Promise<{ items: Choice[]; total: number }> {
  const { items, total } = await deps.azure.vms.page({ contains: filter, top: PAGE_SIZE, skip: page * PAGE_SIZE });
  return { items: items.map(placeChoice), total };
}
/** The VM, the vault protecting it and the key vault holding its keys, in the portal. */
const vmLinks = (vm: VmSummary): (PortalRef | undefined)[] => [
  { kind: 'vm', id: vm.deployment === 'classic' ? undefined : vm.id, name: vm.name },
  vm.protection
    ? {
        kind: 'vault',
        id: armId.vault(vm.protection.vaultResourceGroup, vm.protection.vault, vm.protection.vaultSubscriptionId),
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
