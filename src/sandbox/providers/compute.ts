import { diskRoutes } from './compute/diskRoutes';
import { extensionRoutes } from './compute/extensionRoutes';
import { operationRoutes } from './compute/operationRoutes';
import { vmRoutes } from './compute/vmRoutes';
import type { Provider } from './provider';
import { tagRoutes } from './tagRoutes';

/**
 * Microsoft.Compute: VMs (get with instance view, lists, create by attaching disks, delete), VM extensions (the ADE
 * extension), managed disks (get, lists, PATCH of ADE settings) and Compute's operation URLs. Classic VMs are not
 * served here: they live under Microsoft.ClassicCompute (see the resources provider).
 */
export const compute: Provider = {
  name: 'compute',
  arm: [...vmRoutes, ...extensionRoutes, ...diskRoutes, ...operationRoutes, ...tagRoutes],
};
