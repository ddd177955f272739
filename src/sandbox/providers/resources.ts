import type { Provider } from './provider';

/** TODO(sandbox): routes of the resources provider. */
export const resources: Provider = { name: 'resources' };
