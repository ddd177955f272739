import { isAllowed, sameId } from '../../authorization/rbac';
import { AzureError, backupNotFound } from '../../http/errors';
import type { ProviderContext, SandboxRequest } from '../../http/types';
import type { ProtectedItem, RecoveryVault, VirtualMachine } from '../../world/types';
import { vaultId } from './context';
import { protectableVms } from './containers';
import { invalidConfigureProtection, linkedAuthorizationFailed } from './errors';
import { findVm, itemFor, vmResourceId, type VmName } from './names';

export type ProtectionChange =
  { kind: 'stop'; item: ProtectedItem } | { kind: 'protect'; vm: VirtualMachine; vmId: string; policyName: string };

const ITEM_WRITE = 'Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/write';

/**
 * Checks a protected-item PUT as Azure Backup does: the body's shape, the VM it names (Resource Manager, existing,
 * discovered by this vault, in the vault's region, not protected by another vault), the caller's write permission on
 * the VM (a linked check), the policy, and disk exclusion on encrypted VMs. Stopping protection (protectionState
 * 'ProtectionStopped' or an empty policyId) needs only the existing item.
 */
export function validateProtection(
  req: SandboxRequest,
  ctx: ProviderContext,
  v: RecoveryVault,
  ref: VmName,
): ProtectionChange {
  const { world } = ctx;
  const p = req.body?.properties;
  if (!p || typeof p !== 'object') throw invalidConfigureProtection("The request body must have 'properties'.");
  const existing = itemFor(world, v.name, ref);
  if (p.protectionState === 'ProtectionStopped' || p.policyId === '') {
    if (!existing) throw backupNotFound(`Protected item '${req.params.protectedItemName}'`);
    return { kind: 'stop', item: existing };
  }
  if (ref.classic || p.protectedItemType === 'Microsoft.ClassicCompute/virtualMachines') {
    throw invalidConfigureProtection(
      'Classic (Microsoft.ClassicCompute) virtual machines cannot be protected: only Resource Manager VMs can.',
    );
  }
  if (p.protectedItemType !== 'Microsoft.Compute/virtualMachines') {
    throw invalidConfigureProtection("protectedItemType must be 'Microsoft.Compute/virtualMachines'.");
  }
  if (typeof p.sourceResourceId !== 'string' || typeof p.policyId !== 'string') {
    throw invalidConfigureProtection('sourceResourceId and policyId are required.');
  }
  const vm = findVm(world, ref);
  const vmId = vm ? vmResourceId(world, vm) : undefined;
  if (!vm || vm.kind !== 'arm' || !sameId(vmId, p.sourceResourceId)) {
    throw invalidConfigureProtection(
      `Please ensure that container exists: no virtual machine '${p.sourceResourceId}' matches '${req.params.containerName}'.`,
    );
  }
  const caller = req.caller;
  if (
    caller &&
    !isAllowed(world, caller.objectId, { action: 'Microsoft.Compute/virtualMachines/write', scope: vmId! })
  ) {
    throw linkedAuthorizationFailed(
      caller,
      ITEM_WRITE,
      vaultId(world, v),
      'Microsoft.Compute/virtualMachines/write',
      vmId!,
    );
  }
  if (!sameId(vm.location, v.location)) {
    throw invalidConfigureProtection(
      `The virtual machine is in '${vm.location}' and the vault in '${v.location}': a VM can only be protected by a vault in its own region.`,
    );
  }
  const other = world.protectedItems.find((x) => !sameId(x.vault, v.name) && sameId(x.vmId, vmId));
  if (other) {
    // The code name is the sandbox's (Azure's is not published); the message is the one Backup gives.
    throw new AzureError(
      400,
      'BMSUserErrorAlreadyProtectedByOtherVault',
      `Virtual machine is already registered with another recovery services vault ('${other.vault}'). Please select a different virtual machine for registration.`,
    );
  }
  if (!existing && !protectableVms(ctx, v).some((x) => x.vm === vm)) {
    throw invalidConfigureProtection(
      'Please ensure that container exists: the vault has not discovered this virtual machine yet (refresh the protection containers first).',
    );
  }
  const policyPrefix = `${vaultId(world, v)}/backupPolicies/`;
  const policyName = p.policyId.toLowerCase().startsWith(policyPrefix.toLowerCase())
    ? p.policyId.slice(policyPrefix.length)
    : undefined;
  const policy = policyName
    ? world.policies.find((x) => sameId(x.vault, v.name) && sameId(x.name, policyName))
    : undefined;
  if (!policy) throw invalidConfigureProtection(`The policy '${p.policyId}' does not exist in vault '${v.name}'.`);
  if (p.extendedProperties?.diskExclusionProperties && vm.encryption) {
    throw new AzureError(
      400,
      'UserErrorEncryptedVmNotSupportedWithDiskEx',
      'Disk exclusion is not supported for encrypted virtual machines.',
    );
  }
  return { kind: 'protect', vm, vmId: vmId!, policyName: policy.name };
}
