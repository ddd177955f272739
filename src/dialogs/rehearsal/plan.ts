import { createHash } from 'node:crypto';
import { NotFoundError, type Azure } from '../../azure';
import type { RestorePlan } from '../../runs/restorePlan';
import { checkKeys } from '../restore/checks';
import type { FlowPoint } from '../restore/flow';
import { flowVm, restoreNicName } from '../restore/steps';

export type RehearsalAzure = Pick<Azure, 'vms' | 'recoveryPoints' | 'keyVaults' | 'targets' | 'rehearsal'>;

/** Where rehearsals run (REHEARSAL_SUBNET, one entry). */
export interface RehearsalNetwork {
  /**
   * The network's subscription (REHEARSAL_SUBNET's entry as a full subnet id); absent = the primary subscription (the
   * short `<resource group>/<virtual network>/<subnet>` form).
   */
  subscriptionId?: string;
  resourceGroup: string;
  vnet: string;
  subnet: string;
  /**
   * REHEARSAL_NETWORK_PREFIX: when the virtual network does not exist, the rehearsal makes it (in the existing resource
   * group, in the VM's region, unpeered and tagged) with this address space; absent = it must exist.
   */
  addressPrefix?: string;
}

export interface RehearsalPlanInput {
  vmName: string;
  resourceGroup?: string;
  /** A chosen recovery point; the latest when absent. */
  pointName?: string;
  /** The configured networks: the one in the VM's (its vault's) subscription is used; none there = refused. */
  networks: RehearsalNetwork[];
  /** The request (or standing approval occurrence): the rehearsal VM's name derives from it. */
  requestId: string;
}

/** Why no rehearsal can be planned for that VM (each has a message in src/i18n/messages/rehearsal). */
export type RehearsalRefusal =
  | { refused: 'notFound' | 'notProtected' | 'noPoints' | 'pointNotFound' | 'unmanaged' | 'noStaging'; vm: string }
  | { refused: 'keyVaultNotFound'; vm: string; keyVault: string }
  | { refused: 'notIsolated'; vm: string; detail: string }
  | { refused: 'otherRegion'; vm: string; region: string; networkRegion: string }
  | { refused: 'noNetwork'; vm: string; subscription: string };

/**
 * The plan of a rehearsal: the latest (or the chosen) recovery point restored into the isolated rehearsal network (its
 * resource group and subnet, refused unless unpeered and tagged for rehearsals), staged in the first staging account
 * of the vault's region, with the same key pre-checks as a restore (the key and secret put back only if missing).
 * Reads only; nothing changes.
 */
export async function planRehearsal(
  azure: RehearsalAzure,
  input: RehearsalPlanInput,
  signal?: AbortSignal,
): Promise<{ plan: RestorePlan } | RehearsalRefusal> {
  const options = { abortSignal: signal };
  const vm = input.vmName;
  let summary;
  try {
    summary = await azure.vms.get(vm, input.resourceGroup, options);
  } catch (err) {
    if (err instanceof NotFoundError) return { refused: 'notFound', vm };
    throw err;
  }
  const p = summary.protection;
  if (!p || summary.deployment !== 'resourceManager') return { refused: 'notProtected', vm: summary.name };
  // Azure restores only within the vault's subscription
  // (https://learn.microsoft.com/azure/backup/backup-azure-encrypted-vm-troubleshoot): the rehearsal network must be
  // there, so a VM whose subscription has none is refused now, before any approval.
  const network = await azure.rehearsal.networkFor(input.networks, summary.id, options);
  if (!network) {
    const sub = /^\/subscriptions\/([^/]+)/i.exec(summary.id)?.[1] ?? '';
    return {
      refused: 'noNetwork',
      vm: summary.name,
      subscription: await azure.rehearsal.subscriptionName(sub, options),
    };
  }
  const item = {
    vault: p.vault,
    vaultResourceGroup: p.vaultResourceGroup,
    containerName: p.containerName,
    protectedItemName: p.protectedItemName,
  };
  const listed = await azure.recoveryPoints.list(item, {}, options);
  if (listed.length === 0) return { refused: 'noPoints', vm: summary.name };
  const rp = input.pointName ? listed.find((x) => x.name === input.pointName) : listed[0];
  if (!rp) return { refused: 'pointNotFound', vm: summary.name };
  if (rp.managedDisks === false) return { refused: 'unmanaged', vm: summary.name };
  const point: FlowPoint = {
    name: rp.name,
    time: rp.time.toISOString(),
    type: rp.type,
    templateRestorable: rp.templateRestorable,
    legacyKeyAndSecret: rp.legacyKeyAndSecret,
    managedDisks: rp.managedDisks,
  };
  const chosen = flowVm(summary, item, rp.osType);
  const keys = await checkKeys(azure, chosen, point, signal);
  if ('refused' in keys) return { refused: 'keyVaultNotFound', vm: chosen.name, keyVault: keys.keyVault };
  let net;
  try {
    net = await azure.rehearsal.checkIsolatedSubnet(network, options);
  } catch (err) {
    const code = (err as { details?: { code?: string } }).details?.code;
    const missing = (err as { details?: { statusCode?: number } }).details?.statusCode === 404;
    if (missing && network.addressPrefix) {
      // The run makes it (ensureIsolatedNetwork) in the VM's region; the plan names it as it will be.
      const { resourceGroup, vnet, subnet } = network;
      const sub = /^\/subscriptions\/[^/]+/i.exec(chosen.id)?.[0] ?? '';
      const id = `${sub}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/virtualNetworks/${vnet}/subnets/${subnet}`;
      net = { id, resourceGroup, vnet, subnet, location: chosen.location };
    } else if (code === 'RehearsalNetworkNotIsolated' || missing) {
      return { refused: 'notIsolated', vm: chosen.name, detail: (err as Error).message };
    } else throw err;
  }
  const region = chosen.location;
  if (net.location.toLowerCase() !== region.toLowerCase())
    return { refused: 'otherRegion', vm: chosen.name, region, networkRegion: net.location };
  // Staged in the vault's subscription too (the restore's staging account must be there).
  const [staging] = await azure.targets.listStagingAccounts(region, {
    ...options,
    subscriptionId: network.subscriptionId,
  });
  if (!staging) return { refused: 'noStaging', vm: chosen.name };
  const newVmName = rehearsalVmName(chosen.name, input.requestId);
  const rgId = staging.id.replace(/\/resourceGroups\/.*$/i, `/resourceGroups/${net.resourceGroup}`);
  return {
    plan: {
      vm: {
        id: chosen.id,
        name: chosen.name,
        resourceGroup: chosen.resourceGroup,
        location: region,
        osType: chosen.osType,
      },
      item,
      region,
      recoveryPoint: point,
      encryption: keys.encryption,
      staging: { id: staging.id, name: staging.name },
      targetResourceGroup: { id: rgId, name: net.resourceGroup },
      subnet: { id: net.id, vnet: net.vnet, subnet: net.subnet, resourceGroup: net.resourceGroup },
      newVmName,
      newNicName: restoreNicName(newVmName),
      path: 'compute',
      purpose: 'rehearsal',
    },
  };
}

/** `rh-<vm>-<6 hex of the request>`: unique per rehearsal, within Azure's 64 characters. */
export function rehearsalVmName(vm: string, requestId: string): string {
  const short = createHash('sha256').update(requestId).digest('hex').slice(0, 6);
  return `rh-${vm.slice(0, 50)}-${short}`;
}
