import { accessPolicyRoutes } from './keyVault/accessPolicies';
import { vaultRoutes } from './keyVault/vaults';
import type { Provider } from './provider';

/** Microsoft.KeyVault management (arm-keyvault 5): vaults get/list and access policy updates. */
export const keyVault: Provider = { name: 'keyVault', arm: [...vaultRoutes, ...accessPolicyRoutes] };
