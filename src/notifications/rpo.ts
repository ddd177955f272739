import type { Logger } from '../log';
import type { ArmReadBudget } from './budget';
import { itemKey } from './keys';
import type { NotificationSettings } from './settings';
import type { NotificationStream } from './stream';
import type { SubscriptionStore } from './subscriptions';

/** A protected VM and the end of its last successful backup (undefined: none within the look-back). */
export interface ProtectedItemBackup {
  vault: string;
  vm: string;
  vmResourceGroup?: string;
  lastSuccess?: string;
}

/** Where the RPO watch reads protected items from; `reads` is what it cost in ARM reads. */
export interface ProtectedItemSource {
  lastSuccesses(
    vaults: { vault: string; resourceGroup?: string }[],
    lookBackMs: number,
  ): Promise<{ items: ProtectedItemBackup[]; reads: number }>;
}

/**
 * The RPO watch: a missed schedule produces no failed job, so the watcher alone would stay silent. A protected item
 * whose last successful backup is older than RPO_HOURS is reported once (the stream keeps the breach until a
 * success ends it, then a later breach is reported again).
 */
export class RpoWatch {
  constructor(
    private readonly deps: {
      source: ProtectedItemSource;
      subscriptions: SubscriptionStore;
      stream: NotificationStream;
      budget: ArmReadBudget;
      settings: NotificationSettings;
      logger: Logger;
      now: () => number;
    },
  ) {}

  async check(): Promise<{ items: number; breaches: number; reported: number; reads: number }> {
    const { settings, now, stream } = this.deps;
    const vaults = await this.deps.subscriptions.vaults();
    if (!vaults.length) return { items: 0, breaches: 0, reported: 0, reads: 0 };
    const rpoMs = settings.rpoHours * 3_600_000;
    const { items, reads } = await this.deps.source.lastSuccesses(vaults, rpoMs + settings.maxJobDurationMs);
    this.deps.budget.record(reads);
    const open = new Set((await stream.openBreaches()).map((b) => itemKey(b.vault, b.vm)));
    let breaches = 0;
    let reported = 0;
    for (const item of items) {
      const late = !item.lastSuccess || now() - Date.parse(item.lastSuccess) > rpoMs;
      if (late) {
        breaches++;
        if (await stream.reportRpo(item)) reported++;
      } else if (open.has(itemKey(item.vault, item.vm))) {
        await stream.clearBreach(item.vault, item.vm);
      }
    }
    return { items: items.length, breaches, reported, reads };
  }
}
