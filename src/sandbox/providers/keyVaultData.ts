import type { Provider } from './provider';

/** TODO(sandbox): routes of the keyVaultData provider. */
export const keyVaultData: Provider = { name: 'keyVaultData' };
