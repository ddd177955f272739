import type { ProviderContext, Route, SandboxRequest } from '../http/types';
import { hasAnyRole } from '../world/subscriptions';
import type { Provider } from './provider';

/**
 * Microsoft.Resources subscriptions: GET /subscriptions, the subscriptions the caller holds any role in.
 * Shape from Subscriptions - List (https://learn.microsoft.com/rest/api/resources/subscriptions/list?view=rest-resources-2022-12-01;
 * azure-rest-api-specs specification/resources/resource-manager/Microsoft.Resources/stable/2022-12-01/examples/GetSubscriptions.json):
 * `value` of { id, authorizationSource, managedByTenants, subscriptionId, tenantId, displayName, state,
 * subscriptionPolicies }, and `count` { type: 'Total', value }. The sandbox always answers in one page (no nextLink).
 * No permission is needed to call it; what it lists follows the caller's role assignments. Whether a role below the
 * subscription (on a resource group only) is enough for ARM to list it: no Microsoft page found states it; the
 * sandbox lists a subscription for any role at any scope in it.
 */
export const SUBSCRIPTIONS_API_VERSIONS = ['2016-06-01', '2020-01-01', '2021-01-01', '2022-12-01'] as const;

function list(req: SandboxRequest, ctx: ProviderContext) {
  const worlds = ctx.worlds ?? [ctx.world];
  const caller = req.caller;
  const visible = worlds.filter((w) => !caller || hasAnyRole(w, caller.objectId));
  const value = visible.map((w) => ({
    id: `/subscriptions/${w.subscriptionId}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    subscriptionId: w.subscriptionId,
    tenantId: w.tenantId,
    displayName: w.subscriptionName,
    state: 'Enabled',
    subscriptionPolicies: {
      locationPlacementId: 'Public_2014-09-01',
      quotaId: 'PayAsYouGo_2014-09-01',
      spendingLimit: 'Off',
    },
  }));
  return { status: 200, body: { value, count: { type: 'Total', value: value.length } } };
}

const routes: Route[] = [
  {
    id: 'subscriptions.list',
    method: 'GET',
    path: '/subscriptions',
    apiVersions: SUBSCRIPTIONS_API_VERSIONS,
    handler: list,
  },
];

export const subscriptions: Provider = { name: 'subscriptions', arm: routes };
