import { sameId } from '../authorization/rbac';
import type { Route, SandboxRequest, SandboxResponse } from '../http/types';
import type { World } from '../world/types';
import { GRAPH_BASE, graphError, parseGraphFilter, resourceNotFound, select } from './directory/graph';
import { directGroups, isGroup, principalType, servicePrincipals, transitiveGroups } from './directory/principals';
import type { Provider } from './provider';

/**
 * Microsoft Graph look-ups the bot makes (ARM listener, under /v1.0; the dispatcher checks the Graph audience).
 * Graph permissions are app roles (Application.Read.All, GroupMember.Read.All), not Azure RBAC, so the routes carry
 * no `permission`: any caller holding a Graph token for the tenant is served.
 *
 * The sandbox keeps no user list: an id the directory does not know as a service principal or group is answered
 * as a user who belongs to no group (every Teams user exists in the real tenant).
 */
const spContext = `${GRAPH_BASE}/$metadata#servicePrincipals`;

const routes: Route[] = [
  {
    id: 'directory.servicePrincipals.list',
    method: 'GET',
    path: '/v1.0/servicePrincipals',
    handler: (req, ctx) => {
      const filter = parseGraphFilter(req.query.get('$filter'));
      if (!filter)
        return graphError(req, 400, 'Request_UnsupportedQuery', 'Unsupported or invalid query filter clause.');
      const value = servicePrincipals(ctx.world)
        .filter((sp) => Object.entries(filter).every(([k, v]) => sameId(String(sp[k as keyof typeof sp] ?? ''), v)))
        .map((sp) => select(req, sp));
      return { status: 200, body: { '@odata.context': spContext, value } };
    },
  },
  {
    id: 'directory.servicePrincipals.get',
    method: 'GET',
    path: '/v1.0/servicePrincipals/{id}',
    handler: (req, ctx) => {
      const sp = servicePrincipals(ctx.world).find((s) => sameId(s.id, req.params.id));
      return sp
        ? ok({ '@odata.context': `${spContext}/$entity`, ...select(req, sp) })
        : resourceNotFound(req, req.params.id);
    },
  },
  {
    // servicePrincipals(appId='{appId}'): the alternate key Graph PowerShell's Get-MgServicePrincipalByAppId uses.
    id: 'directory.servicePrincipals.getByAppId',
    method: 'GET',
    path: '/v1.0/{segment}',
    handler: (req, ctx) => {
      const m = /^servicePrincipals\(appId='([^']*)'\)$/i.exec(req.params.segment);
      if (!m) return graphError(req, 400, 'BadRequest', `Resource not found for the segment '${req.params.segment}'.`);
      const sp = servicePrincipals(ctx.world).find((s) => sameId(s.appId, m[1]));
      return sp ? ok({ '@odata.context': `${spContext}/$entity`, ...select(req, sp) }) : resourceNotFound(req, m[1]);
    },
  },
  ...['users', 'directoryObjects', 'servicePrincipals', 'groups'].flatMap((collection): Route[] => [
    {
      id: 'directory.checkMemberGroups',
      method: 'POST',
      path: `/v1.0/${collection}/{id}/checkMemberGroups`,
      handler: (req, ctx) => {
        const missing = unknownObject(req, ctx.world, collection);
        if (missing) return missing;
        const groupIds = req.body?.groupIds;
        if (
          !Array.isArray(groupIds) ||
          groupIds.length === 0 ||
          groupIds.length > 20 ||
          groupIds.some((g) => typeof g !== 'string')
        ) {
          return graphError(
            req,
            400,
            'Request_BadRequest',
            "The 'groupIds' property must list between 1 and 20 group ids.",
          );
        }
        const member = transitiveGroups(ctx.world, req.params.id);
        const value = (groupIds as string[]).filter((g) => member.some((m) => sameId(m, g)));
        return ok({ '@odata.context': `${GRAPH_BASE}/$metadata#Collection(Edm.String)`, value });
      },
    },
    ...(['memberOf', 'transitiveMemberOf'] as const).map((relation): Route => ({
      id: `directory.${relation}`,
      method: 'GET',
      path: `/v1.0/${collection}/{id}/${relation}`,
      handler: (req, ctx) => {
        const missing = unknownObject(req, ctx.world, collection);
        if (missing) return missing;
        const ids =
          relation === 'memberOf' ? directGroups(ctx.world, req.params.id) : transitiveGroups(ctx.world, req.params.id);
        const value = ids.map((id) => ({ '@odata.type': '#microsoft.graph.group', id }));
        return ok({ '@odata.context': `${GRAPH_BASE}/$metadata#directoryObjects`, value });
      },
    })),
  ]),
];

/** 404 when the id is not an object of the collection's type (a group id under /users, say). */
function unknownObject(req: SandboxRequest, world: World, collection: string): SandboxResponse | undefined {
  const id = req.params.id;
  const type = principalType(world, id);
  const fits =
    collection === 'directoryObjects' ||
    (collection === 'users' && (type === undefined || type === 'User')) ||
    (collection === 'servicePrincipals' && type === 'ServicePrincipal') ||
    (collection === 'groups' && isGroup(world, id));
  return fits ? undefined : resourceNotFound(req, id);
}

const ok = (body: unknown): SandboxResponse => ({ status: 200, body });

export const directory: Provider = { name: 'directory', graph: routes };
