import { setTimeout as sleep } from 'node:timers/promises';
import type { IaasVMRestoreRequest, RestoresTriggerOptionalParams } from '@azure/arm-recoveryservicesbackup';
import type { AzureClients } from '../clients';
import { AzureRequestError } from '../errors';
import { parseResourceId } from '../names';
import type { OperationOptions, RestoreDisksInput } from '../types';
import { findRestoreJob } from './restoreJob';

const FABRIC = 'Azure';
/** Poll interval when Azure sends no Retry-After (it normally sends 60 s). */
const DEFAULT_POLL_MS = 5000;
/** 'Retry-After: 0' means "poll again now": still leave the service a moment. */
const MIN_POLL_MS = 200;

/**
 * Starts a Restore (disks) job, as the Azure CLI's restore_disks sends it, and returns the job id as soon as an
 * operation-status body names it (`properties.jobId`), polling at the Retry-After Azure asks for. If the operation
 * ends without naming it, the newest Restore job for the VM since the trigger is looked up with a server-side filter.
 * Permission: Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints/restore/action
 * (plus Microsoft.Storage/storageAccounts/write on the staging account and write on the target resource group).
 */
export async function triggerRestoreDisks(
  clients: AzureClients,
  input: RestoreDisksInput,
  options: OperationOptions = {},
): Promise<{ jobId: string }> {
  const { item } = input;
  const vault = { name: item.vault, resourceGroup: item.vaultResourceGroup };
  const vmName = parseResourceId(input.sourceVmId)?.name ?? input.sourceVmId;
  if (input.reuseJobStartedAfter) {
    const existing = await findRestoreJob(clients, vault, vmName, input.reuseJobStartedAfter, options);
    if (existing) return { jobId: existing };
  }

  const started = new Date();
  let jobId: string | undefined;
  let retryAfterMs: number | undefined;
  // Called for the initial response and every poll (the SDK's result type is void: the job id is only here).
  const onResponse: RestoresTriggerOptionalParams['onResponse'] = (raw) => {
    const body = raw.parsedBody as { properties?: { jobId?: unknown } } | undefined;
    if (typeof body?.properties?.jobId === 'string' && body.properties.jobId) jobId = body.properties.jobId;
    // Azure Backup sends Retry-After on the 202 (60 s); a poll without one keeps the last interval asked for.
    const header = raw.headers.get('retry-after');
    if (header !== undefined && /^\d+$/.test(header.trim()))
      retryAfterMs = Math.max(Number(header) * 1000, MIN_POLL_MS);
  };
  const properties: IaasVMRestoreRequest = {
    objectType: 'IaasVMRestoreRequest',
    recoveryPointId: input.recoveryPointName,
    recoveryType: 'RestoreDisks',
    sourceResourceId: input.sourceVmId,
    // Managed VMs: the disks go to this resource group; without it they come back unmanaged. The CLI sends it only
    // when the point's isManagedVirtualMachine is true (azure-cli backup custom.py, restore_disks).
    ...(input.managedDisks === false ? {} : { targetResourceGroupId: input.targetResourceGroupId }),
    storageAccountId: input.stagingAccountId,
    region: input.region,
    createNewCloudService: true,
    originalStorageAccountOption: false,
  };
  const poller = await clients.backup.restores.beginTrigger(
    item.vault,
    item.vaultResourceGroup,
    FABRIC,
    item.containerName,
    item.protectedItemName,
    input.recoveryPointName,
    { properties },
    { abortSignal: options.abortSignal, onResponse },
  );
  while (!jobId && !poller.isDone()) {
    await sleep(retryAfterMs ?? DEFAULT_POLL_MS, undefined, { signal: options.abortSignal });
    await poller.poll({ abortSignal: options.abortSignal });
  }
  jobId ??= await findRestoreJob(clients, vault, vmName, started, options);
  if (!jobId) {
    throw new AzureRequestError('The restore was accepted but Azure Backup named no Restore job for it.', {
      code: 'RestoreJobNotFound',
      operation: 'beginRestoreDisks',
    });
  }
  return { jobId };
}
