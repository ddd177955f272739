import type { Provider } from './provider';
import { genericResourceRoutes } from './resources/genericResources';
import { groupRoutes } from './resources/groupRoutes';

/**
 * Microsoft.Resources (generic resource lists, resource groups) and the read-only view of classic VMs
 * (Microsoft.ClassicCompute), which Microsoft.Compute does not serve.
 */
export const resources: Provider = { name: 'resources', arm: [...genericResourceRoutes, ...groupRoutes] };
