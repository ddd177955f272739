import type { AzureIaaSVMJob, JobResource } from '@azure/arm-recoveryservicesbackup';
import type { AzureClients } from '../clients';
import { sameId } from '../names';
import type { JobError, OperationOptions, RestoreJob, RestoreJobOutputs } from '../types';
import { formatBackupDate } from './backupDate';

/** Property bag keys of a Restore (disks) job, as Azure Backup writes them (backup-azure-vms-automation.md). */
const BAG = {
  account: 'Target Storage Account Name',
  container: 'Config Blob Container Name',
  config: 'Config Blob Name',
  template: 'Template Blob Uri',
  encryptionInfo: 'Encryption Info Blob Name',
  targetResourceGroup: 'Target resource group',
} as const;

export const TERMINAL_JOB_STATUSES = ['Completed', 'CompletedWithWarnings', 'Failed', 'Cancelled'];

export function toRestoreJob(vault: string, job: JobResource): RestoreJob {
  const p = (job.properties ?? {}) as AzureIaaSVMJob;
  const bag = p.extendedInfo?.propertyBag ?? {};
  const errors: JobError[] = (p.errorDetails ?? []).map((e) => ({
    code: typeof e.errorCode === 'number' ? e.errorCode : undefined,
    title: e.errorTitle,
    message: e.errorString ?? e.errorTitle ?? 'The restore job failed.',
    recommendations: e.recommendations ?? [],
  }));
  if (errors.length === 0 && p.status === 'Failed' && p.extendedInfo?.dynamicErrorMessage) {
    errors.push({ message: p.extendedInfo.dynamicErrorMessage, recommendations: [] });
  }
  return {
    id: job.name ?? '',
    vault,
    status: p.status ?? 'Unknown',
    vmName: p.entityFriendlyName ?? '',
    progressPercent: p.extendedInfo?.progressPercentage,
    startTime: p.startTime,
    endTime: p.endTime,
    errors,
    outputs: parseOutputs(bag),
  };
}

/** The staged files a restore job names; undefined until the bag names the config blob. */
export function parseOutputs(bag: Record<string, string>): RestoreJobOutputs | undefined {
  const get = (key: string): string | undefined => {
    const k = Object.keys(bag).find((x) => x.trim().toLowerCase() === key.toLowerCase());
    const v = k === undefined ? undefined : bag[k]?.trim();
    return v ? v : undefined;
  };
  const stagingAccountName = get(BAG.account);
  const configContainer = get(BAG.container);
  const configBlobName = get(BAG.config);
  if (!stagingAccountName || !configContainer || !configBlobName) return undefined;
  return {
    stagingAccountName,
    configContainer,
    configBlobName,
    templateBlobUri: get(BAG.template),
    encryptionInfoBlobName: get(BAG.encryptionInfo),
    targetResourceGroup: get(BAG.targetResourceGroup),
  };
}

/**
 * The newest Restore job for a VM started at or after `since`, found with a server-side filter (operation and time
 * window) rather than by listing every job. Permission: Microsoft.RecoveryServices/Vaults/backupJobs/read.
 */
export async function findRestoreJob(
  clients: AzureClients,
  vault: { name: string; resourceGroup: string },
  vmName: string,
  since: Date,
  options: OperationOptions = {},
): Promise<string | undefined> {
  const slackMs = 5 * 60 * 1000;
  const from = new Date(since.getTime() - slackMs);
  const to = new Date(Date.now() + slackMs);
  const filter = `operation eq 'Restore' and startTime eq '${formatBackupDate(from)}' and endTime eq '${formatBackupDate(to)}'`;
  let best: { id: string; start: number } | undefined;
  for await (const job of clients.backup.backupJobs.list(vault.name, vault.resourceGroup, {
    filter,
    abortSignal: options.abortSignal,
  })) {
    const p = job.properties;
    const start = p?.startTime ? new Date(p.startTime).getTime() : 0;
    // A minute of tolerance for clock skew between the bot and Azure.
    if (!job.name || !sameId(p?.entityFriendlyName, vmName) || start < since.getTime() - 60_000) continue;
    if (!best || start > best.start) best = { id: job.name, start };
  }
  return best?.id;
}
