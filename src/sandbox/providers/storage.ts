import type { Provider } from './provider';

/** TODO(sandbox): routes of the storage provider. */
export const storage: Provider = { name: 'storage' };
