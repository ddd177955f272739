import { ConfigError, type Config } from '../config';
import { AuditTrail } from './audit';
import { BlobStorage, type BlobCredential } from './blobStorage';
import { RecordStore } from './records';
import { SqliteStorage } from './sqliteStorage';
import type { DurableStorage } from './types';

export * from './audit';
export * from './records';
export * from './types';
export { SqliteStorage } from './sqliteStorage';
export { BlobStorage, type BlobStorageOptions } from './blobStorage';

/** Durable state: the Application's turn state, records changed by compare-and-set, and the audit trail. */
export interface Store {
  storage: DurableStorage;
  audit: AuditTrail;
  records<T extends object>(collection: string): RecordStore<T>;
  state(): Promise<'ok' | 'unavailable'>;
  close(): Promise<void>;
}

export function storeOn(storage: DurableStorage): Store {
  return {
    storage,
    audit: new AuditTrail(storage),
    records: <T extends object>(collection: string) => new RecordStore<T>(storage, collection),
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
): Store {
  if (config.kind === 'sqlite') return storeOn(new SqliteStorage(config.sqlitePath));
  const { connectionString, accountUrl, container } = config.blob;
  if (connectionString) return storeOn(new BlobStorage({ connectionString, container }));
  if (!accountUrl || !azure.credential) {
    throw new ConfigError('BLOB_ACCOUNT_URL', 'and the managed identity are needed when STORE is blob');
  }
  return storeOn(
    new BlobStorage({ accountUrl, container, credential: azure.credential, caCertificate: azure.caCertificate }),
  );
}
