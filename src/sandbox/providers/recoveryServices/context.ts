import type { Engine, Operation } from '../../engine';
import { resourceId } from '../../http/arm';
import { AzureError, notFound, resourceGroupNotFound } from '../../http/errors';
import type { ProviderContext, Route, SandboxRequest, SandboxResponse } from '../../http/types';
import { sameId } from '../../authorization/rbac';
import type { RecoveryVault, World } from '../../world/types';
import { BACKUP_API_VERSIONS } from './apiVersions';

/** Every vault-scoped Backup path starts here (ARM matches the literal segments case-insensitively). */
export const VAULT_PATH =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.RecoveryServices/vaults/{vaultName}';
export const ITEM_PATH = `${VAULT_PATH}/backupFabrics/{fabricName}/protectionContainers/{containerName}/protectedItems/{protectedItemName}`;

export const VAULT_TYPE = 'Microsoft.RecoveryServices/vaults';

export const vaultId = (world: World, v: RecoveryVault): string =>
  resourceId(world.subscriptionId, v.resourceGroup, VAULT_TYPE, v.name);

/** The vault the URL names, as ARM resolves it: subscription, then resource group, then the vault. */
export function vaultOf(req: SandboxRequest, ctx: ProviderContext): RecoveryVault {
  const { world } = ctx;
  const { subscriptionId, resourceGroupName, vaultName } = req.params;
  if (!sameId(subscriptionId, world.subscriptionId)) {
    throw new AzureError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
  }
  if (!world.resourceGroups.some((g) => sameId(g.name, resourceGroupName)))
    throw resourceGroupNotFound(resourceGroupName);
  const vault = world.recoveryVaults.find(
    (v) => sameId(v.name, vaultName) && sameId(v.resourceGroup, resourceGroupName),
  );
  if (!vault) throw notFound(VAULT_TYPE, vaultName, resourceGroupName);
  return vault;
}

/** A route under a vault, checked against `action` at the vault's scope (Backup's RBAC actions are vault-scoped). */
export function vaultRoute(
  id: string,
  method: Route['method'],
  subPath: string,
  action: string,
  handler: (
    req: SandboxRequest,
    ctx: ProviderContext,
    vault: RecoveryVault,
  ) => SandboxResponse | Promise<SandboxResponse>,
): Route {
  return {
    id,
    method,
    path: `${VAULT_PATH}${subPath}`,
    apiVersions: BACKUP_API_VERSIONS,
    permission: (req) => ({
      action,
      scope: resourceId(req.params.subscriptionId, req.params.resourceGroupName, VAULT_TYPE, req.params.vaultName),
    }),
    handler: (req, ctx) => handler(req, ctx, vaultOf(req, ctx)),
  };
}

/** What an operation id stands for, so a vault only answers for its own operations. */
export interface OperationMeta {
  vault: string;
  kind: 'refresh' | 'item';
  /** Item operations: the (lower-cased) protected item name it was started on. */
  item?: string;
}

const registries = new WeakMap<Engine, Map<string, OperationMeta>>();

export function trackOperation(engine: Engine, op: Operation, meta: OperationMeta): Operation {
  let map = registries.get(engine);
  if (!map) registries.set(engine, (map = new Map()));
  map.set(op.id.toLowerCase(), meta);
  return op;
}

export function operationOf(
  ctx: ProviderContext,
  id: string,
  vault: RecoveryVault,
  kind: OperationMeta['kind'],
): { op: Operation; meta: OperationMeta } | undefined {
  const meta = registries.get(ctx.engine)?.get(id.toLowerCase());
  const op = ctx.engine.getOperation(id);
  if (!meta || !op || meta.kind !== kind || !sameId(meta.vault, vault.name)) return undefined;
  return { op, meta };
}
