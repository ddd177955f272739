import { azureCall } from './call';
import type { AzureClients } from './clients';
import { AmbiguousNameError, NotFoundError } from './errors';
import { toVaultSummary } from './mapping/vault';
import { normalizeRegion, parseResourceId, sameId, vaultId } from './names';
import { collectPages } from './paging';
import type { OperationOptions, ProtectedItemRef, VaultRef, VaultSummary } from './types';

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
  async list(
    filter: { location?: string; subscriptionId?: string } = {},
    options: OperationOptions = {},
  ): Promise<VaultSummary[]> {
    // One subscription's vaults (a VM's: Backup protects it from a vault in its own subscription) cost one list,
    // however many subscriptions the bot manages (issue 17).
    const vaults = filter.subscriptionId
      ? await loadVaultsIn(this.clients, filter.subscriptionId, options)
      : await loadVaults(this.clients, options, true);
    return filter.location
      ? vaults.filter((v) => normalizeRegion(v.location) === normalizeRegion(filter.location!))
      : vaults;
  }

  /** One vault by name (or name and resource group). Needs `Microsoft.RecoveryServices/vaults/read`. */
  async get(vault: VaultRef, options: OperationOptions = {}): Promise<VaultSummary> {
    return resolveVault(this.clients, vault, options);
  }
}

/** Keyed by the subscription directory: one vault list per bot, whichever subscription's clients ask. */
const cache = new WeakMap<object, VaultSummary[]>();
/** One subscription's vaults read alone (`list({ subscriptionId })`) before any list of them all. */
const partial = new WeakMap<object, Map<string, VaultSummary[]>>();

/**
 * The vaults of every managed subscription the identity can read (one list per subscription, issue 17): cached for the
 * process unless `refresh`. Each vault's id names its subscription.
 */
export async function loadVaults(
  clients: AzureClients,
  options: OperationOptions,
  refresh: boolean,
): Promise<VaultSummary[]> {
  const cached = cache.get(clients.subscriptions);
  if (cached && !refresh) return cached;
  const subscriptions = await clients.all(options);
  const vaults = await azureCall('listVaults', async () =>
    (
      await Promise.all(
        subscriptions.map((c) =>
          collectPages(
            c.recoveryServices.vaults.listBySubscriptionId({ abortSignal: options.abortSignal }),
            options.abortSignal,
          ),
        ),
      )
    )
      .flat()
      .map((v) => clients.subscriptions.label(toVaultSummary(v))),
  );
  cache.set(clients.subscriptions, vaults);
  return vaults;
}

/**
 * One managed subscription's vaults, read now (one list); the process's list of every subscription's vaults, when
 * there is one, takes them in place of that subscription's older entries.
 */
async function loadVaultsIn(
  clients: AzureClients,
  subscriptionId: string,
  options: OperationOptions,
): Promise<VaultSummary[]> {
  const c = await clients.of(subscriptionId, options);
  const fresh = await azureCall('listVaults', async () =>
    (
      await collectPages(
        c.recoveryServices.vaults.listBySubscriptionId({ abortSignal: options.abortSignal }),
        options.abortSignal,
      )
    ).map((v) => clients.subscriptions.label(toVaultSummary(v))),
  );
  const cached = cache.get(clients.subscriptions);
  if (cached) {
    const inSub = (v: VaultSummary) => sameId(parseResourceId(v.id)?.subscriptionId, c.settings.subscriptionId);
    cache.set(clients.subscriptions, [...cached.filter((v) => !inSub(v)), ...fresh]);
  } else {
    // No list of every subscription yet: kept apart, so a vault named later is known without a list.
    let bySub = partial.get(clients.subscriptions);
    if (!bySub) partial.set(clients.subscriptions, (bySub = new Map()));
    bySub.set(c.settings.subscriptionId.toLowerCase(), fresh);
  }
  return fresh;
}

/**
 * The vault a ref names and the clients of its subscription (issue 17): what every per-vault call addresses.
 * Costs what `resolveVault` costs; the clients are built once per subscription.
 */
export async function vaultAndClients(
  clients: AzureClients,
  ref: VaultRef,
  options: OperationOptions = {},
): Promise<{ vault: VaultSummary; clients: AzureClients }> {
  const vault = await resolveVault(clients, ref, options);
  return { vault, clients: await clients.of(vault.id, options) };
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
  // A vault's ARM id names its subscription, resource group and name: no list needed.
  const parsed = typeof ref === 'string' ? parseResourceId(ref) : undefined;
  if (parsed) ref = { name: parsed.name, resourceGroup: parsed.resourceGroup, subscriptionId: parsed.subscriptionId };
  const r = ref;
  const name = typeof r === 'string' ? r : r.name;
  const sub = typeof r === 'string' ? undefined : r.subscriptionId;
  const findAll = (list: VaultSummary[] | undefined) =>
    (list ?? []).filter(
      (v) =>
        sameId(v.name, name) &&
        (typeof r === 'string' || sameId(v.resourceGroup, r.resourceGroup)) &&
        (!sub || sameId(parseResourceId(v.id)?.subscriptionId, sub)),
    );
  const one = (hits: VaultSummary[]) => {
    // The same vault name (and resource group) in two subscriptions: ask, never guess.
    if (hits.length > 1) throw new AmbiguousNameError('Recovery Services vault', name, hits);
    return hits[0];
  };
  // A subscription's vaults read alone answer only for a ref naming that subscription: a bare name could be another
  // subscription's vault too.
  const known = one(
    findAll(
      cache.get(clients.subscriptions) ?? (sub ? partial.get(clients.subscriptions)?.get(sub.toLowerCase()) : []),
    ),
  );
  if (known) return known;
  if (typeof r !== 'string' && (sub || clients.subscriptions.single)) {
    return {
      name,
      resourceGroup: r.resourceGroup,
      location: '',
      id: vaultId(sub ?? clients.settings.subscriptionId, r.resourceGroup, name),
    };
  }
  const found = one(findAll(await loadVaults(clients, options, true)));
  if (!found) throw new NotFoundError('Recovery Services vault', name);
  return found;
}

/** The vault a protected item is in, as a ref (with its subscription when the item knows it). */
export const itemVault = (
  item: Pick<ProtectedItemRef, 'vault' | 'vaultResourceGroup' | 'vaultSubscriptionId'>,
): VaultRef => ({
  name: item.vault,
  resourceGroup: item.vaultResourceGroup,
  ...(item.vaultSubscriptionId ? { subscriptionId: item.vaultSubscriptionId } : {}),
});
