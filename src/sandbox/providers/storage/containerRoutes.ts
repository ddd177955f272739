import type { ProviderContext, Route, SandboxRequest, SandboxResponse } from '../../http/types';
import type { Blob } from '../../world/types';
import { blobEndpoint } from './accountRoutes';
import {
  blobPermission,
  containers,
  contentOf,
  etagOf,
  httpDate,
  md5Of,
  requireAccount,
  requireContainer,
  storageHeaders,
} from './blobModel';
import { StorageError, xml } from './storageError';

const CONTAINER_ETAG = '"0x8DC0000000000000"';
const CONTAINER_TIME = 'Mon, 01 Jan 2024 00:00:00 GMT';

const isContainerRequest = (req: SandboxRequest) => req.query.get('restype') === 'container';
const requireContainerRequest = (req: SandboxRequest) => {
  if (!isContainerRequest(req)) {
    throw new StorageError(
      400,
      'InvalidQueryParameterValue',
      'Value for one of the query parameters specified in the request URI is invalid (expected restype=container).',
    );
  }
};
const xmlResponse = (req: SandboxRequest, body: string): SandboxResponse => ({
  status: 200,
  headers: { ...storageHeaders(req), 'Content-Type': 'application/xml' },
  body: `<?xml version="1.0" encoding="utf-8"?>${body}`,
});

/** Paging by name: `marker` is the first name of the page, NextMarker the first name of the next. */
function pageOf(req: SandboxRequest, names: string[]): { items: string[]; next?: string; head: string } {
  const prefix = req.query.get('prefix') ?? '';
  const marker = req.query.get('marker') ?? '';
  const max = Math.min(Number(req.query.get('maxresults') ?? 5000) || 5000, 5000);
  const all = names.filter((n) => n.startsWith(prefix) && n >= marker).sort();
  const head =
    (prefix ? `<Prefix>${xml(prefix)}</Prefix>` : '') +
    (marker ? `<Marker>${xml(marker)}</Marker>` : '') +
    (req.query.get('maxresults') ? `<MaxResults>${max}</MaxResults>` : '');
  return { items: all.slice(0, max), next: all[max], head };
}

function listContainers(req: SandboxRequest, ctx: ProviderContext): SandboxResponse {
  if (req.query.get('comp') !== 'list') {
    throw new StorageError(
      400,
      'UnsupportedQueryParameter',
      'The sandbox blob service supports only comp=list at the account level.',
    );
  }
  const account = requireAccount(ctx, req.params.account);
  const { items, next, head } = pageOf(req, Object.keys(containers(ctx, account)));
  const list = items
    .map(
      (name) =>
        `<Container><Name>${xml(name)}</Name><Properties><Last-Modified>${CONTAINER_TIME}</Last-Modified><Etag>${CONTAINER_ETAG}</Etag>` +
        '<LeaseStatus>unlocked</LeaseStatus><LeaseState>available</LeaseState><DefaultEncryptionScope>$account-encryption-key</DefaultEncryptionScope>' +
        '<DenyEncryptionScopeOverride>false</DenyEncryptionScopeOverride><HasImmutabilityPolicy>false</HasImmutabilityPolicy><HasLegalHold>false</HasLegalHold></Properties></Container>',
    )
    .join('');
  return xmlResponse(
    req,
    `<EnumerationResults ServiceEndpoint="${xml(blobEndpoint(ctx, account))}">${head}<Containers>${list}</Containers>${next ? `<NextMarker>${xml(next)}</NextMarker>` : '<NextMarker />'}</EnumerationResults>`,
  );
}

function blobXml(name: string, b: Blob): string {
  return (
    `<Blob><Name>${xml(name)}</Name><Properties><Creation-Time>${httpDate(b.createdOn)}</Creation-Time><Last-Modified>${httpDate(b.createdOn)}</Last-Modified>` +
    `<Etag>${etagOf(b)}</Etag><Content-Length>${contentOf(b).length}</Content-Length><Content-Type>${xml(b.contentType)}</Content-Type>` +
    `<Content-MD5>${md5Of(b)}</Content-MD5><BlobType>BlockBlob</BlobType><AccessTier>Hot</AccessTier><AccessTierInferred>true</AccessTierInferred>` +
    '<LeaseStatus>unlocked</LeaseStatus><LeaseState>available</LeaseState><ServerEncrypted>true</ServerEncrypted></Properties></Blob>'
  );
}

/** List Blobs, flat or by hierarchy (delimiter): names under a shared prefix fold into one BlobPrefix. */
function listBlobs(req: SandboxRequest, ctx: ProviderContext): SandboxResponse {
  const account = requireAccount(ctx, req.params.account);
  const container = requireContainer(ctx, account, req.params.container);
  const prefix = req.query.get('prefix') ?? '';
  const delimiter = req.query.get('delimiter') ?? '';
  const entries = new Map<string, string>();
  for (const name of Object.keys(container)) {
    const cut = delimiter ? name.indexOf(delimiter, prefix.length) : -1;
    const key = cut >= 0 ? name.slice(0, cut + delimiter.length) : name;
    if (!entries.has(key))
      entries.set(key, cut >= 0 ? `<BlobPrefix><Name>${xml(key)}</Name></BlobPrefix>` : blobXml(name, container[name]));
  }
  const { items, next, head } = pageOf(req, [...entries.keys()]);
  return xmlResponse(
    req,
    `<EnumerationResults ServiceEndpoint="${xml(blobEndpoint(ctx, account))}" ContainerName="${xml(req.params.container)}">${head}` +
      `${delimiter ? `<Delimiter>${xml(delimiter)}</Delimiter>` : ''}<Blobs>${items.map((k) => entries.get(k)).join('')}</Blobs>` +
      `${next ? `<NextMarker>${xml(next)}</NextMarker>` : '<NextMarker />'}</EnumerationResults>`,
  );
}

function containerProperties(req: SandboxRequest, ctx: ProviderContext): SandboxResponse {
  requireContainerRequest(req);
  if (req.query.get('comp') === 'list') return listBlobs(req, ctx);
  requireContainer(ctx, requireAccount(ctx, req.params.account), req.params.container);
  return {
    status: 200,
    headers: {
      ...storageHeaders(req),
      ETag: CONTAINER_ETAG,
      'Last-Modified': CONTAINER_TIME,
      'x-ms-lease-status': 'unlocked',
      'x-ms-lease-state': 'available',
      'x-ms-has-immutability-policy': 'false',
      'x-ms-has-legal-hold': 'false',
      'x-ms-default-encryption-scope': '$account-encryption-key',
      'x-ms-deny-encryption-scope-override': 'false',
    },
  };
}

function createContainer(req: SandboxRequest, ctx: ProviderContext): SandboxResponse {
  requireContainerRequest(req);
  const name = req.params.container;
  if (!/^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(name)) {
    throw new StorageError(400, 'InvalidResourceName', 'The specifed resource name contains invalid characters.');
  }
  const all = containers(ctx, requireAccount(ctx, req.params.account));
  if (all[name]) throw new StorageError(409, 'ContainerAlreadyExists', 'The specified container already exists.');
  all[name] = {};
  return { status: 201, headers: { ...storageHeaders(req), ETag: CONTAINER_ETAG, 'Last-Modified': CONTAINER_TIME } };
}

function deleteContainer(req: SandboxRequest, ctx: ProviderContext): SandboxResponse {
  requireContainerRequest(req);
  const all = containers(ctx, requireAccount(ctx, req.params.account));
  requireContainer(ctx, requireAccount(ctx, req.params.account), req.params.container);
  delete all[req.params.container];
  return { status: 202, headers: storageHeaders(req) };
}

const CONTAINER = '/{account}/{container}';
const containerRead = (req: SandboxRequest, ctx: ProviderContext) =>
  req.query.get('comp') === 'list'
    ? blobPermission(ctx, req, 'blobs/read', true)
    : blobPermission(ctx, req, 'read', false);

/** Account- and container-level operations: List Containers, List Blobs, Get Container Properties, Create and Delete Container. */
export const containerRoutes: Route[] = [
  {
    id: 'blob.containers.list',
    method: 'GET',
    path: '/{account}',
    permission: (req, ctx) => blobPermission(ctx, req, 'read', false),
    handler: listContainers,
  },
  { id: 'blob.container.get', method: 'GET', path: CONTAINER, permission: containerRead, handler: containerProperties },
  {
    id: 'blob.container.getProperties',
    method: 'HEAD',
    path: CONTAINER,
    permission: containerRead,
    handler: containerProperties,
  },
  {
    id: 'blob.container.create',
    method: 'PUT',
    path: CONTAINER,
    permission: (req, ctx) => blobPermission(ctx, req, 'write', false),
    handler: createContainer,
  },
  {
    id: 'blob.container.delete',
    method: 'DELETE',
    path: CONTAINER,
    permission: (req, ctx) => blobPermission(ctx, req, 'delete', false),
    handler: deleteContainer,
  },
];
