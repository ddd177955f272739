import type { Permission } from '@azure/arm-authorization';
import type { StorageAccount } from '@azure/arm-storage';
import { azureCall, isNotFound } from './call';
import type { AzureClients } from './clients';
import { InvalidInputError } from './errors';
import { normalizeRegion, parseResourceId, resourceGroupId } from './names';
import { checkActions, restoreActions } from './restore/permissions';
import { blobEndpoints } from './restore/staging';
import type { OperationOptions, PermissionCheck, ResourceGroupChoice, StagingAccount, SubnetChoice } from './types';

/** Resource groups list (no resources SDK on our list): plain ARM GET, api-version of @azure/arm-resources 8. */
const RESOURCE_GROUPS_API = '2025-04-01';
const PERMISSIONS_API = '2022-04-01';
const KEY_VAULT_DEPLOY = 'Microsoft.KeyVault/vaults/deploy/action';

/**
 * Where a restore lands (issue 17): the vault's subscription. Azure Backup restores ADE-encrypted VMs within the
 * subscription that holds them ("You can back up and restore ADE encrypted VMs within the same subscription":
 * https://learn.microsoft.com/azure/backup/backup-azure-encrypted-vm-troubleshoot#before-you-start), so every
 * target question asks in one subscription: `subscriptionId` (the vault's), else the first managed one.
 */
export type TargetOptions = OperationOptions & { subscriptionId?: string };

/** The choices a restore plan offers (one ARM call each, filtered here, never one call per item). */
export class TargetOperations {
  constructor(readonly clients: AzureClients) {}

  /** The clients of the subscription the options name, else of the first managed subscription. */
  private async in(options: TargetOptions, resourceId?: string): Promise<AzureClients> {
    const named = options.subscriptionId ?? resourceId;
    if (named) return this.clients.of(named, options);
    return (await this.clients.all(options))[0] ?? this.clients;
  }

  /**
   * Storage accounts a restore may stage in: the vault's region, general purpose (StorageV2 / Storage), not
   * zone-redundant and not premium, as the restore docs require. Permission: Microsoft.Storage/storageAccounts/read.
   */
  async listStagingAccounts(region: string, options: TargetOptions = {}): Promise<StagingAccount[]> {
    return azureCall('listStagingAccounts', async () => {
      const want = normalizeRegion(region);
      const out: StagingAccount[] = [];
      const endpoints = blobEndpoints(this.clients);
      const clients = await this.in(options);
      for await (const a of clients.storage.storageAccounts.list({ abortSignal: options.abortSignal })) {
        const blobEndpoint = a.primaryEndpoints?.blob;
        // Kept for the restore run, which reads and deletes the staged files: it need not list the accounts again.
        if (a.name && blobEndpoint) endpoints.set(a.name.toLowerCase(), blobEndpoint);
        if (normalizeRegion(a.location ?? '') !== want || !isStagingCapable(a)) continue;
        const ref = parseResourceId(a.id);
        if (!ref || !blobEndpoint) continue;
        out.push({ id: ref.id, name: ref.name, resourceGroup: ref.resourceGroup, location: a.location!, blobEndpoint });
      }
      return out.sort((x, y) => x.name.localeCompare(y.name));
    });
  }

  /** Resource groups of the subscription (restore targets). Permission: Microsoft.Resources/subscriptions/resourceGroups/read. */
  async listResourceGroups(options: TargetOptions = {}): Promise<ResourceGroupChoice[]> {
    return azureCall('listResourceGroups', async () => {
      const out: ResourceGroupChoice[] = [];
      const clients = await this.in(options);
      let path: string | undefined =
        `/subscriptions/${clients.settings.subscriptionId}/resourcegroups?api-version=${RESOURCE_GROUPS_API}`;
      while (path) {
        const page: ArmPage<{ id: string; name: string; location: string }> = await this.clients.armRequest(
          'GET',
          path,
          undefined,
          { abortSignal: options.abortSignal },
        );
        for (const g of page.value ?? [])
          out.push({ id: g.id, name: g.name, resourceGroup: g.name, location: g.location });
        path = page.nextLink ? pathOf(page.nextLink) : undefined;
      }
      return out.sort((x, y) => x.name.localeCompare(y.name));
    });
  }

  /** Subnets of the virtual networks in a region (for the new VM's NIC). Permission: Microsoft.Network/virtualNetworks/read. */
  async listSubnets(region: string, options: TargetOptions = {}): Promise<SubnetChoice[]> {
    return azureCall('listSubnets', async () => {
      const want = normalizeRegion(region);
      const out: SubnetChoice[] = [];
      const clients = await this.in(options);
      for await (const vnet of clients.network.virtualNetworks.listAll({ abortSignal: options.abortSignal })) {
        const ref = parseResourceId(vnet.id);
        if (!ref || normalizeRegion(vnet.location ?? '') !== want) continue;
        for (const s of vnet.subnets ?? []) {
          if (!s.name) continue;
          out.push({
            id: s.id ?? `${ref.id}/subnets/${s.name}`,
            vnet: ref.name,
            subnet: s.name,
            resourceGroup: ref.resourceGroup,
            location: vnet.location!,
            addressPrefix: s.addressPrefix,
          });
        }
      }
      return out.sort((x, y) => `${x.vnet}/${x.subnet}`.localeCompare(`${y.vnet}/${y.subnet}`));
    });
  }

  /**
   * Whether the bot's identity may create the VM from restored disks in `targetResourceGroup` (and join
   * `subnetId`'s network), from its effective permissions there; names the built-in role for each missing action.
   * Permission: Microsoft.Authorization/permissions/read (any role can read its own permissions).
   */
  async checkRestorePermissions(
    targetResourceGroup: string,
    network: { subnetId?: string } = {},
    options: TargetOptions = {},
  ): Promise<PermissionCheck> {
    return azureCall('checkRestorePermissions', async () => {
      // The subnet's subscription is the target's (a NIC joins a network of its own subscription here).
      const clients = await this.in(options, network.subnetId);
      const sub = clients.settings.subscriptionId;
      const subnetRg = parseResourceId(network.subnetId)?.resourceGroup ?? targetResourceGroup;
      const targetScope = resourceGroupId(sub, targetResourceGroup);
      const subnetScope = resourceGroupId(sub, subnetRg);
      const byScope = new Map<string, Permission[]>();
      for (const [rg, scope] of [
        [targetResourceGroup, targetScope],
        [subnetRg, subnetScope],
      ]) {
        if (byScope.has(scope.toLowerCase())) continue;
        const perms: Permission[] = [];
        for await (const p of clients.authorization.permissions.listForResourceGroup(rg, {
          abortSignal: options.abortSignal,
        })) {
          perms.push(p);
        }
        byScope.set(scope.toLowerCase(), perms);
      }
      return checkActions(restoreActions(targetScope, subnetScope), byScope);
    });
  }

  /**
   * Whether a NIC of this name exists in the resource group (the new VM's NIC may not take an existing one's name):
   * one GET. Needs `Microsoft.Network/networkInterfaces/read`.
   */
  async nicExists(name: string, resourceGroup: string, options: TargetOptions = {}): Promise<boolean> {
    return azureCall('nicExists', async () => {
      const clients = await this.in(options);
      try {
        await clients.network.networkInterfaces.get(resourceGroup, name, { abortSignal: options.abortSignal });
        return true;
      } catch (err) {
        if (isNotFound(err)) return false;
        throw err;
      }
    });
  }

  /**
   * Whether the bot may create VMs whose disks are encrypted with keys from this key vault
   * (Microsoft.KeyVault/vaults/deploy/action on it, which the restore docs require).
   * Permission: Microsoft.Authorization/permissions/read.
   */
  async checkKeyVaultDeployPermission(keyVaultId: string, options: OperationOptions = {}): Promise<PermissionCheck> {
    return azureCall('checkKeyVaultDeployPermission', async () => {
      const ref = parseResourceId(keyVaultId);
      if (!ref) throw new InvalidInputError('keyVaultId', `'${keyVaultId}' is not a key vault id.`);
      // The SDK's listForResource needs an empty parentResourcePath, which yields a '//' in the URL; the plain
      // path is the same API. A key vault in a subscription the bot does not manage is refused first.
      await this.clients.of(ref.id, options);
      const page: ArmPage<Permission> = await this.clients.armRequest(
        'GET',
        `${ref.id}/providers/Microsoft.Authorization/permissions?api-version=${PERMISSIONS_API}`,
        undefined,
        { abortSignal: options.abortSignal },
      );
      const byScope = new Map([[ref.id.toLowerCase(), page.value ?? []]]);
      return checkActions([{ action: KEY_VAULT_DEPLOY, scope: ref.id, role: 'Key Vault Contributor' }], byScope);
    });
  }
}

interface ArmPage<T> {
  value?: T[];
  nextLink?: string;
}

/** Path and query of an absolute nextLink (the raw-request helper takes paths). */
function pathOf(link: string): string {
  const u = new URL(link);
  return `${u.pathname}${u.search}`;
}

/** The restore docs: same region (checked by the caller), not ZRS, not premium, not Blob-only. */
function isStagingCapable(a: StorageAccount): boolean {
  const kind = (a.kind ?? '').toLowerCase();
  const sku = a.sku?.name ?? '';
  if (kind !== 'storagev2' && kind !== 'storage') return false;
  if (/zrs/i.test(sku)) return false;
  if (/^premium/i.test(sku) || (a.sku?.tier ?? '').toLowerCase() === 'premium') return false;
  return true;
}
