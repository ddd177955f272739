import { permissionRoutes } from './authorization/permissions';
import { roleAssignmentRoutes } from './authorization/roleAssignments';
import { roleDefinitionRoutes } from './authorization/roleDefinitions';
import type { Provider } from './provider';

/**
 * Microsoft.Authorization (arm-authorization 9): role assignments with ABAC conditions enforced, role definitions
 * and the caller's effective permissions, at subscription, resource group and resource scopes.
 */
export const authorization: Provider = {
  name: 'authorization',
  arm: [...roleAssignmentRoutes, ...roleDefinitionRoutes, ...permissionRoutes],
};
