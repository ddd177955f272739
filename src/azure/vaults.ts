import { azureCall } from './call';
import type { AzureClients } from './clients';
import { NotFoundError } from './errors';
import { toVaultSummary } from './mapping/vault';
import { normalizeRegion, sameId, vaultId } from './names';
import { collectPages } from './paging';
import type { OperationOptions, VaultRef, VaultSummary } from './types';

/**
 * Recovery Services vaults. Backup addresses a vault by (name, resource group); the bot's users name vaults only,
 * so the subscription's vault list is read once per process and kept (refreshed when a name is not in it).
 */
export class VaultOperations {
  constructor(readonly clients: AzureClients) {}

  /**
   * The subscription's Recovery Services vaults, optionally only those in `location` (a VM's region: Backup needs
   * the vault in the VM's region). Needs `Microsoft.RecoveryServices/vaults/read` on the subscription (Reader).
   */
  async list(filter: { location?: string } = {}, options: OperationOptions = {}): Promise<VaultSummary[]> {
    const vaults = await loadVaults(this.clients, options, true);
    return filter.location
      ? vaults.filter((v) => normalizeRegion(v.location) === normalizeRegion(filter.location!))
      : vaults;
  }

  /** One vault by name (or name and resource group). Needs `Microsoft.RecoveryServices/vaults/read`. */
  async get(vault: VaultRef, options: OperationOptions = {}): Promise<VaultSummary> {
    return resolveVault(this.clients, vault, options);
  }
}

const cache = new WeakMap<AzureClients, VaultSummary[]>();

/** The subscription's vaults: cached for the process unless `refresh`. */
export async function loadVaults(
  clients: AzureClients,
  options: OperationOptions,
  refresh: boolean,
): Promise<VaultSummary[]> {
  const cached = cache.get(clients);
  if (cached && !refresh) return cached;
  const vaults = await azureCall('listVaults', async () =>
    (
      await collectPages(
        clients.recoveryServices.vaults.listBySubscriptionId({ abortSignal: options.abortSignal }),
        options.abortSignal,
      )
    ).map(toVaultSummary),
  );
  cache.set(clients, vaults);
  return vaults;
}

/**
 * The vault behind a name: from the cached vault list (one list per process, re-read once when the name is
 * unknown). A ref that already names its resource group costs no call; its location is filled from the cache
 * when known, else left empty.
 */
export async function resolveVault(
  clients: AzureClients,
  ref: VaultRef,
  options: OperationOptions = {},
): Promise<VaultSummary> {
  const name = typeof ref === 'string' ? ref : ref.name;
  const find = (list: VaultSummary[] | undefined) =>
    list?.find((v) => sameId(v.name, name) && (typeof ref === 'string' || sameId(v.resourceGroup, ref.resourceGroup)));
  const known = find(cache.get(clients));
  if (known) return known;
  if (typeof ref !== 'string') {
    return {
      name,
      resourceGroup: ref.resourceGroup,
      location: '',
      id: vaultId(clients.settings.subscriptionId, ref.resourceGroup, name),
    };
  }
  const found = find(await loadVaults(clients, options, true));
  if (!found) throw new NotFoundError('Recovery Services vault', name);
  return found;
}
