import { AbortError } from '@azure/abort-controller';
import type { OperationStatus, OperationStatusJobExtendedInfo } from '@azure/arm-recoveryservicesbackup';
import type { AzureClients } from './clients';
import { AzureRequestError } from './errors';
import { operationIdFromUrl } from './names';
import type { OperationOptions } from './types';

/**
 * Following Azure Backup's asynchronous operations. Backup's protect, backup-now and refresh calls are not
 * pollers in the SDK: they answer 202 and return nothing, so the headers are read through `onResponse` and the
 * operation is polled here, at the interval the service asks for (Retry-After), until the abort signal says stop.
 */

/** Interval when no response has carried a Retry-After yet (core-lro's default). */
const DEFAULT_POLL_MS = 2000;
/** A bound on polls so a stuck operation ends in an error rather than a hang. */
const MAX_POLLS = 1000;

/** Collects the status and headers of the last response an SDK call saw. */
export class ResponseCapture {
  status?: number;
  private headers?: { get(name: string): string | undefined };
  readonly onResponse = (raw: { status: number; headers: { get(name: string): string | undefined } }): void => {
    this.status = raw.status;
    this.headers = raw.headers;
  };
  header(name: string): string | undefined {
    return this.headers?.get(name) ?? undefined;
  }
}

/** Waits what Retry-After (seconds or an HTTP date) asks, or the default; rejects with AbortError on abort. */
export function waitRetryAfter(retryAfter: string | undefined, abortSignal?: AbortSignal): Promise<void> {
  let ms = DEFAULT_POLL_MS;
  if (retryAfter !== undefined && retryAfter.trim() !== '') {
    const seconds = Number(retryAfter);
    ms = Number.isFinite(seconds)
      ? seconds * 1000
      : Math.max(0, Date.parse(retryAfter) - Date.now()) || DEFAULT_POLL_MS;
  }
  return sleep(ms, abortSignal);
}

export function sleep(ms: number, abortSignal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (abortSignal?.aborted) return reject(new AbortError('The operation was aborted.'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortError('The operation was aborted.'));
    };
    const timer = setTimeout(() => {
      abortSignal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    abortSignal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Follows a protected-item operation (configure protection, backup now) from its Azure-AsyncOperation URL to the
 * job it started, as the Azure CLI does: poll the operation status the header names (the protected item's
 * operationsStatus, or the vault's backupOperations) until it is no longer InProgress. A Failed operation becomes
 * AzureRequestError with the operation's own error code. Needs `…/operationsStatus/read` / `…/backupOperations/read`.
 */
export async function followToJob(
  clients: AzureClients,
  vault: { name: string; resourceGroup: string },
  asyncOperationUrl: string,
  firstRetryAfter: string | undefined,
  operation: string,
  options: OperationOptions,
): Promise<string> {
  const path = asyncOperationUrl.split('?')[0];
  const item =
    /\/backupFabrics\/([^/]+)\/protectionContainers\/([^/]+)\/protectedItems\/([^/]+)\/operationsStatus\/([^/]+)$/i.exec(
      path,
    );
  const opId = operationIdFromUrl(asyncOperationUrl);
  let retryAfter = firstRetryAfter;
  for (let poll = 0; poll < MAX_POLLS; poll++) {
    await waitRetryAfter(retryAfter, options.abortSignal);
    const capture = new ResponseCapture();
    const request = { abortSignal: options.abortSignal, onResponse: capture.onResponse };
    const status: OperationStatus = item
      ? await clients.backup.protectedItemOperationStatuses.get(
          vault.name,
          vault.resourceGroup,
          decodeURIComponent(item[1]),
          decodeURIComponent(item[2]),
          decodeURIComponent(item[3]),
          opId,
          request,
        )
      : await clients.backup.backupOperationStatuses.get(vault.name, vault.resourceGroup, opId, request);
    // A poll that names no interval keeps the one the service asked for last.
    retryAfter = capture.header('retry-after') ?? retryAfter;
    const state = (status.status ?? 'InProgress').toLowerCase();
    if (state === 'succeeded') {
      const jobId = (status.properties as OperationStatusJobExtendedInfo | undefined)?.jobId;
      if (!jobId)
        throw new AzureRequestError('The operation succeeded but named no job.', {
          code: 'OperationReturnedNoJob',
          operation,
        });
      return jobId;
    }
    if (state === 'failed' || state === 'invalid') {
      throw new AzureRequestError(status.error?.message ?? 'The operation failed.', {
        code: status.error?.code ?? 'OperationFailed',
        requestId: capture.header('x-ms-request-id'),
        operation,
      });
    }
    if (state === 'canceled' || state === 'cancelled') {
      throw new AzureRequestError('The operation was cancelled in Azure.', { code: 'OperationCanceled', operation });
    }
  }
  throw new AzureRequestError(`The operation did not finish after ${MAX_POLLS} polls.`, {
    code: 'OperationTimedOut',
    operation,
  });
}

/**
 * Refreshes the vault's view of the subscription's VMs (discovery) and waits for it: POST refreshContainers (202 +
 * Location), then the operation result until it stops answering 202. Needs
 * `Microsoft.RecoveryServices/Vaults/backupFabrics/refreshContainers/action`.
 */
export async function refreshContainers(
  clients: AzureClients,
  vault: { name: string; resourceGroup: string },
  options: OperationOptions,
): Promise<void> {
  const started = new ResponseCapture();
  await clients.backup.protectionContainers.refresh(vault.name, vault.resourceGroup, 'Azure', {
    abortSignal: options.abortSignal,
    onResponse: started.onResponse,
  });
  const location = started.header('location');
  if (started.status !== 202 || !location) return;
  const opId = operationIdFromUrl(location);
  let retryAfter = started.header('retry-after');
  for (let poll = 0; poll < MAX_POLLS; poll++) {
    await waitRetryAfter(retryAfter, options.abortSignal);
    const capture = new ResponseCapture();
    await clients.backup.protectionContainerRefreshOperationResults.get(
      vault.name,
      vault.resourceGroup,
      'Azure',
      opId,
      {
        abortSignal: options.abortSignal,
        onResponse: capture.onResponse,
      },
    );
    if (capture.status !== 202) return;
    retryAfter = capture.header('retry-after') ?? retryAfter;
  }
  throw new AzureRequestError(`Discovery did not finish after ${MAX_POLLS} polls.`, {
    code: 'OperationTimedOut',
    operation: 'refreshContainers',
  });
}
