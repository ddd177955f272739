import { subscriptionOf, type Azure, type PolicySummary } from '../azure';
import { itemScopeKey, vaultKey, vaultScopeKey } from './keys';
import type { ProtectedItemSource } from './rpo';
import type { BackupSchedule } from './rpoClock';
import type { JobSource } from './watcher';

/** The watcher reads jobs through the Azure layer's filtered, paged job list. */
export const azureJobSource = (azure: Pick<Azure, 'jobs'>): JobSource => ({
  list: (vault, query) => azure.jobs.list(vault, query),
});

/**
 * Protected items, their last successful backup, their latest protection (or policy change) and their policy's
 * schedule, through what the Azure layer offers: the protected VMs (vms.listProtected: one protected-items list per
 * vault, no VM list), and per subscribed vault one job list of the look-back window (every operation: Backup jobs
 * that completed — Completed and CompletedWithWarnings both made a recovery point — and ConfigureBackup jobs, whose
 * start is when protection began, resumed or changed policy; see rpoClock.ts) and one policy list.
 * Each vault is read in its Azure subscription (issue 17): a protected VM belongs to the subscribed vault of its name
 * in the VM's subscription (Backup protects a VM only from a vault in the VM's own subscription), or, for a
 * subscription record from before several subscriptions (no subscription known), to the vault of its name alone.
 */
export function azureProtectedItems(
  azure: Pick<Azure, 'vms' | 'jobs' | 'policies'>,
  pageSize: number,
  now: () => number = Date.now,
): ProtectedItemSource {
  return {
    async lastSuccesses(vaults, lookBackMs) {
      const scoped = new Map(
        vaults.filter((v) => v.subscriptionId).map((v) => [vaultScopeKey(v.vault, v.subscriptionId), v]),
      );
      const byName = new Map(vaults.filter((v) => !v.subscriptionId).map((v) => [vaultKey(v.vault), v]));
      const wantedOf = (vm: { id: string; vault?: string }) => {
        if (!vm.vault) return undefined;
        const sub = subscriptionOf(vm.id);
        return (sub ? scoped.get(vaultScopeKey(vm.vault, sub)) : undefined) ?? byName.get(vaultKey(vm.vault));
      };
      // Stopped or paused protection schedules no backup: such an item cannot miss one.
      const vms = (await azure.vms.listProtected()).flatMap((vm) => {
        const wanted = wantedOf(vm);
        return wanted && !/^Protection(Stopped|Paused)$/i.test(vm.protectionState ?? '') ? [{ vm, wanted }] : [];
      });
      // vms.listProtected: the vault list (cached) plus one protected-items list per vault; no VM list (issue 17).
      let reads = 1 + vaults.length;
      const last = new Map<string, string>();
      const configured = new Map<string, string>();
      const schedules = new Map<string, BackupSchedule>();
      const latest = (map: Map<string, string>, key: string, at: string) => {
        if (!map.has(key) || map.get(key)! < at) map.set(key, at);
      };
      const at = now();
      for (const v of vaults) {
        // The vault's subscription when the subscription record knows it (issue 17: the RPO watch spans them all).
        const ref = v.resourceGroup
          ? {
              name: v.vault,
              resourceGroup: v.resourceGroup,
              ...(v.subscriptionId ? { subscriptionId: v.subscriptionId } : {}),
            }
          : v.vault;
        const jobs = await azure.jobs.list(ref, {
          startTime: new Date(at - lookBackMs),
          endTime: new Date(at + 60_000),
        });
        reads += Math.max(1, Math.ceil(jobs.length / pageSize));
        for (const j of jobs) {
          const key = itemScopeKey(v.vault, j.vmName, v.subscriptionId);
          if (/^ConfigureBackup$/i.test(j.operation) && j.startTime) latest(configured, key, j.startTime.toISOString());
          else if (/^Backup$/i.test(j.operation) && /^completed/i.test(j.status) && j.endTime)
            latest(last, key, j.endTime.toISOString());
        }
        // Without the schedule (policies unreadable) the clock still holds: RPO_HOURS from protection or success.
        reads += 1;
        const policies = await azure.policies.list(ref).catch(() => [] as PolicySummary[]);
        for (const p of policies) schedules.set(itemScopeKey(v.vault, p.name, v.subscriptionId), scheduleOf(p));
      }
      const items = vms.map(({ vm, wanted }) => {
        const { vault, subscriptionId } = wanted;
        const key = itemScopeKey(vault, vm.name, subscriptionId);
        const schedule = vm.policy ? schedules.get(itemScopeKey(vault, vm.policy, subscriptionId)) : undefined;
        return {
          vault,
          ...(subscriptionId ? { subscriptionId } : {}),
          vm: vm.name,
          vmResourceGroup: vm.resourceGroup,
          lastSuccess: last.get(key),
          protectedAt: configured.get(key),
          ...(schedule ? { schedule } : {}),
        };
      });
      return { items, reads };
    },
  };
}

const scheduleOf = (p: PolicySummary): BackupSchedule => ({ frequency: p.frequency, time: p.time, days: p.days });
