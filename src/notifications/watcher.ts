import type { JobQuery, JobSummary, VaultRef } from '../azure';
import type { Logger } from '../log';
import type { RecordStore, Store } from '../store';
import type { ArmReadBudget } from './budget';
import { vaultKey, vaultScopeKey } from './keys';
import type { NotificationSettings } from './settings';
import type { NotificationStream } from './stream';
import type { SubscriptionStore } from './subscriptions';
import type { JobEvent } from './types';

/** The Azure layer's job list (src/azure/jobs.ts): server-side filter, every page followed. */
export interface JobSource {
  list(vault: VaultRef, query: JobQuery): Promise<JobSummary[]>;
}

/** Per vault: up to when jobs have been read, and the jobs still running then (their end is still to be seen). */
interface Watermark {
  vault: string;
  until?: string;
  /** job id -> start time */
  running: Record<string, string>;
}

const RUNNING = new Set(['inprogress', 'cancelling']);
const SUCCEEDED = new Set(['completed', 'completedwithwarnings']);

export interface PollResult {
  vaults: number;
  polled: number;
  reads: number;
  events: number;
  accepted: number;
  /** Reads per Azure subscription ('' when a vault's is unknown): the budget is per subscription (issue 17). */
  readsBySubscription: Record<string, number>;
}

/**
 * Polls the subscribed vaults' Backup jobs: one filtered job list per vault (operation Backup, every status, started
 * within the window), every page followed. The window starts at the vault's persisted watermark minus a listing
 * skew, reaching back to the start of any job still running at the last poll (never further than the longest job
 * runs), so each poll sees both new failures and the later end of jobs it saw running — including the success that
 * clears a failure. Ended jobs go to the stream, which de-duplicates them on (vault, job id).
 */
export class JobWatcher {
  private readonly watermarks: RecordStore<Watermark>;
  private rotation = 0;

  constructor(
    store: Store,
    private readonly deps: {
      jobs: JobSource;
      subscriptions: SubscriptionStore;
      stream: NotificationStream;
      budget: ArmReadBudget;
      settings: NotificationSettings;
      logger: Logger;
      now: () => number;
    },
  ) {
    this.watermarks = store.records<Watermark>('notify.watermarks');
  }

  async poll(): Promise<PollResult> {
    const vaults = await this.deps.subscriptions.vaults();
    const result: PollResult = {
      vaults: vaults.length,
      polled: 0,
      reads: 0,
      events: 0,
      accepted: 0,
      readsBySubscription: {},
    };
    const count = (sub: string | undefined, reads: number) => {
      const k = (sub ?? '').toLowerCase();
      result.readsBySubscription[k] = (result.readsBySubscription[k] ?? 0) + reads;
    };
    // Start with a different vault each poll, so a budget cut-off never starves the same ones.
    const start = vaults.length ? this.rotation++ % vaults.length : 0;
    const ordered = [...vaults.slice(start), ...vaults.slice(0, start)];
    // ARM's read limit is per subscription (issue 17): a vault whose subscription's share is spent waits for the next
    // poll; vaults in other subscriptions are still read.
    let skipped = 0;
    for (const vault of ordered) {
      if (this.deps.budget.waitFor(1, vault.subscriptionId) > 0) {
        skipped++;
        continue;
      }
      try {
        const r = await this.pollVault(vault);
        result.polled++;
        result.reads += r.reads;
        count(vault.subscriptionId, r.reads);
        result.events += r.events;
        result.accepted += r.accepted;
      } catch (err) {
        result.reads += 1;
        count(vault.subscriptionId, 1);
        this.deps.budget.record(1, vault.subscriptionId);
        this.deps.logger.warn({ err, vault: vault.vault }, "could not read the vault's backup jobs");
      }
    }
    if (skipped)
      this.deps.logger.warn(
        { skipped, used: this.deps.budget.used() },
        'ARM read budget reached; the other vaults wait for the next poll',
      );
    return result;
  }

  private async pollVault(v: { vault: string; resourceGroup?: string; subscriptionId?: string; since: string }) {
    const { settings, now } = this.deps;
    // Per vault in its subscription (issue 17); a watermark written before under the vault's name alone is read once.
    const key = vaultScopeKey(v.vault, v.subscriptionId);
    const at = now();
    const mark =
      (await this.watermarks.get(key))?.value ??
      (key !== vaultKey(v.vault) ? (await this.watermarks.get(vaultKey(v.vault)))?.value : undefined);
    let from = Date.parse(mark?.until ?? v.since) - settings.listingSkewMs;
    for (const started of Object.values(mark?.running ?? {})) from = Math.min(from, Date.parse(started));
    from = Math.max(from, at - settings.maxJobDurationMs);

    // A vault named with its resource group costs no vault look-up.
    const ref: VaultRef = v.resourceGroup
      ? {
          name: v.vault,
          resourceGroup: v.resourceGroup,
          ...(v.subscriptionId ? { subscriptionId: v.subscriptionId } : {}),
        }
      : v.vault;
    // The filter's dates have whole seconds: the end reaches a minute ahead so a job started this second is in.
    const until = new Date(at + 60_000);
    const jobs = await this.deps.jobs.list(ref, { operation: 'Backup', startTime: new Date(from), endTime: until });
    const reads = Math.max(1, Math.ceil(jobs.length / settings.jobsPageSize));
    this.deps.budget.record(reads, v.subscriptionId);

    const running: Record<string, string> = {};
    const events: JobEvent[] = [];
    for (const job of jobs) {
      const status = job.status.toLowerCase();
      if (RUNNING.has(status)) {
        if (job.startTime) running[job.id] = job.startTime.toISOString();
        continue;
      }
      const outcome = status === 'failed' ? 'failed' : SUCCEEDED.has(status) ? 'succeeded' : undefined;
      const ended = (job.endTime ?? new Date(at)).toISOString();
      if (!outcome || ended < v.since) continue;
      events.push({
        source: 'watcher',
        vault: v.vault,
        jobId: job.id,
        vm: job.vmName,
        vmResourceGroup: job.vmResourceGroup,
        ...(v.subscriptionId ? { subscriptionId: v.subscriptionId } : {}),
        operation: job.operation || 'Backup',
        outcome,
        at: ended,
        startTime: job.startTime?.toISOString(),
        error: outcome === 'failed' ? job.errors[0] : undefined,
      });
    }
    // Oldest first: a failure and its later recovery arrive in that order.
    events.sort((a, b) => a.at.localeCompare(b.at));
    const { accepted } = await this.deps.stream.ingest(events);
    await this.watermarks.update(key, () => ({ vault: v.vault, until: new Date(at).toISOString(), running }));
    return { reads, events: events.length, accepted };
  }
}
