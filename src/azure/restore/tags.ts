import type { AzureClients } from '../clients';
import { parseResourceId } from '../names';
import type { OperationOptions } from '../types';

/**
 * Tags on what a restore creates, so that in Azure (portal, Resource Graph, Activity Log) a restored VM names the
 * request that made it and the two people behind it. Object ids only: names and e-mail addresses would put personal
 * data into every reader of the subscription's tags.
 */
export const TRAIL_TAGS = {
  request: 'ade-backup-bot:request',
  requestedBy: 'ade-backup-bot:requested-by',
  approvedBy: 'ade-backup-bot:approved-by',
} as const;

/** Who asked and who approved a restore, as the approval record keeps them (Entra object ids). */
export interface RestoreTrail {
  requestId: string;
  requestedBy?: string;
  approvedBy?: string;
}

/** An Entra object id (hex and dashes; the sandbox's Playground users have a 13-digit last group): never a name. */
const OBJECT_ID = /^[0-9a-f-]{32,40}$/i;

/** The tag set for a restore; an id that is not an object id (a name slipped in) is left out rather than written. */
export function trailTags(trail: RestoreTrail): Record<string, string> {
  const tags: Record<string, string> = { [TRAIL_TAGS.request]: trail.requestId };
  if (trail.requestedBy && OBJECT_ID.test(trail.requestedBy)) tags[TRAIL_TAGS.requestedBy] = trail.requestedBy;
  if (trail.approvedBy && OBJECT_ID.test(trail.approvedBy)) tags[TRAIL_TAGS.approvedBy] = trail.approvedBy;
  return tags;
}

/**
 * Adds `tags` to the restored VM (beside the tags it already has), its NICs and its managed disks; a repeat is
 * harmless. One VM read, then one PATCH per resource.
 * Permission: Microsoft.Compute/virtualMachines/read and /write, Microsoft.Network/networkInterfaces/write,
 * Microsoft.Compute/disks/write (Virtual Machine Contributor and Network Contributor on the target group).
 */
export async function tagCreatedResources(
  clients: AzureClients,
  vmId: string,
  tags: Record<string, string> | undefined,
  options: OperationOptions & { pollIntervalMs?: number } = {},
): Promise<void> {
  if (!tags) return;
  const ref = parseResourceId(vmId);
  if (!ref) return;
  const { abortSignal } = options;
  const poll = { abortSignal, updateIntervalInMs: options.pollIntervalMs };
  const vm = await clients.compute.virtualMachines.get(ref.resourceGroup, ref.name, { abortSignal });
  const merged = (own: Record<string, string> | undefined) => ({ ...(own ?? {}), ...tags });
  await clients.compute.virtualMachines.update(ref.resourceGroup, ref.name, { tags: merged(vm.tags) }, poll);
  // The NIC and the disks are this restore's own (created by it, or by its restore job): they get exactly these tags.
  for (const nic of vm.networkProfile?.networkInterfaces ?? []) {
    const n = parseResourceId(nic.id);
    if (n) await clients.network.networkInterfaces.updateTags(n.resourceGroup, n.name, { tags }, { abortSignal });
  }
  const storage = vm.storageProfile;
  const diskIds = [storage?.osDisk?.managedDisk?.id, ...(storage?.dataDisks ?? []).map((d) => d.managedDisk?.id)];
  for (const id of diskIds) {
    const d = parseResourceId(id);
    if (d) await clients.compute.disks.update(d.resourceGroup, d.name, { tags }, poll);
  }
}
