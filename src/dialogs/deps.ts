import type { Azure } from '../azure';
import type { Logger } from '../log';
import type { RunEngine } from '../runs/types';
import type { Store } from '../store';
import type { Background } from './flow/background';
import type { FlowRuntime } from './flow/runtime';
import type { CardAddress } from './flow/types';
import type { AdaptiveCardJson } from '../cards/render';

/** Edits a card already posted (src/bot/messenger.ts Messenger implements it, with 429 retries). */
export interface CardUpdater {
  updateCard(address: CardAddress, card: AdaptiveCardJson): Promise<void>;
}

/** What the protect flows are built from (passed in by src/bot/protect/register.ts). */
export interface DialogDeps {
  azure: Pick<Azure, 'vaults' | 'policies' | 'vms' | 'keyVaults' | 'protection' | 'jobs' | 'lookup'>;
  store: Store;
  logger: Logger;
  cards: CardUpdater;
  runs: RunEngine;
  runtime: FlowRuntime;
  background: Background;
  /** ALLOW_BEK_ONLY: newer Azure backs up BEK-only VMs; the source document (and the default) refuses them. */
  allowBekOnly: boolean;
  /** How often a followed backup job is read (the sandbox's jobs take tens of milliseconds in tests). */
  jobPollMs: number;
}
