import { createHash } from 'node:crypto';
import { sameId } from '../../authorization/rbac';
import type { Permission, ProviderContext, SandboxRequest } from '../../http/types';
import type { Blob, StorageAccount } from '../../world/types';
import { accountId } from './accountRoutes';
import { containerNotFound, STORAGE_VERSION, StorageError } from './storageError';

export const BLOB_ACTIONS = 'Microsoft.Storage/storageAccounts/blobServices/containers';

export const findAccount = (ctx: ProviderContext, name: string | undefined): StorageAccount | undefined =>
  ctx.world.storageAccounts.find((a) => sameId(a.name, name));

export function requireAccount(ctx: ProviderContext, name: string): StorageAccount {
  const account = findAccount(ctx, name);
  if (!account) throw new StorageError(404, 'ResourceNotFound', 'The specified resource does not exist.');
  return account;
}

/** account → container → blob name → blob, created lazily for accounts added after start. */
export function containers(ctx: ProviderContext, account: StorageAccount): Record<string, Record<string, Blob>> {
  return (ctx.world.blobs[account.name] ??= {});
}

export function requireContainer(
  ctx: ProviderContext,
  account: StorageAccount,
  container: string,
): Record<string, Blob> {
  const c = containers(ctx, account)[container];
  if (!c) throw containerNotFound();
  return c;
}

/**
 * The RBAC check for a blob-surface request: a data action on blobs, or a control action on containers, at the
 * container's scope (under the account's ARM id, so account, resource group and subscription assignments apply).
 */
export function blobPermission(
  ctx: ProviderContext,
  req: SandboxRequest,
  what: string,
  data: boolean,
): Permission | undefined {
  const account = findAccount(ctx, req.params.account);
  if (!account) return undefined;
  const scope = req.params.container
    ? `${accountId(ctx, account)}/blobServices/default/containers/${req.params.container}`
    : accountId(ctx, account);
  return { action: `${BLOB_ACTIONS}/${what}`, scope, data };
}

/** The blob name from a path-style route: /{account}/{container}/{b0}/{b1}/… → "b0/b1/…". */
export const blobName = (req: SandboxRequest): string =>
  Object.keys(req.params)
    .filter((k) => /^b\d+$/.test(k))
    .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))
    .map((k) => req.params[k])
    .join('/');

export const contentOf = (b: Blob): Buffer => Buffer.from(b.content, 'base64');

/** Storage's strong ETag form: "0x8D…" (hex), derived from content and time so it changes on every write. */
export const etagOf = (b: Blob): string =>
  `"0x8D${createHash('md5').update(b.content).update(b.createdOn).digest('hex').slice(0, 13).toUpperCase()}"`;

export const md5Of = (b: Blob): string => createHash('md5').update(contentOf(b)).digest('base64');

export const httpDate = (iso: string): string => new Date(iso).toUTCString();

/** Headers common to every blob-surface response. */
export const storageHeaders = (req: SandboxRequest): Record<string, string> => ({
  'x-ms-version': String(req.headers['x-ms-version'] ?? STORAGE_VERSION),
  ...(req.headers['x-ms-client-request-id']
    ? { 'x-ms-client-request-id': String(req.headers['x-ms-client-request-id']) }
    : {}),
});

/** Properties headers of Get Blob / Get Blob Properties. */
export function blobHeaders(req: SandboxRequest, b: Blob): Record<string, string> {
  return {
    ...storageHeaders(req),
    'Content-Type': b.contentType,
    'Content-MD5': md5Of(b),
    ETag: etagOf(b),
    'Last-Modified': httpDate(b.createdOn),
    'x-ms-creation-time': httpDate(b.createdOn),
    'x-ms-blob-type': 'BlockBlob',
    'x-ms-lease-status': 'unlocked',
    'x-ms-lease-state': 'available',
    'x-ms-server-encrypted': 'true',
    'x-ms-access-tier': 'Hot',
    'x-ms-access-tier-inferred': 'true',
    'Accept-Ranges': 'bytes',
  };
}

/** If-Match / If-None-Match on a blob (Storage answers 412 ConditionNotMet, or 409 BlobAlreadyExists for If-None-Match: * on write). */
export function checkConditions(req: SandboxRequest, b: Blob | undefined, write: boolean): void {
  const ifMatch = req.headers['if-match'];
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifMatch && ifMatch !== '*' && (!b || ifMatch !== etagOf(b))) {
    throw b
      ? new StorageError(412, 'ConditionNotMet', 'The condition specified using HTTP conditional header(s) is not met.')
      : new StorageError(404, 'BlobNotFound', 'The specified blob does not exist.');
  }
  if (ifMatch === '*' && !b) throw new StorageError(404, 'BlobNotFound', 'The specified blob does not exist.');
  if (ifNoneMatch && b && (ifNoneMatch === '*' || ifNoneMatch === etagOf(b))) {
    if (write && ifNoneMatch === '*')
      throw new StorageError(409, 'BlobAlreadyExists', 'The specified blob already exists.');
    throw new StorageError(
      write ? 412 : 304,
      'ConditionNotMet',
      'The condition specified using HTTP conditional header(s) is not met.',
    );
  }
}
