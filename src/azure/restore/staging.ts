import type { AzureClients } from '../clients';
import { NotFoundError } from '../errors';
import { sameId } from '../names';
import type { OperationOptions } from '../types';

/** Keyed by the subscription directory: one map per bot, whichever subscription's clients filled it. */
const endpointsByClients = new WeakMap<object, Map<string, string>>();

/**
 * Blob endpoints by storage account name, for the process (one map per set of clients): whatever lists the storage
 * accounts (the restore's target question) fills it, so the run that reads the staged files does not list them again.
 * Not a cache of state: an account name is global and its endpoint never changes.
 */
export function blobEndpoints(clients: AzureClients): Map<string, string> {
  let map = endpointsByClients.get(clients.subscriptions);
  if (!map) endpointsByClients.set(clients.subscriptions, (map = new Map()));
  return map;
}

/**
 * The restore job's files in the staging account (VM config, template, encryption info), read and deleted with the
 * bot's own identity (Storage Blob Data Contributor on the staging account): no account key, no SAS.
 */
export class StagingBlobs {
  /** Blob endpoints never change for an account name (names are global): one list call per process per account. */
  private readonly endpoints: Map<string, string>;

  constructor(private readonly clients: AzureClients) {
    this.endpoints = blobEndpoints(clients);
  }

  /** The account's primaryEndpoints.blob. Permission: Microsoft.Storage/storageAccounts/read. */
  async endpoint(accountName: string, options: OperationOptions = {}): Promise<string> {
    const known = this.endpoints.get(accountName.toLowerCase());
    if (known) return known;
    // The job names the account, not its resource group: one subscription-wide list (per managed subscription) finds it.
    for (const clients of await this.clients.all(options)) {
      for await (const a of clients.storage.storageAccounts.list({ abortSignal: options.abortSignal })) {
        if (a.name && a.primaryEndpoints?.blob) this.endpoints.set(a.name.toLowerCase(), a.primaryEndpoints.blob);
      }
      if (this.endpoints.has(accountName.toLowerCase())) break;
    }
    const found = this.endpoints.get(accountName.toLowerCase());
    if (!found) throw new NotFoundError('Storage account', accountName);
    return found;
  }

  /** A staged JSON file as text (PowerShell writes some as UTF-16 with trailing NULs). Data action: blobs/read. */
  async readText(
    accountName: string,
    container: string,
    blob: string,
    options: OperationOptions = {},
  ): Promise<string> {
    const endpoint = await this.endpoint(accountName, options);
    const client = this.clients.blobs(endpoint).getContainerClient(container).getBlobClient(blob);
    const response = await client.download(0, undefined, { abortSignal: options.abortSignal });
    return decodeText(await collect(response.readableStreamBody));
  }

  /** Deletes one blob; false when it was already gone. Data action: blobs/delete. */
  async delete(accountName: string, container: string, blob: string, options: OperationOptions = {}): Promise<boolean> {
    const endpoint = await this.endpoint(accountName, options);
    const client = this.clients.blobs(endpoint).getContainerClient(container).getBlobClient(blob);
    try {
      const result = await client.deleteIfExists({ abortSignal: options.abortSignal });
      return result.succeeded;
    } catch (err) {
      // The container may be gone too: still "already deleted".
      if ((err as { statusCode?: number }).statusCode === 404) return false;
      throw err;
    }
  }

  /** Container and blob name of a blob URL in this account (virtual-host or path-style URLs). */
  async locate(
    accountName: string,
    blobUri: string,
    options: OperationOptions = {},
  ): Promise<{ container: string; blob: string }> {
    const endpoint = await this.endpoint(accountName, options);
    return splitBlobUri(accountName, blobUri, endpoint);
  }
}

export function splitBlobUri(
  accountName: string,
  blobUri: string,
  endpoint: string,
): { container: string; blob: string } {
  const uri = blobUri.split('?')[0];
  const base = endpoint.endsWith('/') ? endpoint : `${endpoint}/`;
  let rest: string;
  if (uri.toLowerCase().startsWith(base.toLowerCase())) {
    rest = uri.slice(base.length);
  } else {
    const url = new URL(uri);
    const segments = url.pathname.replace(/^\/+/, '').split('/');
    // Path-style (emulators, IP endpoints): /{account}/{container}/{blob}
    if (!url.hostname.toLowerCase().startsWith(`${accountName.toLowerCase()}.`) && sameId(segments[0], accountName)) {
      segments.shift();
    }
    rest = segments.join('/');
  }
  const slash = rest.indexOf('/');
  if (slash <= 0) throw new NotFoundError('Blob', blobUri);
  return { container: decodeURIComponent(rest.slice(0, slash)), blob: decodeURIComponent(rest.slice(slash + 1)) };
}

/** UTF-8, or UTF-16LE (with a BOM or recognisable by its NUL bytes), trailing NULs trimmed. */
export function decodeText(buf: Buffer): string {
  let text: string;
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) text = buf.subarray(2).toString('utf16le');
  else if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf)
    text = buf.subarray(3).toString('utf8');
  else if (buf.length >= 2 && buf[1] === 0 && buf[0] !== 0) text = buf.toString('utf16le');
  else text = buf.toString('utf8');
  let end = text.length;
  while (end > 0 && (text.charCodeAt(end - 1) === 0 || /\s/.test(text[end - 1]))) end--;
  return text.slice(0, end);
}

async function collect(stream: NodeJS.ReadableStream | undefined): Promise<Buffer> {
  if (!stream) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}
