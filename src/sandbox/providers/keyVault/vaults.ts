import { sameId } from '../../authorization/rbac';
import { page, resourceId, rgId } from '../../http/arm';
import { AzureError, notFound, resourceGroupNotFound } from '../../http/errors';
import type { Route, SandboxRequest } from '../../http/types';
import type { KeyVault, World } from '../../world/types';

/**
 * Microsoft.KeyVault/vaults api-versions published from 2019 on (stable and preview); arm-keyvault 5 sends
 * 2026-02-01. (vaults.list goes to the generic /resources endpoint, served by the resources provider.)
 */
export const KEY_VAULT_API_VERSIONS = [
  '2019-09-01',
  '2020-04-01-preview',
  '2021-04-01-preview',
  '2021-06-01-preview',
  '2021-10-01',
  '2021-11-01-preview',
  '2022-02-01-preview',
  '2022-07-01',
  '2022-11-01',
  '2023-02-01',
  '2023-07-01',
  '2024-04-01-preview',
  '2024-11-01',
  '2024-12-01-preview',
  '2025-05-01',
  '2026-02-01',
  '2026-03-01-preview',
  '2026-04-01-preview',
];

export const VAULT_TYPE = 'Microsoft.KeyVault/vaults';
const READ = 'Microsoft.KeyVault/vaults/read';

export const vaultId = (world: World, kv: KeyVault): string =>
  resourceId(world.subscriptionId, kv.resourceGroup, VAULT_TYPE, kv.name);

export function checkSubscription(world: World, sub: string): void {
  if (!sameId(sub, world.subscriptionId))
    throw new AzureError(404, 'SubscriptionNotFound', `The subscription '${sub}' could not be found.`);
}

/** An existing vault by resource group and name; a deleted one (kv-ade-gone) is a 404 like any unknown name. */
export function findVault(world: World, sub: string, rg: string, name: string): KeyVault {
  checkSubscription(world, sub);
  const kv = world.keyVaults.find((k) => k.exists && sameId(k.resourceGroup, rg) && sameId(k.name, name));
  if (!kv) throw notFound(VAULT_TYPE, name, rg);
  return kv;
}

export function vaultBody(world: World, kv: KeyVault): Record<string, unknown> {
  return {
    id: vaultId(world, kv),
    name: kv.name,
    type: VAULT_TYPE,
    location: kv.location,
    tags: {},
    properties: {
      tenantId: world.tenantId,
      sku: { family: 'A', name: 'standard' },
      accessPolicies: kv.accessPolicies.map((p) => structuredClone(p)),
      enabledForDeployment: false,
      enabledForDiskEncryption: true,
      enabledForTemplateDeployment: false,
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      enableRbacAuthorization: kv.rbac,
      vaultUri: kv.vaultUri,
      provisioningState: 'Succeeded',
      publicNetworkAccess: 'Enabled',
    },
  };
}

function listed(req: SandboxRequest, world: World, vaults: KeyVault[]) {
  const top = Number(req.query.get('$top') ?? 0);
  const size = Number.isInteger(top) && top > 0 ? Math.min(top, 1000) : 100;
  return {
    status: 200,
    body: page(
      req,
      vaults.map((kv) => vaultBody(world, kv)),
      size,
    ),
  };
}

export const vaultRoutes: Route[] = [
  {
    id: 'keyVault.vaults.get',
    method: 'GET',
    path: '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.KeyVault/vaults/{vaultName}',
    apiVersions: KEY_VAULT_API_VERSIONS,
    permission: (req) => ({
      action: READ,
      scope: resourceId(req.params.subscriptionId, req.params.resourceGroupName, VAULT_TYPE, req.params.vaultName),
    }),
    handler: (req, ctx) => {
      const { subscriptionId, resourceGroupName, vaultName } = req.params;
      return {
        status: 200,
        body: vaultBody(ctx.world, findVault(ctx.world, subscriptionId, resourceGroupName, vaultName)),
      };
    },
  },
  {
    id: 'keyVault.vaults.listByResourceGroup',
    method: 'GET',
    path: '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.KeyVault/vaults',
    apiVersions: KEY_VAULT_API_VERSIONS,
    permission: (req) => ({ action: READ, scope: rgId(req.params.subscriptionId, req.params.resourceGroupName) }),
    handler: (req, ctx) => {
      const { subscriptionId, resourceGroupName } = req.params;
      checkSubscription(ctx.world, subscriptionId);
      if (!ctx.world.resourceGroups.some((r) => sameId(r.name, resourceGroupName)))
        throw resourceGroupNotFound(resourceGroupName);
      return listed(
        req,
        ctx.world,
        ctx.world.keyVaults.filter((k) => k.exists && sameId(k.resourceGroup, resourceGroupName)),
      );
    },
  },
  {
    id: 'keyVault.vaults.listBySubscription',
    method: 'GET',
    path: '/subscriptions/{subscriptionId}/providers/Microsoft.KeyVault/vaults',
    apiVersions: KEY_VAULT_API_VERSIONS,
    permission: (req) => ({ action: READ, scope: `/subscriptions/${req.params.subscriptionId}` }),
    handler: (req, ctx) => {
      checkSubscription(ctx.world, req.params.subscriptionId);
      return listed(
        req,
        ctx.world,
        ctx.world.keyVaults.filter((k) => k.exists),
      );
    },
  },
];
