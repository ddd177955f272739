import type { SandboxResponse } from './types';

/** An error with Azure's body shape. Throw it from a handler; the server turns it into a response. */
export class AzureError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: { headers?: Record<string, string>; details?: unknown[]; innererror?: unknown } = {},
  ) {
    super(message);
  }

  toResponse(): SandboxResponse {
    const error: Record<string, unknown> = { code: this.code, message: this.message };
    if (this.extra.details) error.details = this.extra.details;
    if (this.extra.innererror) error.innererror = this.extra.innererror;
    return { status: this.status, headers: this.extra.headers, body: { error } };
  }
}

export const notFound = (type: string, name: string, resourceGroup?: string): AzureError =>
  new AzureError(
    404,
    'ResourceNotFound',
    `The Resource '${type}/${name}' under resource group '${resourceGroup ?? 'unknown'}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );

export const resourceGroupNotFound = (name: string): AzureError =>
  new AzureError(404, 'ResourceGroupNotFound', `Resource group '${name}' could not be found.`);

export const badRequest = (code: string, message: string): AzureError => new AzureError(400, code, message);

/** Azure Backup's own not-found shape for vault children (jobs, items, recovery points). */
export const backupNotFound = (what: string): AzureError =>
  new AzureError(404, 'BMSUserErrorObjectNotFound', `${what} not found. Please check the input and try again.`);
