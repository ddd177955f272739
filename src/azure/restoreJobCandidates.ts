import type { AzureIaaSVMJob } from '@azure/arm-recoveryservicesbackup';
import type { AzureClients } from './clients';
import { sameId } from './names';
import { formatBackupDate } from './restore/backupDate';
import type { OperationOptions } from './types';

/** A Restore job as crash recovery compares it with a run: when it started and where it restores to. */
export interface RestoreJobCandidate {
  id: string;
  startTime?: Date;
  /** From the job's property bag (`Target Storage Account Name`, `Target resource group`), once Azure names them. */
  stagingAccount?: string;
  targetResourceGroup?: string;
}

/**
 * Every Restore job of `vmName` that started between `from` and `to` (a server-side filter on operation and time
 * window, then the VM), oldest first. Permission: Microsoft.RecoveryServices/Vaults/backupJobs/read.
 */
export async function listRestoreJobs(
  clients: AzureClients,
  vault: { name: string; resourceGroup: string },
  vmName: string,
  window: { from: Date; to: Date },
  options: OperationOptions = {},
): Promise<RestoreJobCandidate[]> {
  const filter = `operation eq 'Restore' and startTime eq '${formatBackupDate(window.from)}' and endTime eq '${formatBackupDate(window.to)}'`;
  const found: RestoreJobCandidate[] = [];
  for await (const job of clients.backup.backupJobs.list(vault.name, vault.resourceGroup, {
    filter,
    abortSignal: options.abortSignal,
  })) {
    const p = (job.properties ?? {}) as AzureIaaSVMJob;
    if (!job.name || !sameId(p.entityFriendlyName, vmName)) continue;
    const bag = p.extendedInfo?.propertyBag ?? {};
    const get = (key: string) => {
      const k = Object.keys(bag).find((x) => x.trim().toLowerCase() === key.toLowerCase());
      return k === undefined ? undefined : bag[k]?.trim() || undefined;
    };
    found.push({
      id: job.name,
      startTime: p.startTime ? new Date(p.startTime) : undefined,
      stagingAccount: get('Target Storage Account Name'),
      targetResourceGroup: get('Target resource group'),
    });
  }
  return found.sort((a, b) => (a.startTime?.getTime() ?? 0) - (b.startTime?.getTime() ?? 0));
}
