import type { AzureIaaSVMJob, JobResource } from '@azure/arm-recoveryservicesbackup';
import type { JobError, JobSummary } from '../types';

/**
 * A backup job in the bot's words. Job errors carry a numeric code, a title (often the error's name, e.g.
 * UserErrorKeyVaultPermissionsNotConfigured), a localized string and recommendations; a job with no error
 * details but a dynamicErrorMessage gets one error from it.
 */
export function toJobSummary(resource: JobResource, vault: string): JobSummary {
  const p = (resource.properties ?? {}) as AzureIaaSVMJob;
  const errors: JobError[] = (p.errorDetails ?? []).map((e) => ({
    code:
      typeof e.errorCode === 'number'
        ? e.errorCode
        : Number.isFinite(Number(e.errorCode))
          ? Number(e.errorCode)
          : undefined,
    title: e.errorTitle || undefined,
    message: e.errorString ?? '',
    recommendations: e.recommendations ?? [],
  }));
  const dynamic = p.extendedInfo?.dynamicErrorMessage;
  if (errors.length === 0 && dynamic) errors.push({ message: dynamic, recommendations: [] });
  return {
    id: resource.name ?? resource.id?.split('/').pop() ?? '',
    vault,
    operation: p.operation ?? '',
    status: p.status ?? '',
    vmName: p.entityFriendlyName ?? '',
    vmResourceGroup: p.containerName?.split(';').at(-2) || undefined,
    vaultResourceGroup: /\/resourceGroups\/([^/]+)\//i.exec(resource.id ?? '')?.[1],
    startTime: p.startTime ? new Date(p.startTime) : undefined,
    endTime: p.endTime ? new Date(p.endTime) : undefined,
    durationText: p.duration,
    progressPercent: p.extendedInfo?.progressPercentage,
    errors,
    properties: { ...(p.extendedInfo?.propertyBag ?? {}) },
    isUserTriggered: p.isUserTriggered,
  };
}
