import { sameId, scopeContains } from '../../authorization/rbac';
import { page } from '../../http/arm';
import { AzureError, badRequest } from '../../http/errors';
import type { Caller, Route, SandboxRequest } from '../../http/types';
import type { RoleAssignment, World } from '../../world/types';
import { principalType, transitiveGroups, type PrincipalType } from '../directory/principals';
import { authorizeWithConditions, roleAssignmentAttributes } from './access';
import { atEveryScope, checkScopeExists, isGuid, roleDefinitionGuid, scopeOf } from './scopes';

/** Microsoft.Authorization/roleAssignments versions from 2019 on (arm-authorization 9 sends 2022-04-01). */
export const ROLE_ASSIGNMENT_API_VERSIONS = [
  '2020-03-01-preview',
  '2020-04-01-preview',
  '2020-08-01-preview',
  '2020-10-01-preview',
  '2022-01-01-preview',
  '2022-04-01',
];

const WRITE = 'Microsoft.Authorization/roleAssignments/write';
const DELETE = 'Microsoft.Authorization/roleAssignments/delete';
const READ = 'Microsoft.Authorization/roleAssignments/read';
const SUFFIX = '/providers/Microsoft.Authorization/roleAssignments';

export function roleAssignmentBody(a: RoleAssignment): Record<string, unknown> {
  return {
    id: `${a.scope === '/' ? '' : a.scope}${SUFFIX}/${a.name}`,
    name: a.name,
    type: 'Microsoft.Authorization/roleAssignments',
    properties: {
      roleDefinitionId: a.roleDefinitionId,
      principalId: a.principalId,
      principalType: a.principalType,
      scope: a.scope,
      condition: a.condition ?? null,
      conditionVersion: a.condition ? '2.0' : null,
      createdOn: a.createdOn,
      updatedOn: a.createdOn,
      createdBy: a.createdBy ?? null,
      updatedBy: a.createdBy ?? null,
      delegatedManagedIdentityResourceId: null,
      description: null,
    },
  };
}

const find = (world: World, scope: string, name: string) =>
  world.roleAssignments.find((a) => sameId(a.name, name) && sameId(a.scope, scope));

/**
 * PUT {scope}/providers/Microsoft.Authorization/roleAssignments/{guid}. Checks in the order ARM applies them: request
 * shape, authorization including ABAC conditions (which see the requested role), role definition, principal, and
 * duplicates. Needs Microsoft.Authorization/roleAssignments/write at the scope.
 */
function create(req: SandboxRequest, world: World, now: string) {
  return putRoleAssignment(world, req.caller!, scopeOf(req), req.params.roleAssignmentName, req.body, now);
}

/** The role assignment PUT itself, for the route and for template deployments (ARM deploys as the caller). */
export function putRoleAssignment(
  world: World,
  caller: Caller,
  scope: string,
  name: string,
  body: any,
  now: string,
): { status: number; body: Record<string, unknown> } {
  checkScopeExists(world, scope);
  const req = { caller, body };
  if (!isGuid(name)) {
    throw badRequest(
      'InvalidRoleAssignmentId',
      `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`,
    );
  }
  const p = req.body?.properties;
  if (!p || typeof p !== 'object' || typeof p.principalId !== 'string' || typeof p.roleDefinitionId !== 'string') {
    throw badRequest(
      'InvalidRequestContent',
      "The request content must have 'properties' with 'roleDefinitionId' and 'principalId'.",
    );
  }
  const guid = roleDefinitionGuid(p.roleDefinitionId);
  if (!guid)
    throw badRequest('InvalidRoleDefinitionId', `The role definition ID '${p.roleDefinitionId}' is not valid.`);
  const requested: Pick<RoleAssignment, 'roleDefinitionId' | 'principalId' | 'principalType'> = {
    roleDefinitionId: `/subscriptions/${world.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
    principalId: p.principalId,
    principalType: p.principalType ?? 'User',
  };
  authorizeWithConditions(world, req.caller!, scope, {
    action: WRITE,
    attributes: roleAssignmentAttributes(requested),
  });

  const otherSub = /^\/subscriptions\/([^/]+)/i.exec(p.roleDefinitionId)?.[1];
  const def = world.roleDefinitions.find((d) => d.name.toLowerCase() === guid);
  if (!def || (otherSub && !sameId(otherSub, world.subscriptionId))) {
    throw badRequest('RoleDefinitionDoesNotExist', `The specified role definition with ID '${guid}' does not exist.`);
  }
  const actual = principalType(world, p.principalId);
  const compact = p.principalId.replace(/-/g, '');
  // The sandbox directory has no replication delay, so an unknown principal is refused even with principalType set.
  if (!actual) {
    throw badRequest(
      'PrincipalNotFound',
      `Principal ${compact} does not exist in the directory ${world.tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`,
    );
  }
  if (p.principalType && p.principalType !== actual) {
    throw badRequest(
      'UnmatchedPrincipalType',
      `The PrincipalId '${compact}' has type '${actual}' , which is different from specified PrincipalType '${p.principalType}'.`,
    );
  }
  const same = (a: RoleAssignment) =>
    sameId(a.scope, scope) && sameId(a.principalId, p.principalId) && sameId(a.roleDefinitionId.split('/').pop(), guid);
  const byName = find(world, scope, name);
  if (byName) {
    if (same(byName) && (byName.condition ?? null) === (p.condition ?? null))
      return { status: 200, body: roleAssignmentBody(byName) };
    throw new AzureError(
      409,
      'RoleAssignmentUpdateNotPermitted',
      'Tenant ID, application ID, principal ID, and scope are not allowed to be updated.',
    );
  }
  if (world.roleAssignments.some(same))
    throw new AzureError(409, 'RoleAssignmentExists', 'The role assignment already exists.');

  const assignment: RoleAssignment = {
    name: name.toLowerCase(),
    scope,
    roleDefinitionId: requested.roleDefinitionId,
    principalId: p.principalId,
    principalType: actual as PrincipalType,
    condition: typeof p.condition === 'string' && p.condition.trim() ? p.condition : undefined,
    createdOn: now,
    createdBy: req.caller!.objectId,
  };
  world.roleAssignments.push(assignment);
  return { status: 201, body: roleAssignmentBody(assignment) };
}

/** The $filter forms ARM supports: atScope(), assignedTo('{id}'), principalId eq '{id}', joined by 'and'. */
function parseFilter(filter: string | null): { atScope: boolean; assignedTo?: string; principalId?: string } {
  const out: { atScope: boolean; assignedTo?: string; principalId?: string } = { atScope: false };
  if (!filter?.trim()) return out;
  for (const clause of filter.split(/\s+and\s+/i).map((c) => c.trim())) {
    let m: RegExpExecArray | null;
    if (/^atScope\(\)$/i.test(clause)) out.atScope = true;
    else if ((m = /^assignedTo\('([^']+)'\)$/i.exec(clause))) out.assignedTo = m[1];
    else if ((m = /^principalId\s+eq\s+'([^']+)'$/i.exec(clause))) out.principalId = m[1];
    else {
      throw badRequest(
        'UnsupportedQuery',
        `The filter '${filter}' is not supported. Supported filters are either 'atScope()' or 'principalId eq '{value}' or assignedTo('{value}')'.`,
      );
    }
  }
  return out;
}

function list(req: SandboxRequest, world: World) {
  const scope = scopeOf(req);
  checkScopeExists(world, scope);
  const f = parseFilter(req.query.get('$filter'));
  let items = world.roleAssignments;
  if (f.assignedTo) {
    const ids = [f.assignedTo, ...transitiveGroups(world, f.assignedTo)];
    items = items.filter((a) => ids.some((id) => sameId(a.principalId, id)));
  }
  if (f.principalId) items = items.filter((a) => sameId(a.principalId, f.principalId));
  // Without atScope() ARM lists assignments at, above and below the scope; with it, at and above only.
  items = items.filter((a) => scopeContains(a.scope, scope) || (!f.atScope && scopeContains(scope, a.scope)));
  return { status: 200, body: page(req, items.map(roleAssignmentBody), 100) };
}

export const roleAssignmentRoutes: Route[] = [
  ...atEveryScope(`${SUFFIX}/{roleAssignmentName}`, {
    id: 'authorization.roleAssignments.create',
    method: 'PUT',
    apiVersions: ROLE_ASSIGNMENT_API_VERSIONS,
    permission: (req) => ({ action: WRITE, scope: scopeOf(req) }),
    handler: (req, ctx) => create(req, ctx.world, ctx.engine.nowIso()),
  }),
  ...atEveryScope(`${SUFFIX}/{roleAssignmentName}`, {
    id: 'authorization.roleAssignments.get',
    method: 'GET',
    apiVersions: ROLE_ASSIGNMENT_API_VERSIONS,
    permission: (req) => ({ action: READ, scope: scopeOf(req) }),
    handler: (req, ctx) => {
      const a = find(ctx.world, scopeOf(req), req.params.roleAssignmentName);
      if (!a)
        throw new AzureError(
          404,
          'RoleAssignmentNotFound',
          `The role assignment '${req.params.roleAssignmentName}' is not found.`,
        );
      return { status: 200, body: roleAssignmentBody(a) };
    },
  }),
  ...atEveryScope(`${SUFFIX}/{roleAssignmentName}`, {
    id: 'authorization.roleAssignments.delete',
    method: 'DELETE',
    apiVersions: ROLE_ASSIGNMENT_API_VERSIONS,
    permission: (req) => ({ action: DELETE, scope: scopeOf(req) }),
    handler: (req, ctx) => {
      const scope = scopeOf(req);
      const a = find(ctx.world, scope, req.params.roleAssignmentName);
      if (!a) return { status: 204 };
      authorizeWithConditions(ctx.world, req.caller!, scope, {
        action: DELETE,
        attributes: roleAssignmentAttributes(a),
      });
      ctx.world.roleAssignments.splice(ctx.world.roleAssignments.indexOf(a), 1);
      return { status: 200, body: roleAssignmentBody(a) };
    },
  }),
  ...atEveryScope(SUFFIX, {
    id: 'authorization.roleAssignments.list',
    method: 'GET',
    apiVersions: ROLE_ASSIGNMENT_API_VERSIONS,
    permission: (req) => ({ action: READ, scope: scopeOf(req) }),
    handler: (req, ctx) => list(req, ctx.world),
  }),
];
