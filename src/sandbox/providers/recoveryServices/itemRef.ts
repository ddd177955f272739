import { sameId } from '../../authorization/rbac';
import { backupNotFound } from '../../http/errors';
import type { ProviderContext, SandboxRequest } from '../../http/types';
import type { ProtectedItem, RecoveryVault } from '../../world/types';
import { checkFabric } from './containers';
import { invalidInput } from './errors';
import { itemFor, parseContainerName, parseItemName, type VmName } from './names';

/** The VM a protected-item URL names: container and item name must agree (compared case-insensitively). */
export function itemRefOf(req: SandboxRequest): VmName {
  checkFabric(req);
  const { containerName, protectedItemName } = req.params;
  const c = parseContainerName(containerName);
  const i = parseItemName(protectedItemName);
  if (!c || !i)
    throw invalidInput(`'${containerName}' / '${protectedItemName}' are not IaaS VM container and item names.`);
  if (!sameId(c.resourceGroup, i.resourceGroup) || !sameId(c.name, i.name) || c.classic !== i.classic) {
    throw invalidInput(`The protected item '${protectedItemName}' does not belong to container '${containerName}'.`);
  }
  return i;
}

/** The protected item the URL names, or Backup's not-found. */
export function protectedItemOf(req: SandboxRequest, ctx: ProviderContext, v: RecoveryVault): ProtectedItem {
  const ref = itemRefOf(req);
  const item = itemFor(ctx.world, v.name, ref);
  if (!item) throw backupNotFound(`Protected item '${req.params.protectedItemName}'`);
  return item;
}
