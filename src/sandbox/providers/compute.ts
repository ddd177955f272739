import type { Provider } from './provider';

/** TODO(sandbox): routes of the compute provider. */
export const compute: Provider = { name: 'compute' };
