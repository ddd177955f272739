import type { Provider } from './provider';

/** TODO(sandbox): routes of the network provider. */
export const network: Provider = { name: 'network' };
