import type { Permission } from '@azure/arm-authorization';
import type { MissingPermission, PermissionCheck } from '../types';

/** An action the bot needs, the scope it needs it on, and the built-in role that grants it. */
export interface RequiredAction {
  action: string;
  scope: string;
  role: string;
}

/**
 * What creating a VM from restored disks needs on the target resource group (disks are updated, a NIC, the VM and its
 * ADE extension are created, the template is deployed there).
 */
export function restoreActions(targetScope: string, subnetScope: string): RequiredAction[] {
  const vmContributor = 'Virtual Machine Contributor';
  const networkContributor = 'Network Contributor';
  return [
    { action: 'Microsoft.Compute/disks/write', scope: targetScope, role: vmContributor },
    { action: 'Microsoft.Compute/virtualMachines/write', scope: targetScope, role: vmContributor },
    { action: 'Microsoft.Compute/virtualMachines/extensions/write', scope: targetScope, role: vmContributor },
    { action: 'Microsoft.Resources/deployments/write', scope: targetScope, role: vmContributor },
    { action: 'Microsoft.Network/networkInterfaces/write', scope: targetScope, role: networkContributor },
    { action: 'Microsoft.Network/virtualNetworks/subnets/join/action', scope: subnetScope, role: networkContributor },
  ];
}

/**
 * Azure's effective-permission rule for control-plane actions: some role grants the action and that same role does
 * not exclude it (notActions subtract within a role, not across roles).
 */
export function isGranted(permissions: Permission[], action: string): boolean {
  return permissions.some(
    (p) => (p.actions ?? []).some((a) => matches(a, action)) && !(p.notActions ?? []).some((a) => matches(a, action)),
  );
}

/** Checks each required action against the caller's permissions at its scope. */
export function checkActions(required: RequiredAction[], byScope: Map<string, Permission[]>): PermissionCheck {
  const missing: MissingPermission[] = required
    .filter((r) => !isGranted(byScope.get(r.scope.toLowerCase()) ?? [], r.action))
    .map((r) => ({ action: r.action, scope: r.scope, role: r.role }));
  return { allowed: missing.length === 0, missing };
}

/** Azure action patterns: `*` matches any run of characters, case-insensitively. */
function matches(pattern: string, action: string): boolean {
  const escaped = pattern
    .split('*')
    .map((s) => s.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${escaped}$`, 'i').test(action);
}
