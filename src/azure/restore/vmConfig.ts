import type { AzureClients } from '../clients';
import { AzureRequestError } from '../errors';
import { parseResourceId, resourceGroupId, sameId } from '../names';
import type { OperationOptions } from '../types';

export interface ConfigDisk {
  name?: string;
  id?: string;
  lun?: number;
}

/** What the restore job's VM config blob tells about the VM: size, OS type, the restored disks. */
export interface VmConfig {
  vmSize?: string;
  osType?: 'Windows' | 'Linux';
  osDisk?: ConfigDisk;
  dataDisks: ConfigDisk[];
}

export interface RestoredDisks {
  osDiskId: string;
  dataDisks: { lun: number; id: string }[];
}

/**
 * Parses VMConfig.json. Azure Backup writes the VM model with flattened keys ('properties.storageProfile',
 * 'properties.hardwareProfile', read that way by the PowerShell restore steps); the nested ARM shape and the SDK's
 * flattened shape are accepted too. Keys are matched case-insensitively.
 */
export function parseVmConfig(text: string): VmConfig {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { dataDisks: [] };
  }
  const section = (name: string): unknown =>
    get(doc, `properties.${name}`) ?? get(get(doc, 'properties'), name) ?? get(doc, name);
  const storage = section('storageProfile');
  const os = get(storage, 'osDisk');
  const osType = str(get(os, 'osType'));
  const disk = (d: unknown): ConfigDisk => ({
    name: str(get(d, 'name')),
    id: str(get(get(d, 'managedDisk'), 'id')),
    lun: typeof get(d, 'lun') === 'number' ? (get(d, 'lun') as number) : undefined,
  });
  const data = get(storage, 'dataDisks');
  return {
    vmSize: str(get(section('hardwareProfile'), 'vmSize')),
    osType: osType === 'Windows' || osType === 'Linux' ? osType : undefined,
    osDisk: os ? disk(os) : undefined,
    dataDisks: Array.isArray(data) ? data.map(disk) : [],
  };
}

/**
 * The restored managed disks in the target resource group. The config's osDisk.name is the restored disk's name (the
 * restore docs update the disk by that name in the target group); a managedDisk.id is used when it already lies in
 * the target group (the config may also carry the source VM's ids, which are not the restored disks). Without names,
 * the disks are found by listing the target group once: unattached disks named after the source VM, the one with an
 * OS type being the OS disk, newest first.
 * Permission: Microsoft.Compute/disks/read.
 */
export async function resolveRestoredDisks(
  clients: AzureClients,
  config: VmConfig,
  targetResourceGroup: string,
  sourceVmName: string,
  options: OperationOptions = {},
): Promise<RestoredDisks> {
  const rgId = resourceGroupId(clients.settings.subscriptionId, targetResourceGroup);
  const idOf = (d: ConfigDisk | undefined): string | undefined => {
    if (d?.id && sameId(parseResourceId(d.id)?.resourceGroup, targetResourceGroup)) return d.id;
    return d?.name ? `${rgId}/providers/Microsoft.Compute/disks/${d.name}` : undefined;
  };
  const osDiskId = idOf(config.osDisk);
  if (osDiskId && config.dataDisks.every((d) => idOf(d))) {
    return { osDiskId, dataDisks: config.dataDisks.map((d, i) => ({ lun: d.lun ?? i, id: idOf(d)! })) };
  }
  const prefix = sourceVmName.toLowerCase();
  const candidates: { id: string; name: string; os: boolean; created: number }[] = [];
  for await (const d of clients.compute.disks.listByResourceGroup(targetResourceGroup, {
    abortSignal: options.abortSignal,
  })) {
    if (!d.id || !d.name || d.managedBy || !d.name.toLowerCase().startsWith(prefix)) continue;
    candidates.push({
      id: d.id,
      name: d.name,
      os: !!d.osType,
      created: d.timeCreated ? new Date(d.timeCreated).getTime() : 0,
    });
  }
  candidates.sort((a, b) => b.created - a.created || a.name.localeCompare(b.name));
  const os = candidates.find((c) => c.os);
  if (!os) {
    throw new AzureRequestError(`No restored OS disk of ${sourceVmName} was found in ${targetResourceGroup}.`, {
      code: 'RestoredDiskNotFound',
      operation: 'createVm',
    });
  }
  const data = candidates.filter((c) => !c.os && Math.abs(c.created - os.created) < 3600_000);
  data.sort((a, b) => a.name.localeCompare(b.name));
  return { osDiskId: os.id, dataDisks: data.map((d, lun) => ({ lun, id: d.id })) };
}

function get(obj: unknown, name: string): unknown {
  if (!obj || typeof obj !== 'object') return undefined;
  const key = Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : (obj as Record<string, unknown>)[key];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
