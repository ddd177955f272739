import type { RoleDefinition } from './types';

const role = (
  name: string,
  roleName: string,
  actions: string[],
  dataActions: string[] = [],
  notActions: string[] = [],
): RoleDefinition => ({ name, roleName, actions, notActions, dataActions, notDataActions: [] });

const custom = (...args: Parameters<typeof role>): RoleDefinition => ({ ...role(...args), type: 'CustomRole' });

/**
 * Built-in role definitions the sandbox knows (Azure's ids; action lists abridged to what the bot's
 * operations touch), plus the two custom roles the README documents.
 */
export const ROLE_DEFINITIONS: RoleDefinition[] = [
  role('8e3af657-a8ff-443c-a75c-2fe8c4bcb635', 'Owner', ['*']),
  role('acdd72a7-3385-48ef-bd42-f606fba81ae7', 'Reader', ['*/read']),
  role(
    'b24988ac-6180-42a0-ab88-20f7382dd24c',
    'Contributor',
    ['*'],
    [],
    ['Microsoft.Authorization/*/Delete', 'Microsoft.Authorization/*/Write'],
  ),
  role('5e467623-bb1f-42f4-a55d-6e525e11384b', 'Backup Contributor', [
    'Microsoft.Authorization/*/read',
    'Microsoft.Compute/virtualMachines/read',
    'Microsoft.Network/virtualNetworks/read',
    'Microsoft.RecoveryServices/*',
    'Microsoft.Resources/subscriptions/resourceGroups/read',
    'Microsoft.Storage/storageAccounts/read',
  ]),
  role('9980e02c-c2be-4d73-94e8-173b1dc7cf3c', 'Virtual Machine Contributor', [
    'Microsoft.Authorization/*/read',
    'Microsoft.Compute/virtualMachines/*',
    'Microsoft.Compute/disks/*',
    'Microsoft.Network/networkInterfaces/*',
    'Microsoft.Network/virtualNetworks/read',
    'Microsoft.Network/virtualNetworks/subnets/join/action',
    'Microsoft.RecoveryServices/locations/*',
    'Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/*/read',
    'Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/write',
    'Microsoft.Resources/deployments/*',
    'Microsoft.Resources/subscriptions/resourceGroups/read',
    'Microsoft.Storage/storageAccounts/read',
  ]),
  role('4d97b98b-1d4f-4787-a291-c67834d212e7', 'Network Contributor', [
    'Microsoft.Authorization/*/read',
    'Microsoft.Network/*',
    'Microsoft.Resources/deployments/*',
    'Microsoft.Resources/subscriptions/resourceGroups/read',
  ]),
  role(
    'f25e0fa2-a7c8-4377-a976-54943a77a395',
    'Key Vault Contributor',
    [
      'Microsoft.Authorization/*/read',
      'Microsoft.KeyVault/*',
      'Microsoft.Resources/deployments/*',
      'Microsoft.Resources/subscriptions/resourceGroups/read',
    ],
    [],
    [
      'Microsoft.KeyVault/locations/deletedVaults/purge/action',
      'Microsoft.KeyVault/hsmPools/*',
      'Microsoft.KeyVault/managedHsms/*',
    ],
  ),
  role('f58310d9-a9f6-439a-9e8d-f62e7b41a168', 'Role Based Access Control Administrator', [
    'Microsoft.Authorization/roleAssignments/write',
    'Microsoft.Authorization/roleAssignments/delete',
    '*/read',
  ]),
  role(
    '00482a5a-887f-4fb3-b363-3b7fe8e74483',
    'Key Vault Administrator',
    [
      'Microsoft.Authorization/*/read',
      'Microsoft.KeyVault/checkNameAvailability/read',
      'Microsoft.KeyVault/deletedVaults/read',
      'Microsoft.KeyVault/locations/*/read',
      'Microsoft.KeyVault/vaults/*/read',
      'Microsoft.KeyVault/operations/read',
    ],
    ['Microsoft.KeyVault/vaults/*'],
  ),
  // https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/security#key-vault-secrets-user
  role(
    '4633458b-17de-408a-b874-0445c86b69e6',
    'Key Vault Secrets User',
    [],
    ['Microsoft.KeyVault/vaults/secrets/getSecret/action', 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'],
  ),
  role('17d1049b-9a84-46fb-8f53-869881c3d3ab', 'Storage Account Contributor', [
    'Microsoft.Authorization/*/read',
    'Microsoft.Storage/storageAccounts/*',
    'Microsoft.Resources/subscriptions/resourceGroups/read',
  ]),
  role(
    'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
    'Storage Blob Data Contributor',
    ['Microsoft.Storage/storageAccounts/blobServices/containers/*'],
    ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*'],
  ),
  // Custom: the least-privilege role for Backup Management Service on RBAC key vaults (the five data actions the docs list).
  custom(
    '8a3b1c2d-0000-4000-8000-00000000a0de',
    'Azure Backup key reader (custom)',
    [],
    [
      'Microsoft.KeyVault/vaults/keys/backup/action',
      'Microsoft.KeyVault/vaults/secrets/backup/action',
      'Microsoft.KeyVault/vaults/secrets/getSecret/action',
      'Microsoft.KeyVault/vaults/keys/read',
      'Microsoft.KeyVault/vaults/secrets/readMetadata/action',
    ],
  ),
  // Custom: what the bot needs to put a VM's key and secret back and create encrypted VMs from restored disks.
  custom(
    '8a3b1c2d-0000-4000-8000-00000000b07e',
    'Key Vault Restore Operator (ADE backup bot)',
    ['Microsoft.KeyVault/vaults/deploy/action', 'Microsoft.KeyVault/vaults/read'],
    [
      'Microsoft.KeyVault/vaults/keys/read',
      'Microsoft.KeyVault/vaults/keys/restore/action',
      'Microsoft.KeyVault/vaults/keys/recover/action',
      'Microsoft.KeyVault/vaults/secrets/readMetadata/action',
      'Microsoft.KeyVault/vaults/secrets/setSecret/action',
      'Microsoft.KeyVault/vaults/secrets/restore/action',
      'Microsoft.KeyVault/vaults/secrets/recover/action',
    ],
  ),
];

export const roleByName = (roleName: string): RoleDefinition => {
  const r = ROLE_DEFINITIONS.find((d) => d.roleName.toLowerCase() === roleName.toLowerCase());
  if (!r) throw new Error(`Unknown role in seed: ${roleName}`);
  return r;
};
