import type { Provider } from './provider';

/** TODO(sandbox): routes of the recoveryServices provider. */
export const recoveryServices: Provider = { name: 'recoveryServices' };
