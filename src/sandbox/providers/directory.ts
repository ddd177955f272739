import type { Provider } from './provider';

/** TODO(sandbox): routes of the directory provider. */
export const directory: Provider = { name: 'directory' };
