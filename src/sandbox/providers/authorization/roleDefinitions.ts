import { sameId } from '../../authorization/rbac';
import { page } from '../../http/arm';
import { AzureError, badRequest } from '../../http/errors';
import type { Route, SandboxRequest } from '../../http/types';
import type { RoleDefinition, World } from '../../world/types';
import { atEveryScope, checkScopeExists, scopeOf } from './scopes';

/** Role definitions and permissions: 2022-04-01 (arm-authorization 9) and the later preview. */
export const ROLE_DEFINITION_API_VERSIONS = ['2022-04-01', '2022-05-01-preview'];

const READ = 'Microsoft.Authorization/roleDefinitions/read';

/** Built-in definitions are visible everywhere; ids carry the subscription when read below the tenant root. */
export function roleDefinitionBody(world: World, d: RoleDefinition, scope: string): Record<string, unknown> {
  const prefix = scope === '/' ? '' : `/subscriptions/${world.subscriptionId}`;
  const custom = d.type === 'CustomRole';
  return {
    id: `${prefix}/providers/Microsoft.Authorization/roleDefinitions/${d.name}`,
    name: d.name,
    type: 'Microsoft.Authorization/roleDefinitions',
    properties: {
      roleName: d.roleName,
      type: custom ? 'CustomRole' : 'BuiltInRole',
      description: d.roleName,
      assignableScopes: custom ? [`/subscriptions/${world.subscriptionId}`] : ['/'],
      permissions: [
        { actions: d.actions, notActions: d.notActions, dataActions: d.dataActions, notDataActions: d.notDataActions },
      ],
      createdOn: '2015-02-02T21:55:09.8806423Z',
      updatedOn: '2024-01-01T00:00:00.0000000Z',
      createdBy: null,
      updatedBy: null,
    },
  };
}

function scopeChecked(req: SandboxRequest, world: World): string {
  const scope = scopeOf(req);
  checkScopeExists(world, scope);
  return scope;
}

/** $filter: roleName eq '{name}' or type eq 'BuiltInRole' | 'CustomRole'. */
function filtered(world: World, filter: string | null): RoleDefinition[] {
  if (!filter?.trim()) return world.roleDefinitions;
  const m = /^\s*(roleName|type)\s+eq\s+'([^']*)'\s*$/i.exec(filter);
  if (!m) throw badRequest('UnsupportedQuery', `The filter '${filter}' is not supported.`);
  return m[1].toLowerCase() === 'rolename'
    ? world.roleDefinitions.filter((d) => d.roleName.toLowerCase() === m[2].toLowerCase())
    : world.roleDefinitions.filter((d) => (d.type ?? 'BuiltInRole').toLowerCase() === m[2].toLowerCase());
}

export const roleDefinitionRoutes: Route[] = [
  ...atEveryScope(
    '/providers/Microsoft.Authorization/roleDefinitions/{roleDefinitionId}',
    {
      id: 'authorization.roleDefinitions.get',
      method: 'GET',
      apiVersions: ROLE_DEFINITION_API_VERSIONS,
      // Anyone may read role definitions at the tenant root; below it, reading needs read access at the scope.
      permission: (req) => (scopeOf(req) === '/' ? undefined : { action: READ, scope: scopeOf(req) }),
      handler: (req, ctx) => {
        const scope = scopeChecked(req, ctx.world);
        const d = ctx.world.roleDefinitions.find((x) => sameId(x.name, req.params.roleDefinitionId));
        if (!d) {
          throw new AzureError(
            404,
            'RoleDefinitionDoesNotExist',
            `The specified role definition with ID '${req.params.roleDefinitionId}' does not exist.`,
          );
        }
        return { status: 200, body: roleDefinitionBody(ctx.world, d, scope) };
      },
    },
    true,
  ),
  ...atEveryScope(
    '/providers/Microsoft.Authorization/roleDefinitions',
    {
      id: 'authorization.roleDefinitions.list',
      method: 'GET',
      apiVersions: ROLE_DEFINITION_API_VERSIONS,
      permission: (req) => (scopeOf(req) === '/' ? undefined : { action: READ, scope: scopeOf(req) }),
      handler: (req, ctx) => {
        const scope = scopeChecked(req, ctx.world);
        const items = filtered(ctx.world, req.query.get('$filter')).map((d) => roleDefinitionBody(ctx.world, d, scope));
        return { status: 200, body: page(req, items, 100) };
      },
    },
    true,
  ),
];
