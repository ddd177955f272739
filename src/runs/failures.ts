import type { RunRecord } from './types';

type RunError = NonNullable<RunRecord['error']>;

interface ErrorLike {
  name?: string;
  code?: string | number;
  message?: string;
  statusCode?: number;
  status?: number;
  details?: { code?: string; statusCode?: number; requestId?: string };
}

/** Network failures worth another attempt (the Azure SDK pipeline has already retried a few times). */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ESOCKETTIMEDOUT',
  'REQUEST_SEND_ERROR',
  'ETagConflict',
  'TooManyRequests',
  'ServiceUnavailable',
  'InternalServerError',
  'GatewayTimeout',
  'RetryableError',
]);

export function isAbort(err: unknown): boolean {
  return (err as ErrorLike | undefined)?.name === 'AbortError';
}

/** Throttling, server errors and dropped connections: retried within bounds. Anything else fails the step. */
export function isTransient(err: unknown): boolean {
  const e = err as ErrorLike | undefined;
  if (!e) return false;
  const status = e.details?.statusCode ?? e.statusCode ?? e.status;
  // An HTTP status decides on its own; codes matter for failures without one (network, storage conflicts).
  if (status !== undefined) return status === 408 || status === 429 || status >= 500;
  const code = String(e.details?.code ?? e.code ?? '');
  if (TRANSIENT_CODES.has(code)) return true;
  return /^Http(408|429|5\d\d)$/.test(code);
}

/** What a failed run stores: a stable code, a short message safe to show, the step, Azure's request id. */
export function describeFailure(err: unknown, step: string): RunError {
  const e = (err ?? {}) as ErrorLike;
  const code = String(e.details?.code ?? e.code ?? e.name ?? 'Unknown');
  const first = String(e.message ?? 'The step failed.').split('\n')[0];
  const message = first.length > 300 ? `${first.slice(0, 297)}...` : first;
  const requestId = e.details?.requestId;
  return requestId ? { code, message, step, requestId } : { code, message, step };
}
