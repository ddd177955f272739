import { networkRoutes } from './network/routes';
import type { Provider } from './provider';

/** Microsoft.Network: virtual networks and subnets (read), network interfaces (read, create for restored VMs). */
export const network: Provider = { name: 'network', arm: networkRoutes };
