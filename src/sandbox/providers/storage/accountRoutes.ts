import { sameId } from '../../authorization/rbac';
import { page, resourceId, rgId } from '../../http/arm';
import { notFound } from '../../http/errors';
import type { ProviderContext, Route, SandboxRequest } from '../../http/types';
import type { StorageAccount } from '../../world/types';
import { STORAGE_API_VERSIONS } from '../resources/apiVersions';
import { requireResourceGroup, requireSubscription } from '../resources/common';

export const ACCOUNT_TYPE = 'Microsoft.Storage/storageAccounts';
const RG_PATH =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/storageAccounts';

export const accountId = (ctx: ProviderContext, a: StorageAccount): string =>
  resourceId(ctx.world.subscriptionId, a.resourceGroup, ACCOUNT_TYPE, a.name);

/** The path-style blob endpoint the sandbox serves for an account; @azure/storage-blob reads IP hosts path-style. */
export const blobEndpoint = (ctx: ProviderContext, a: StorageAccount): string => `${ctx.urls.blob}/${a.name}/`;

export function accountBody(ctx: ProviderContext, a: StorageAccount): Record<string, unknown> {
  return {
    id: accountId(ctx, a),
    name: a.name,
    type: ACCOUNT_TYPE,
    location: a.location,
    kind: a.kind,
    sku: { name: a.sku, tier: a.sku.startsWith('Premium') ? 'Premium' : 'Standard' },
    tags: {},
    properties: {
      provisioningState: 'Succeeded',
      primaryEndpoints: { blob: blobEndpoint(ctx, a) },
      primaryLocation: a.location,
      statusOfPrimary: 'available',
      accessTier: 'Hot',
      supportsHttpsTrafficOnly: true,
      allowBlobPublicAccess: false,
      minimumTlsVersion: 'TLS1_2',
      encryption: { keySource: 'Microsoft.Storage', services: { blob: { enabled: true, keyType: 'Account' } } },
      networkAcls: { bypass: 'AzureServices', virtualNetworkRules: [], ipRules: [], defaultAction: 'Allow' },
    },
  };
}

const read = (scope: (req: SandboxRequest) => string) => (req: SandboxRequest) => ({
  action: `${ACCOUNT_TYPE}/read`,
  scope: scope(req),
});

export const accountRoutes: Route[] = [
  {
    id: 'storageAccounts.list',
    method: 'GET',
    path: '/subscriptions/{subscriptionId}/providers/Microsoft.Storage/storageAccounts',
    apiVersions: STORAGE_API_VERSIONS,
    permission: read((req) => `/subscriptions/${req.params.subscriptionId}`),
    handler: (req, ctx) => {
      requireSubscription(req, ctx);
      return {
        status: 200,
        body: page(
          req,
          ctx.world.storageAccounts.map((a) => accountBody(ctx, a)),
          100,
        ),
      };
    },
  },
  {
    id: 'storageAccounts.listByResourceGroup',
    method: 'GET',
    path: RG_PATH,
    apiVersions: STORAGE_API_VERSIONS,
    permission: read((req) => rgId(req.params.subscriptionId, req.params.resourceGroupName)),
    handler: (req, ctx) => {
      const rg = requireResourceGroup(req, ctx);
      const accounts = ctx.world.storageAccounts.filter((a) => sameId(a.resourceGroup, rg.name));
      return {
        status: 200,
        body: page(
          req,
          accounts.map((a) => accountBody(ctx, a)),
          100,
        ),
      };
    },
  },
  {
    id: 'storageAccounts.getProperties',
    method: 'GET',
    path: `${RG_PATH}/{accountName}`,
    apiVersions: STORAGE_API_VERSIONS,
    permission: read(
      (req) =>
        `${rgId(req.params.subscriptionId, req.params.resourceGroupName)}/providers/${ACCOUNT_TYPE}/${req.params.accountName}`,
    ),
    handler: (req, ctx) => {
      const rg = requireResourceGroup(req, ctx);
      const a = ctx.world.storageAccounts.find(
        (x) => sameId(x.resourceGroup, rg.name) && sameId(x.name, req.params.accountName),
      );
      if (!a) throw notFound(ACCOUNT_TYPE, req.params.accountName, rg.name);
      return { status: 200, body: accountBody(ctx, a) };
    },
  },
];
