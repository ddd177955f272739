import type { ProviderContext, Route, SandboxRequest, SandboxResponse } from '../../http/types';
import {
  blobHeaders,
  blobName,
  blobPermission,
  checkConditions,
  contentOf,
  etagOf,
  httpDate,
  md5Of,
  requireAccount,
  requireContainer,
  storageHeaders,
} from './blobModel';
import { blobNotFound, StorageError } from './storageError';

/** Blob names may contain '/', and routes match whole segments: one route per depth, up to this many segments. */
const MAX_NAME_SEGMENTS = 12;

function target(req: SandboxRequest, ctx: ProviderContext) {
  if (req.query.get('comp')) {
    throw new StorageError(
      400,
      'UnsupportedQueryParameter',
      `The sandbox blob service does not support comp=${req.query.get('comp')} on blobs.`,
    );
  }
  const account = requireAccount(ctx, req.params.account);
  const container = requireContainer(ctx, account, req.params.container);
  return { container, name: blobName(req) };
}

function getBlob(req: SandboxRequest, ctx: ProviderContext, head: boolean): SandboxResponse {
  const { container, name } = target(req, ctx);
  const blob = container[name];
  if (!blob) throw blobNotFound();
  checkConditions(req, blob, false);
  const content = contentOf(blob);
  const range = parseRange(String(req.headers['x-ms-range'] ?? req.headers.range ?? ''), content.length);
  if (!range || head) return { status: 200, headers: blobHeaders(req, blob), body: content };
  const headers = blobHeaders(req, blob);
  delete headers['Content-MD5'];
  headers['x-ms-blob-content-md5'] = md5Of(blob);
  headers['Content-Range'] = `bytes ${range.start}-${range.end}/${content.length}`;
  return { status: 206, headers, body: content.subarray(range.start, range.end + 1) };
}

/** `bytes=start-[end]`; a start past the end is Storage's 416 InvalidRange. */
function parseRange(header: string, size: number): { start: number; end: number } | undefined {
  const m = /bytes=(\d+)-(\d*)/.exec(header);
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = Math.min(m[2] ? Number(m[2]) : size - 1, size - 1);
  if (start >= size || end < start) {
    throw new StorageError(
      416,
      'InvalidRange',
      'The range specified is invalid for the current size of the resource.',
      {
        headers: { 'Content-Range': `bytes */${size}` },
      },
    );
  }
  return { start, end };
}

function putBlob(req: SandboxRequest, ctx: ProviderContext): SandboxResponse {
  const { container, name } = target(req, ctx);
  const type = req.headers['x-ms-blob-type'];
  if (!type)
    throw new StorageError(
      400,
      'MissingRequiredHeader',
      "An HTTP header that's mandatory for this request is not specified.",
    );
  if (String(type) !== 'BlockBlob')
    throw new StorageError(
      400,
      'UnsupportedHeader',
      `The sandbox blob service stores block blobs only (x-ms-blob-type: ${String(type)}).`,
    );
  checkConditions(req, container[name], true);
  const blob = {
    content: req.rawBody.toString('base64'),
    contentType: String(
      req.headers['x-ms-blob-content-type'] ?? req.headers['content-type'] ?? 'application/octet-stream',
    ),
    createdOn: ctx.engine.nowIso(),
  };
  container[name] = blob;
  return {
    status: 201,
    headers: {
      ...storageHeaders(req),
      ETag: etagOf(blob),
      'Last-Modified': httpDate(blob.createdOn),
      'Content-MD5': md5Of(blob),
      'x-ms-request-server-encrypted': 'true',
    },
  };
}

function deleteBlob(req: SandboxRequest, ctx: ProviderContext): SandboxResponse {
  const { container, name } = target(req, ctx);
  const blob = container[name];
  if (!blob) throw blobNotFound();
  checkConditions(req, blob, true);
  delete container[name];
  return { status: 202, headers: { ...storageHeaders(req), 'x-ms-delete-type-permanent': 'true' } };
}

function routesAtDepth(depth: number): Route[] {
  const path = `/{account}/{container}/${Array.from({ length: depth }, (_, i) => `{b${i}}`).join('/')}`;
  const perm = (what: string) => (req: SandboxRequest, ctx: ProviderContext) =>
    blobPermission(ctx, req, `blobs/${what}`, true);
  return [
    { id: 'blob.get', method: 'GET', path, permission: perm('read'), handler: (req, ctx) => getBlob(req, ctx, false) },
    {
      id: 'blob.getProperties',
      method: 'HEAD',
      path,
      permission: perm('read'),
      handler: (req, ctx) => getBlob(req, ctx, true),
    },
    { id: 'blob.upload', method: 'PUT', path, permission: perm('write'), handler: putBlob },
    { id: 'blob.delete', method: 'DELETE', path, permission: perm('delete'), handler: deleteBlob },
  ];
}

/** Get, Get Properties, Put (block blob, single shot) and Delete Blob, path-style. No api-version: Storage uses x-ms-version. */
export const blobRoutes: Route[] = Array.from({ length: MAX_NAME_SEGMENTS }, (_, i) => routesAtDepth(i + 1)).flat();
