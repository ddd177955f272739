import type { Provider } from './provider';

/** TODO(sandbox): routes of the deployments provider. */
export const deployments: Provider = { name: 'deployments' };
