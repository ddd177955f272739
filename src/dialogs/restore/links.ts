import { armId, portalLinks, type PortalLink, type PortalRef } from '../../cards/portal';
import type { Locale } from '../../i18n';
import type { RestorePlan } from '../../runs/restorePlan';
import type { FlowVm } from './flow';

/** The protected VM, its vault and the key vault holding its keys, in the portal. */
export function vmLinks(locale: Locale, vm: FlowVm): PortalLink[] {
  return portalLinks(locale, [
    { kind: 'vm', id: vm.id, name: vm.name },
    {
      kind: 'vault',
      id: armId.vault(vm.item.vaultResourceGroup, vm.item.vault, vm.item.vaultSubscriptionId),
      name: vm.item.vault,
    },
    vm.encryption ? { kind: 'keyVault', id: vm.encryption.keyVaultId, name: vm.encryption.keyVaultName } : undefined,
  ]);
}

/** The restored VM's ARM id (the plan names it before it exists). */
export const restoredVmId = (plan: RestorePlan): string =>
  `${plan.targetResourceGroup.id}/providers/Microsoft.Compute/virtualMachines/${plan.newVmName}`;

/**
 * Every resource a restore plan names: the restored VM (once `restored`), the protected VM, its vault, the key vault
 * and the staging account — five links, what Teams shows in one ActionSet without folding.
 */
export function planLinks(locale: Locale, plan: RestorePlan, restored = false): PortalLink[] {
  const refs: (PortalRef | undefined)[] = [
    restored ? { kind: 'restoredVm', id: restoredVmId(plan), name: plan.newVmName } : undefined,
    { kind: 'vm', id: plan.vm.id, name: plan.vm.name },
    {
      kind: 'vault',
      id: armId.vault(plan.item.vaultResourceGroup, plan.item.vault, plan.item.vaultSubscriptionId),
      name: plan.item.vault,
    },
    plan.encryption
      ? { kind: 'keyVault', id: plan.encryption.keyVault.id, name: plan.encryption.keyVault.name }
      : undefined,
    { kind: 'storage', id: plan.staging.id, name: plan.staging.name },
  ];
  return portalLinks(locale, refs);
}
