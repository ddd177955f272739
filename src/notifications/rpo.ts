import type { Logger } from '../log';
import { rpoDeadline, type RpoInputs } from './rpoClock';
import type { ArmReadBudget } from './budget';
import { itemKey, itemScopeKey } from './keys';
import type { NotificationSettings } from './settings';
import type { NotificationStream } from './stream';
import type { SubscriptionStore } from './subscriptions';

/**
 * A protected VM, the end of its last successful backup and the start of its latest ConfigureBackup job (each
 * undefined when none is within the look-back), and its policy's schedule (when known).
 */
export interface ProtectedItemBackup extends RpoInputs {
  vault: string;
  /** The vault's Azure subscription (issue 17), when its subscription record knows it; the VM's is the same one. */
  subscriptionId?: string;
  vm: string;
  vmResourceGroup?: string;
}

/** Where the RPO watch reads protected items from; `reads` is what it cost in ARM reads. */
export interface ProtectedItemSource {
  lastSuccesses(
    vaults: { vault: string; resourceGroup?: string; subscriptionId?: string }[],
    lookBackMs: number,
  ): Promise<{ items: ProtectedItemBackup[]; reads: number }>;
}

/**
 * The RPO watch: a missed schedule produces no failed job, so the watcher alone would stay silent. A protected item
 * is reported once it is overdue (rpoClock.ts: the clock starts at its last successful backup or its protection,
 * never before, and its first scheduled backup must be overdue); the stream keeps the breach until a success ends
 * it, then a later breach is reported again.
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
    const lookBackMs = rpoMs + settings.maxJobDurationMs;
    const windowStart = now() - lookBackMs;
    const { items, reads } = await this.deps.source.lastSuccesses(vaults, lookBackMs);
    this.deps.budget.record(reads);
    const open = new Map((await stream.openBreaches()).map((b) => [itemScopeKey(b.vault, b.vm, b.subscriptionId), b]));
    let breaches = 0;
    let reported = 0;
    for (const item of items) {
      const { deadline } = rpoDeadline(item, rpoMs, windowStart);
      const { vault, vm, subscriptionId, lastSuccess, protectedAt } = item;
      // A breach recorded before several subscriptions (no subscription: today's key) is this item's too.
      const legacy = subscriptionId ? open.get(itemKey(vault, vm)) : undefined;
      const breach = open.get(itemScopeKey(vault, vm, subscriptionId)) ?? legacy;
      if (now() > deadline) {
        breaches++;
        if (legacy && breach === legacy) continue; // reported already, before the upgrade
        const scope = subscriptionId ? { subscriptionId } : {};
        if (await stream.reportRpo({ vault, ...scope, vm, lastSuccess, protectedAt })) reported++;
      } else if (breach && lastSuccess && lastSuccess > (breach.lastSuccess ?? '')) {
        // Only a new successful backup ends a breach ("backed up again"); a clock restarted by a policy change does not.
        await stream.clearBreach(vault, vm, subscriptionId);
      }
    }
    return { items: items.length, breaches, reported, reads };
  }
}
