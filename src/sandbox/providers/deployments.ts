import { deploymentRoutes } from './deployments/routes';
import { storedRoutes } from './deployments/storedRoutes';
import type { Provider } from './provider';

/**
 * Microsoft.Resources/deployments at resource-group scope: the templates its own restore jobs wrote (see
 * deployments/template.ts for the contract), and general templates like infra/ (deployments/general.ts), whose
 * hosting, bot and monitoring resources are stored and served back (deployments/storedRoutes.ts).
 */
export const deployments: Provider = { name: 'deployments', arm: [...deploymentRoutes, ...storedRoutes] };
