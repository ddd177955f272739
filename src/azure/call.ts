import {
  AmbiguousNameError,
  AzureRequestError,
  IdentityNotApprovedError,
  InvalidInputError,
  NotFoundError,
  UnsupportedVmError,
  SubscriptionNotManagedError,
} from './errors';

/**
 * Runs one SDK call (or a short sequence) under our error vocabulary: SDK `RestError`s and failed pollers become
 * `AzureRequestError` with Azure's code, status and request id; our own typed errors pass through untouched.
 * Retries of 429 and transient 5xx already happened in the SDK pipeline (retryOptions in clients.ts).
 */
export async function azureCall<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toAzureError(operation, err);
  }
}

export function toAzureError(operation: string, err: unknown): Error {
  if (
    err instanceof IdentityNotApprovedError ||
    err instanceof AzureRequestError ||
    err instanceof NotFoundError ||
    err instanceof AmbiguousNameError ||
    err instanceof InvalidInputError ||
    err instanceof UnsupportedVmError ||
    err instanceof SubscriptionNotManagedError
  ) {
    return err;
  }
  // The credential's error can arrive wrapped by the pipeline.
  const cause = (err as { cause?: unknown })?.cause;
  if (cause instanceof IdentityNotApprovedError) return cause;
  if ((err as Error)?.name === 'AbortError') return err as Error;
  const e = err as {
    name?: string;
    code?: string;
    statusCode?: number;
    message?: string;
    response?: { headers?: { get(name: string): string | undefined } };
    details?: { error?: { code?: string; message?: string } };
  };
  const requestId = e.response?.headers?.get('x-ms-request-id');
  const bodyCode = e.details?.error?.code;
  // core-lro's failed-operation error has no code: "The long-running operation has failed. <code>. <message>"
  const lro = /long-running operation has failed\.\s*([A-Za-z0-9_]+)\.?\s*(.*)$/s.exec(e.message ?? '');
  const code = bodyCode ?? e.code ?? lro?.[1] ?? (e.statusCode ? `Http${e.statusCode}` : 'Unknown');
  const message = (lro?.[2] || e.details?.error?.message || e.message || 'Azure request failed').split('\n')[0];
  return new AzureRequestError(message, { code, statusCode: e.statusCode, requestId, operation });
}

/** True for a 404 from Azure (the resource does not exist). */
export function isNotFound(err: unknown): boolean {
  return (
    (err instanceof AzureRequestError && err.details.statusCode === 404) ||
    (err as { statusCode?: number })?.statusCode === 404
  );
}
