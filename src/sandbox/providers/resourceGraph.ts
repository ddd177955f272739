import type { Provider } from './provider';
import { resourceGraphRoutes } from './resourceGraph/resources';

/** Microsoft.ResourceGraph: the query endpoint the bot finds resources by name with (one call, whatever the estate). */
export const resourceGraph: Provider = { name: 'resourceGraph', arm: resourceGraphRoutes };
