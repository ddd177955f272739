import { deploymentRoutes } from './deployments/routes';
import type { Provider } from './provider';

/**
 * Microsoft.Resources/deployments at resource-group scope. The sandbox evaluates only the templates its own restore
 * jobs wrote (see deployments/template.ts for the contract); any other template is InvalidTemplate.
 */
export const deployments: Provider = { name: 'deployments', arm: deploymentRoutes };
