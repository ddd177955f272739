import { randomBytes } from 'node:crypto';
import https from 'node:https';
import type { TokenCredential } from '@azure/core-auth';
import {
  BlobServiceClient,
  type BlobRequestConditions,
  type ContainerClient,
  type StoragePipelineOptions,
} from '@azure/storage-blob';
import type { StoreItem, StoreItems } from 'botbuilder';
import { trustingAgentClient, v1HttpClient } from '../http/azureHttp';
import { blobName, CreationStamps, keyOf, mapBounded, MAX_BLOB_NAME, stampFromDate } from './blobNames';
import { quarantineKey, type QuarantineListener } from './quarantine';
import { ETagConflictError, type DurableStorage, type ListedItem, type ListOptions } from './types';

/** A Microsoft Entra credential (the bot's approved managed identity), as @azure/storage-blob takes it. */
export type BlobCredential = TokenCredential;

export type BlobStorageOptions = { container: string } & (
  | { connectionString: string }
  /** Production: the bot's managed identity, which needs Storage Blob Data Contributor on the container. */
  | { accountUrl: string; credential: TokenCredential; caCertificate?: string }
);

/** What the store knows of one blob: its ETag, its creation stamp and the id of the write that produced it. */
interface BlobState {
  eTag: string;
  created: string;
  writeId?: string;
}

type Outcome = { written: true } | { written: false; current?: BlobState };

const CREATED = 'createdorder';
const WRITE_ID = 'writeid';
/** Requests in flight for one read, write, delete or list. */
const PARALLEL = 8;
const KNOWN_LIMIT = 1000;
const CHECK_TIMEOUT_MS = 5000;

/**
 * `DurableStorage` on Azure Blob Storage: one block blob per key (name from blobName, body the item as JSON) in one
 * container, created on first use. eTags are the blobs' ETags and every decision is a conditional request: If-Match
 * for a write carrying an eTag (a missing blob is a conflict too, as in SqliteStorage), If-None-Match '*' for create.
 *
 * Creation order: a blob listing comes back in name order, so each blob carries a creation stamp in its metadata
 * (see CreationStamps) and list() reads the names and stamps under the prefix, sorts, then downloads only the items
 * it returns. Listing is therefore linear in the prefix's size (5,000 names per page); the audit trail's keys are
 * time-sortable too, so a later backend could page by name instead. A blob write replaces metadata, so an update
 * carries the stamp forward: from what this process last read or wrote of the key, else from one HEAD request.
 *
 * Unlike SqliteStorage, a batch write is not all or nothing: each item is written (or refused) on its own.
 */
export class BlobStorage implements DurableStorage {
  private readonly container: ContainerClient;
  private readonly stamps = new CreationStamps();
  /** Last seen state per key, most recent last: saves the HEAD before an update in the usual read-then-write. */
  private readonly known = new Map<string, BlobState>();
  private readonly agent?: https.Agent;
  private ready?: Promise<unknown>;
  private closed = false;
  onQuarantine?: QuarantineListener;

  constructor(options: BlobStorageOptions) {
    const pipeline: StoragePipelineOptions = { retryOptions: { maxTries: 4, tryTimeoutInMs: 30_000 } };
    let service: BlobServiceClient;
    if ('connectionString' in options) {
      service = BlobServiceClient.fromConnectionString(options.connectionString, pipeline);
    } else {
      if (options.caCertificate) {
        this.agent = new https.Agent({ ca: options.caCertificate, keepAlive: true });
        pipeline.httpClient = v1HttpClient(trustingAgentClient(this.agent)) as never;
      }
      service = new BlobServiceClient(options.accountUrl, options.credential, pipeline);
    }
    this.container = service.getContainerClient(options.container);
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    await this.open();
    const found = await mapBounded(keys, PARALLEL, (key) => this.download(key));
    const items: StoreItems = {};
    found.forEach((item, i) => {
      if (item) items[keys[i]] = item;
    });
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    await this.open();
    await mapBounded(Object.entries(changes), PARALLEL, ([key, item]) => this.writeOne(key, (item ?? {}) as StoreItem));
  }

  async delete(keys: string[]): Promise<void> {
    await this.open();
    await mapBounded(keys, PARALLEL, async (key) => {
      await this.blob(key).deleteIfExists();
      this.known.delete(key);
    });
  }

  async create(key: string, item: StoreItem): Promise<boolean> {
    await this.open();
    const { eTag: _ignored, ...value } = item;
    return (await this.put(key, JSON.stringify(value), this.stamps.next(), { ifNoneMatch: '*' })).written;
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListedItem[]> {
    await this.open();
    const names: { name: string; created: string }[] = [];
    for await (const blob of this.container.listBlobsFlat({ prefix: blobName(prefix), includeMetadata: true })) {
      names.push({ name: blob.name, created: blob.metadata?.[CREATED] ?? stampFromDate(blob.properties.createdOn) });
    }
    names.sort((a, b) => compare(a.created, b.created) || compare(a.name, b.name));
    if (options.newestFirst) names.reverse();
    const chosen = names.slice(0, options.limit ?? names.length).map(({ name }) => keyOf(name));
    const items = await mapBounded(chosen, PARALLEL, (key) => this.download(key));
    // An item deleted between the listing and its download is left out.
    return chosen.flatMap((key, i) => (items[i] ? [{ key, item: items[i] }] : []));
  }

  async quarantine(key: string, reason: string): Promise<string | undefined> {
    await this.open();
    let response;
    try {
      response = await this.blob(key).download();
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
    return this.moveAside(key, await readText(response.readableStreamBody), response.etag ?? '', reason);
  }

  /** Copies what is stored under `key` to a quarantine blob, then deletes it (only if unchanged since it was read). */
  private async moveAside(key: string, raw: string, eTag: string, reason: string): Promise<string | undefined> {
    const at = new Date();
    const to = quarantineKey(key, at);
    const body = JSON.stringify({ key, reason, at: at.toISOString(), raw });
    await this.put(to, body, this.stamps.next(), { ifNoneMatch: '*' });
    try {
      await this.blob(key).delete({ conditions: { ifMatch: eTag } });
    } catch (err) {
      // Changed or gone since it was read: the copy stays as evidence, the (new) item is left alone.
      if (![404, 412].includes(statusOf(err) ?? 0)) throw err;
      return undefined;
    }
    this.known.delete(key);
    void Promise.resolve(this.onQuarantine?.(key, reason, to)).catch(() => undefined);
    return to;
  }

  async check(): Promise<'ok' | 'unavailable'> {
    if (this.closed) return 'unavailable';
    const abortSignal = AbortSignal.timeout(CHECK_TIMEOUT_MS);
    try {
      await this.container.getProperties({ abortSignal });
      return 'ok';
    } catch (err) {
      if (statusOf(err) !== 404) return 'unavailable';
    }
    try {
      await this.container.createIfNotExists({ abortSignal });
      return 'ok';
    } catch {
      return 'unavailable';
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.agent?.destroy();
  }

  /** Creates the container once; a failure is retried by the next call rather than remembered. */
  private async open(): Promise<void> {
    if (this.closed) throw new Error('Storage: the blob store is closed.');
    this.ready ??= this.container.createIfNotExists().catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    await this.ready;
  }

  private blob(key: string) {
    const name = blobName(key);
    if (!name) throw new Error('Storage: an empty key cannot be stored as a blob.');
    if (name.length > MAX_BLOB_NAME) {
      throw new Error(
        `Storage: a key of ${key.length} characters is too long for a blob name (${name.length} > 1024).`,
      );
    }
    return this.container.getBlockBlobClient(name);
  }

  private async download(key: string): Promise<StoreItem | undefined> {
    try {
      const response = await this.blob(key).download();
      const text = await readText(response.readableStreamBody);
      const eTag = response.etag ?? '';
      let value: StoreItem;
      try {
        value = JSON.parse(text) as StoreItem;
        if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
      } catch {
        // One undecodable blob never stops a listing: moved aside, read as absent.
        await this.moveAside(key, text, eTag, 'unreadable');
        return undefined;
      }
      this.remember(key, { eTag, created: response.metadata?.[CREATED] ?? stampFromDate(response.createdOn) });
      return { ...value, eTag };
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
      this.known.delete(key);
      return undefined;
    }
  }

  private async writeOne(key: string, item: StoreItem): Promise<void> {
    const { eTag, ...value } = item;
    const body = JSON.stringify(value);
    if (eTag && eTag !== '*') {
      const known = this.known.get(key);
      const current = known?.eTag === eTag ? known : await this.properties(key);
      if (current?.eTag !== eTag) throw new ETagConflictError(key);
      if (!(await this.put(key, body, current.created, { ifMatch: eTag })).written) throw new ETagConflictError(key);
      return;
    }
    // Unconditional, yet still by compare-and-set so that an existing item keeps its creation stamp.
    let current: BlobState | undefined | null = this.known.get(key) ?? null;
    for (let attempt = 0; attempt < 5; attempt++) {
      if (current === null) current = await this.properties(key);
      const outcome: Outcome = current
        ? await this.put(key, body, current.created, { ifMatch: current.eTag })
        : await this.put(key, body, this.stamps.next(), { ifNoneMatch: '*' });
      if (outcome.written) return;
      current = outcome.current;
    }
    throw new ETagConflictError(key);
  }

  /**
   * One conditional upload. A refused precondition (409 exists, 412 changed, 404 gone) is answered with the blob's
   * current state, unless that state carries this upload's write id: then a retried request found its own first
   * attempt already written, and the write counts.
   */
  private async put(key: string, body: string, created: string, conditions: BlobRequestConditions): Promise<Outcome> {
    const writeId = randomBytes(8).toString('hex');
    try {
      const response = await this.blob(key).upload(body, Buffer.byteLength(body), {
        conditions,
        metadata: { [CREATED]: created, [WRITE_ID]: writeId },
        blobHTTPHeaders: { blobContentType: 'application/json' },
      });
      this.remember(key, { eTag: response.etag ?? '', created });
      return { written: true };
    } catch (err) {
      if (![404, 409, 412].includes(statusOf(err) ?? 0)) throw err;
      const current = await this.properties(key);
      if (current?.writeId === writeId) return { written: true };
      return { written: false, current };
    }
  }

  private async properties(key: string): Promise<BlobState | undefined> {
    try {
      const p = await this.blob(key).getProperties();
      const state = { eTag: p.etag ?? '', created: p.metadata?.[CREATED] ?? stampFromDate(p.createdOn) };
      this.remember(key, state);
      return { ...state, writeId: p.metadata?.[WRITE_ID] };
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
      this.known.delete(key);
      return undefined;
    }
  }

  private remember(key: string, state: BlobState): void {
    this.known.delete(key);
    this.known.set(key, { eTag: state.eTag, created: state.created });
    if (this.known.size > KNOWN_LIMIT) this.known.delete(this.known.keys().next().value as string);
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function statusOf(err: unknown): number | undefined {
  return (err as { statusCode?: number } | undefined)?.statusCode;
}

async function readText(stream: NodeJS.ReadableStream | undefined): Promise<string> {
  if (!stream) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
