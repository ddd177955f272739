import { authorizeKeyVault } from './keyVaultData/access';
import { keyRoutes } from './keyVaultData/keys';
import { secretRoutes } from './keyVaultData/secrets';
import type { Provider } from './provider';

export { keyVaultUnreachable } from './keyVaultData/access';

/**
 * The Key Vault data plane (keyvault-keys 4.10, keyvault-secrets 4.12) on every vault's own origin; the dispatcher
 * has already done the 401 challenge and checked the vault.azure.net audience. Authorisation follows the vault's
 * model: access policies, or Azure RBAC data actions.
 */
export const keyVaultData: Provider = {
  name: 'keyVaultData',
  keyVault: [...keyRoutes, ...secretRoutes],
  authorizeKeyVault,
};
