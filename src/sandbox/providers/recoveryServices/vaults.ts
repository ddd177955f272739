import { sameId } from '../../authorization/rbac';
import { page, rgId } from '../../http/arm';
import { AzureError, resourceGroupNotFound } from '../../http/errors';
import type { ProviderContext, Route, SandboxRequest } from '../../http/types';
import { VAULT_API_VERSIONS } from './apiVersions';
import { VAULT_PATH, vaultOf } from './context';
import { vaultBody } from './shapes';

/** Recovery Services vaults, as @azure/arm-recoveryservices 7.2.0 reads them (paths from its vaults/operations.js). */
const READ = 'Microsoft.RecoveryServices/Vaults/read';
const PAGE = 100;

function checkSubscription(req: SandboxRequest, ctx: ProviderContext): void {
  if (!sameId(req.params.subscriptionId, ctx.world.subscriptionId)) {
    throw new AzureError(
      404,
      'SubscriptionNotFound',
      `The subscription '${req.params.subscriptionId}' could not be found.`,
    );
  }
}

export const vaultRoutes: Route[] = [
  {
    id: 'recoveryServices.vaults.listBySubscription',
    method: 'GET',
    path: '/subscriptions/{subscriptionId}/providers/Microsoft.RecoveryServices/vaults',
    apiVersions: VAULT_API_VERSIONS,
    permission: (req) => ({ action: READ, scope: `/subscriptions/${req.params.subscriptionId}` }),
    handler: (req, ctx) => {
      checkSubscription(req, ctx);
      return {
        status: 200,
        body: page(
          req,
          ctx.world.recoveryVaults.map((v) => vaultBody(ctx.world, v)),
          PAGE,
        ),
      };
    },
  },
  {
    id: 'recoveryServices.vaults.listByResourceGroup',
    method: 'GET',
    path: '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.RecoveryServices/vaults',
    apiVersions: VAULT_API_VERSIONS,
    permission: (req) => ({ action: READ, scope: rgId(req.params.subscriptionId, req.params.resourceGroupName) }),
    handler: (req, ctx) => {
      checkSubscription(req, ctx);
      const rg = req.params.resourceGroupName;
      if (!ctx.world.resourceGroups.some((g) => sameId(g.name, rg))) throw resourceGroupNotFound(rg);
      const vaults = ctx.world.recoveryVaults
        .filter((v) => sameId(v.resourceGroup, rg))
        .map((v) => vaultBody(ctx.world, v));
      return { status: 200, body: page(req, vaults, PAGE) };
    },
  },
  {
    id: 'recoveryServices.vaults.get',
    method: 'GET',
    path: VAULT_PATH,
    apiVersions: VAULT_API_VERSIONS,
    permission: (req) => ({
      action: READ,
      scope: `${rgId(req.params.subscriptionId, req.params.resourceGroupName)}/providers/Microsoft.RecoveryServices/vaults/${req.params.vaultName}`,
    }),
    handler: (req, ctx) => ({ status: 200, body: vaultBody(ctx.world, vaultOf(req, ctx)) }),
  },
];
