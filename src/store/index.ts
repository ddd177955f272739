import { ConfigError, type Config } from '../config';
import { AuditTrail } from './audit';
import { RecordStore } from './records';
import { SqliteStorage } from './sqliteStorage';
import type { DurableStorage } from './types';

export * from './audit';
export * from './records';
export * from './types';
export { SqliteStorage } from './sqliteStorage';

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

/** The configured backend: SQLite in a file by default. */
export function createStore(config: Config['store']): Store {
  if (config.kind === 'blob') {
    throw new ConfigError('STORE', "is 'blob', which this version does not support yet; use STORE=sqlite");
  }
  return storeOn(new SqliteStorage(config.sqlitePath));
}
