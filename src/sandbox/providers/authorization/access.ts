import { actionMatches, assignmentsFor } from '../../authorization/rbac';
import { AzureError } from '../../http/errors';
import type { Caller } from '../../http/types';
import type { RoleAssignment, RoleDefinition, World } from '../../world/types';
import { conditionMet, type ConditionRequest } from './conditions';

export function roleDefinitionOf(
  world: World,
  assignment: Pick<RoleAssignment, 'roleDefinitionId'>,
): RoleDefinition | undefined {
  const guid = assignment.roleDefinitionId.split('/').pop()?.toLowerCase();
  return world.roleDefinitions.find((d) => d.name.toLowerCase() === guid);
}

function grants(def: RoleDefinition, action: string): boolean {
  return def.actions.some((p) => actionMatches(p, action)) && !def.notActions.some((p) => actionMatches(p, action));
}

/**
 * The dispatcher's RBAC check ignores ABAC conditions; operations that conditions can constrain (role assignment
 * write and delete) call this too. Allowed when some assignment at or above the scope grants the action and either
 * carries no condition or its condition holds for this request.
 */
export function authorizeWithConditions(world: World, caller: Caller, scope: string, request: ConditionRequest): void {
  const allowed = assignmentsFor(world, caller.objectId, scope).some((a) => {
    const def = roleDefinitionOf(world, a);
    if (!def || !grants(def, request.action)) return false;
    return !a.condition || conditionMet(a.condition, request);
  });
  if (!allowed) {
    throw new AzureError(
      403,
      'AuthorizationFailed',
      `The client '${caller.appId}' with object id '${caller.objectId}' does not have authorization or an ABAC condition not fulfilled to perform action '${request.action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );
  }
}

/** The attributes a role assignment request exposes to conditions (@Request[Microsoft.Authorization/roleAssignments:...]). */
export function roleAssignmentAttributes(
  a: Pick<RoleAssignment, 'roleDefinitionId' | 'principalId' | 'principalType'>,
): ConditionRequest['attributes'] {
  return {
    'Microsoft.Authorization/roleAssignments:RoleDefinitionId': [a.roleDefinitionId.split('/').pop() ?? ''],
    'Microsoft.Authorization/roleAssignments:PrincipalId': [a.principalId],
    'Microsoft.Authorization/roleAssignments:PrincipalType': [a.principalType],
  };
}
