import { sameId } from '../../authorization/rbac';
import { AzureError } from '../../http/errors';
import type { Route } from '../../http/types';
import { STORED_TYPES } from './apply';

/**
 * GET of the resources the sandbox only stores (hosts, the Azure Bot and its channels, monitoring, identities), in
 * ARM's resource envelope: id, name, type, location, kind, sku, identity, properties. Needs {type}/read at the
 * resource. A resource no deployment wrote is ARM's 404 ResourceNotFound.
 */
export const storedRoutes: Route[] = Object.entries(STORED_TYPES).map(([type, apiVersions]) => {
  const [ns, ...types] = type.split('/');
  const segments = types.map((t, i) => `${t}/{name${i}}`).join('/');
  return {
    id: `stored.${type}.get`,
    method: 'GET',
    path: `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${ns}/${segments}`,
    apiVersions,
    permission: (req) => ({ action: `${type}/read`, scope: storedId(req.params, ns, types) }),
    handler: (req, ctx) => {
      const id = storedId(req.params, ns, types);
      const r = ctx.world.armResources.find((a) => sameId(a.id, id));
      if (!r)
        throw new AzureError(
          404,
          'ResourceNotFound',
          `The Resource '${type}/${req.params[`name${types.length - 1}`]}' under resource group '${req.params.resourceGroupName}' was not found.`,
        );
      const { resourceGroup: _rg, apiVersion: _v, ...body } = r;
      return { status: 200, body: { ...body, name: r.name.split('/').pop(), tags: {} } };
    },
  };
});

function storedId(params: Record<string, string>, ns: string, types: string[]): string {
  const path = types.map((t, i) => `${t}/${params[`name${i}`]}`).join('/');
  return `/subscriptions/${params.subscriptionId}/resourceGroups/${params.resourceGroupName}/providers/${ns}/${path}`;
}
