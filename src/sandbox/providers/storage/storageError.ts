import { randomUUID } from 'node:crypto';
import { AzureError } from '../../http/errors';
import type { SandboxResponse } from '../../http/types';

/** The service version the blob surface reports when the client names none. */
export const STORAGE_VERSION = '2026-10-06';

/**
 * An Azure Storage error: XML body `<Error><Code/><Message/></Error>` plus the x-ms-error-code header, which the
 * storage SDK reads (HEAD responses have no body). Thrown from blob handlers; the dispatcher renders it.
 */
export class StorageError extends AzureError {
  toResponse(): SandboxResponse {
    const requestId = randomUUID();
    const message = `${this.message}\nRequestId:${requestId}\nTime:${new Date().toISOString()}`;
    return {
      status: this.status,
      headers: {
        'Content-Type': 'application/xml',
        'x-ms-error-code': this.code,
        'x-ms-request-id': requestId,
        'x-ms-version': STORAGE_VERSION,
      },
      body: `<?xml version="1.0" encoding="utf-8"?><Error><Code>${xml(this.code)}</Code><Message>${xml(message)}</Message></Error>`,
    };
  }
}

export const blobNotFound = () => new StorageError(404, 'BlobNotFound', 'The specified blob does not exist.');
export const containerNotFound = () =>
  new StorageError(404, 'ContainerNotFound', 'The specified container does not exist.');
export const permissionMismatch = () =>
  new StorageError(
    403,
    'AuthorizationPermissionMismatch',
    'This request is not authorized to perform this operation using this permission.',
  );

/** Escapes text for an XML element or attribute. */
export const xml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
