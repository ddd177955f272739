import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RecordStore, type Versioned } from './records';
import type { DurableStorage, ListOptions } from './types';

/** The shortest signing key accepted (HMAC-SHA256: 256 bits). */
export const MIN_SIGNING_KEY_BYTES = 32;

/** Where a record's signature is kept, next to its fields. */
const SIG = 'sig';

/**
 * Signs and verifies records that authorise an Azure change (restore approvals and runs) with an HMAC-SHA256 key
 * only the bot holds: from Key Vault in live mode, generated and kept in a local file in sandbox mode. The signature
 * covers the record's key (collection and id) and every field, so a record cannot be forged, altered, or copied to
 * another id by someone who can write to the store but does not hold the key.
 */
export class RecordSigner {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length < MIN_SIGNING_KEY_BYTES) {
      throw new Error(`The record signing key must be at least ${MIN_SIGNING_KEY_BYTES} bytes.`);
    }
    this.key = Buffer.from(key);
  }

  sign(key: string, value: object): string {
    return createHmac('sha256', this.key).update(key).update('\n').update(canonical(value)).digest('base64url');
  }

  verify(key: string, value: object, signature: unknown): boolean {
    if (typeof signature !== 'string') return false;
    const expected = Buffer.from(this.sign(key, value));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

/** Why a record was moved aside: it could not be decoded, or its signature does not verify. */
export type QuarantineReason = 'unreadable' | 'unsigned' | 'badSignature';

/** Moves one record aside (see quarantine.ts); called with the record's full key. */
export type Quarantine = (key: string, reason: QuarantineReason) => Promise<void>;

/**
 * A RecordStore whose every write is signed and every read verified. A record whose signature is missing or wrong is
 * never returned: it is moved aside (quarantined, with an audit entry) and reads as absent, so a run engine or an
 * approval never acts on it. Compare-and-set (update) works as in RecordStore, on verified records only.
 */
export class SignedRecordStore<T extends object> extends RecordStore<T> {
  constructor(
    storage: DurableStorage,
    collection: string,
    private readonly signer: RecordSigner,
    private readonly quarantine: Quarantine,
  ) {
    super(storage, collection);
  }

  override async get(id: string): Promise<Versioned<T> | undefined> {
    const stored = await super.get(id);
    if (!stored) return undefined;
    const value = this.verified(id, stored.value);
    if (value) return { value, eTag: stored.eTag };
    await this.refuse(id, stored.value);
    return undefined;
  }

  override create(id: string, value: T): Promise<boolean> {
    return super.create(id, this.signed(id, value));
  }

  override put(id: string, value: T, expectedETag: string): Promise<void> {
    return super.put(id, this.signed(id, value), expectedETag);
  }

  override async list(options: ListOptions = {}): Promise<{ id: string; value: T; eTag: string }[]> {
    const out: { id: string; value: T; eTag: string }[] = [];
    for (const item of await super.list(options)) {
      const value = this.verified(item.id, item.value);
      if (value) out.push({ id: item.id, value, eTag: item.eTag });
      else await this.refuse(item.id, item.value);
    }
    return out;
  }

  private fullKey(id: string): string {
    return `${this.collection}/${id}`;
  }

  private signed(id: string, value: T): T {
    const { [SIG]: _old, ...fields } = value as Record<string, unknown>;
    return { ...fields, [SIG]: this.signer.sign(this.fullKey(id), fields) } as T;
  }

  private verified(id: string, stored: T): T | undefined {
    const { [SIG]: signature, ...fields } = stored as Record<string, unknown>;
    return this.signer.verify(this.fullKey(id), fields, signature) ? (fields as T) : undefined;
  }

  private async refuse(id: string, stored: T): Promise<void> {
    const unsigned = typeof (stored as Record<string, unknown>)[SIG] !== 'string';
    await this.quarantine(this.fullKey(id), unsigned ? 'unsigned' : 'badSignature');
  }
}

/**
 * Sandbox mode's signing key: read from `file`, or generated (32 random bytes) and written there, readable by this
 * user only, on first use. Live mode reads its key from Key Vault instead (RECORD_SIGNING_KEY_SECRET_URI).
 */
export function localSigningKey(file: string): Buffer {
  try {
    return decodeSigningKey(readFileSync(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  try {
    // 'wx': two processes starting at once keep the first one's key.
    writeFileSync(file, randomBytes(MIN_SIGNING_KEY_BYTES).toString('base64'), { flag: 'wx', mode: 0o600 });
    chmodSync(file, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return decodeSigningKey(readFileSync(file, 'utf8'));
}

/** A key as text: base64 of at least 32 bytes (what `openssl rand -base64 32` prints), else the text's own bytes. */
export function decodeSigningKey(text: string): Buffer {
  const trimmed = text.trim();
  const asBase64 = /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : undefined;
  const key = asBase64 && asBase64.length >= MIN_SIGNING_KEY_BYTES ? asBase64 : Buffer.from(trimmed, 'utf8');
  if (key.length < MIN_SIGNING_KEY_BYTES) {
    throw new Error(`The record signing key must be at least ${MIN_SIGNING_KEY_BYTES} bytes.`);
  }
  return key;
}

/** JSON with object keys sorted at every level, after a JSON round trip (what any backend stores and returns). */
export function canonical(value: unknown): string {
  return JSON.stringify(sortKeys(JSON.parse(JSON.stringify(value ?? null))));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
