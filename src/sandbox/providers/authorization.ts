import type { Provider } from './provider';

/** TODO(sandbox): routes of the authorization provider. */
export const authorization: Provider = { name: 'authorization' };
