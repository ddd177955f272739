import type { Mode } from '../config';
import type { Logger } from '../log';
import type { Store } from '../store';
import type { AccessPolicy } from './accessPolicy';

/** What handlers are given (through src/bot/app.ts), never reach for globally. Later flows add the Azure layer here. */
export interface BotDeps {
  mode: Mode;
  logger: Logger;
  store: Store;
  access: AccessPolicy;
}
