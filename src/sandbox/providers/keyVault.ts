import type { Provider } from './provider';

/** TODO(sandbox): routes of the keyVault provider. */
export const keyVault: Provider = { name: 'keyVault' };
