import { ConfigError, type Config } from '../config';
import type { Logger } from '../log';
import { AuditTrail } from './audit';
import { BlobStorage, type BlobCredential } from './blobStorage';
import { RecordStore } from './records';
import { SignedRecordStore, type RecordSigner } from './signing';
import { SqliteStorage } from './sqliteStorage';
import type { DurableStorage } from './types';

export * from './audit';
export * from './records';
export * from './types';
export { SqliteStorage } from './sqliteStorage';
export { BlobStorage, type BlobStorageOptions } from './blobStorage';
export * from './signing';
export * from './quarantine';
export * from './retention';

/** Durable state: the Application's turn state, records changed by compare-and-set, and the audit trail. */
export interface Store {
  storage: DurableStorage;
  audit: AuditTrail;
  records<T extends object>(collection: string): RecordStore<T>;
  /**
   * Records that authorise an Azure change (restore approvals, runs): signed on every write, verified on every read;
   * one that does not verify is moved aside and reads as absent. Throws without a signing key.
   */
  signed<T extends object>(collection: string): RecordStore<T>;
  state(): Promise<'ok' | 'unavailable'>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** The key approvals and runs are signed with (src/store/signing.ts). */
  signer?: RecordSigner;
  /** Where records moved aside are reported (once each, with their key). */
  logger?: Logger;
  /** Per user: refused attempts recorded in the audit trail per window (REFUSED_LIMIT, RATE_LIMIT_WINDOW_MINUTES). */
  refusedLimit?: { max: number; windowMs: number };
}

export function storeOn(storage: DurableStorage, options: StoreOptions = {}): Store {
  const audit = new AuditTrail(storage, { refusedLimit: options.refusedLimit });
  const { signer, logger } = options;
  storage.onQuarantine = async (key, reason, movedTo) => {
    logger?.warn({ key: key.slice(0, 300), reason, movedTo }, 'record moved aside (quarantined)');
    await audit.append({
      who: { name: 'ade-backup-bot' },
      action: 'store.quarantine',
      details: { key: key.slice(0, 300), reason, movedTo },
      result: 'refused',
    });
  };
  return {
    storage,
    audit,
    records: <T extends object>(collection: string) => new RecordStore<T>(storage, collection),
    signed: <T extends object>(collection: string) => {
      if (!signer) throw new Error(`Store: records of '${collection}' are signed, and no signing key was given.`);
      return new SignedRecordStore<T>(storage, collection, signer, async (key, reason) => {
        await storage.quarantine(key, reason);
      });
    },
    state: () => storage.check(),
    close: () => storage.close(),
  };
}

/**
 * The configured backend: SQLite in a file by default; Azure Blob Storage by connection string, or by account URL as
 * `credential` (the bot's approved managed identity; `caCertificate` is the extra CA trusted for Azure endpoints).
 */
export function createStore(
  config: Config['store'],
  azure: { credential?: BlobCredential; caCertificate?: string } = {},
  options: StoreOptions = {},
): Store {
  if (config.kind === 'sqlite') return storeOn(new SqliteStorage(config.sqlitePath), options);
  const { connectionString, accountUrl, container } = config.blob;
  if (connectionString) return storeOn(new BlobStorage({ connectionString, container }), options);
  if (!accountUrl || !azure.credential) {
    throw new ConfigError('BLOB_ACCOUNT_URL', 'and the managed identity are needed when STORE is blob');
  }
  return storeOn(
    new BlobStorage({ accountUrl, container, credential: azure.credential, caCertificate: azure.caCertificate }),
    options,
  );
}
