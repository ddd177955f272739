import type { BackupJob, RecoveryVault, World } from '../../world/types';
import { vaultId } from './context';
import { namesFor } from './names';
import { vmRefOfId } from './shapes';

/** An AzureIaaSVMJob resource as `backupJobs` list and get return it (reference §6). */
export function jobBody(world: World, v: RecoveryVault, job: BackupJob, now: number): Record<string, unknown> {
  const start = Date.parse(job.startTime);
  const end = job.endTime ? Date.parse(job.endTime) : now;
  const running = job.status === 'InProgress';
  const progress = running
    ? Math.min(99, Math.max(0, Math.floor(((now - start) / Math.max(1, job.dueAt - start)) * 100)))
    : 100;
  const failed = job.status === 'Failed';
  return {
    id: `${vaultId(world, v)}/backupJobs/${job.id}`,
    name: job.id,
    type: 'Microsoft.RecoveryServices/vaults/backupJobs',
    properties: {
      jobType: 'AzureIaaSVMJob',
      entityFriendlyName: job.entityFriendlyName,
      backupManagementType: 'AzureIaasVM',
      operation: job.operation,
      status: job.status,
      startTime: job.startTime,
      ...(job.endTime ? { endTime: job.endTime } : {}),
      activityId: `${job.id}-${start.toString(16)}`,
      duration: timeSpan(end - start),
      actionsInfo: running ? ['Cancellable'] : failed && job.operation === 'Backup' ? ['Retriable'] : [],
      // AzureIaaSVMErrorInfo: integer errorCode, errorString (the localized message), recommendations, and errorTitle
      // "Typically, the entity that the error pertains to" (the SDK's own doc comment, @azure/arm-recoveryservicesbackup
      // models AzureIaaSVMErrorInfo; spec recoveryservicesbackup/.../bms.json). Not the error's name.
      ...(job.errorDetails.length > 0
        ? {
            errorDetails: job.errorDetails.map((e) => ({
              errorCode: e.errorCode,
              errorTitle: job.entityFriendlyName,
              errorString: e.errorString,
              recommendations: e.recommendations,
            })),
          }
        : {}),
      virtualMachineVersion: 'Compute',
      containerName: namesFor(vmRefOfId(job.vmId)).short,
      isUserTriggered: job.isUserTriggered,
      extendedInfo: {
        tasksList: tasks(job, progress),
        propertyBag: job.propertyBag,
        progressPercentage: failed ? 0 : progress,
        ...(running ? { estimatedRemainingDuration: timeSpan(Math.max(0, job.dueAt - now)) } : {}),
        ...(failed && job.errorDetails[0] ? { dynamicErrorMessage: job.errorDetails[0].errorString } : {}),
      },
    },
  };
}

function tasks(job: BackupJob, progress: number): Record<string, unknown>[] {
  const names =
    job.operation === 'Backup'
      ? ['Take Snapshot', 'Transfer data to vault']
      : job.operation === 'Restore'
        ? ['Transfer data']
        : [];
  return names.map((taskId, i) => {
    const status =
      job.status === 'InProgress'
        ? i === 0
          ? 'InProgress'
          : 'NotStarted'
        : job.status === 'Failed'
          ? i === 0
            ? 'Failed'
            : 'NotStarted'
          : job.status;
    return {
      taskId,
      startTime: job.startTime,
      ...(status === 'Completed' && job.endTime ? { endTime: job.endTime } : {}),
      duration: '00:00:00',
      status,
      progressPercentage: status === 'Completed' ? 100 : status === 'InProgress' ? progress : 0,
    };
  });
}

/** .NET TimeSpan text ([d.]hh:mm:ss.fffffff), the form Backup writes durations in. */
export function timeSpan(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  const days = Math.floor(total / 86_400_000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const h = Math.floor(total / 3_600_000) % 24;
  const m = Math.floor(total / 60_000) % 60;
  const s = Math.floor(total / 1000) % 60;
  const frac = pad((total % 1000) * 10_000, 7);
  return `${days > 0 ? `${days}.` : ''}${pad(h)}:${pad(m)}:${pad(s)}.${frac}`;
}
