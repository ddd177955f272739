import { AzureRequestError } from '../errors';

interface ErrorLike {
  code?: string;
  message?: string;
  details?: ErrorLike[];
}

/**
 * The innermost error of an ARM error tree: DeploymentFailed wraps the failing resource's error (for example
 * KeyVaultSecretDoesNotExist) in `details`, sometimes as JSON inside the message. The leaf is what the user must fix.
 */
export function innermostError(error: ErrorLike | undefined): { code: string; message: string } | undefined {
  if (!error) return undefined;
  for (const d of error.details ?? []) {
    const inner = innermostError(d);
    if (inner) return inner;
  }
  const embedded = embeddedError(error.message);
  if (embedded) return innermostError(embedded) ?? { code: embedded.code!, message: embedded.message ?? '' };
  return error.code ? { code: error.code, message: error.message ?? '' } : undefined;
}

function embeddedError(message: string | undefined): ErrorLike | undefined {
  const start = message?.indexOf('{') ?? -1;
  if (!message || start < 0) return undefined;
  try {
    const parsed = JSON.parse(message.slice(start)) as { error?: ErrorLike } & ErrorLike;
    const e = parsed.error ?? parsed;
    return e.code ? e : undefined;
  } catch {
    return undefined;
  }
}

/** A failed deployment as our error: the inner code in `details.code`, the outer one named in the message. */
export function deploymentFailed(
  deploymentName: string,
  error: ErrorLike | undefined,
  fallback: Error,
): AzureRequestError {
  const inner = innermostError(error);
  const code = inner?.code ?? error?.code ?? 'DeploymentFailed';
  const message = inner?.message || error?.message || fallback.message;
  return new AzureRequestError(
    `Deployment ${deploymentName} failed (${error?.code ?? 'DeploymentFailed'}): ${message}`,
    {
      code,
      operation: 'createVm',
    },
  );
}
