import type { Azure } from '../azure';
import type { ProtectedItemSource } from './rpo';
import type { JobSource } from './watcher';

/** The watcher reads jobs through the Azure layer's filtered, paged job list. */
export const azureJobSource = (azure: Pick<Azure, 'jobs'>): JobSource => ({
  list: (vault, query) => azure.jobs.list(vault, query),
});

/**
 * Protected items and their last successful backup, through what the Azure layer offers today: the protected VMs
 * (vms.list: the VM list plus one protected-items list per vault) and, per subscribed vault, one job list of the
 * look-back window (operation Backup, all statuses; Completed and CompletedWithWarnings both made a recovery point).
 * A protected-items list carrying `lastRecoveryPoint` would make this one call per vault.
 */
export function azureProtectedItems(
  azure: Pick<Azure, 'vms' | 'jobs'>,
  pageSize: number,
  now: () => number = Date.now,
): ProtectedItemSource {
  return {
    async lastSuccesses(vaults, lookBackMs) {
      const wanted = new Map(vaults.map((v) => [v.vault.toLowerCase(), v]));
      const vms = (await azure.vms.list()).filter((v) => v.protected && v.vault && wanted.has(v.vault.toLowerCase()));
      // vms.list: one VM page per 50 VMs (estimate) plus one protected-items list per vault of the subscription.
      let reads = 1 + Math.ceil(vms.length / 50) + vaults.length;
      const last = new Map<string, string>();
      const at = now();
      for (const v of vaults) {
        const ref = v.resourceGroup ? { name: v.vault, resourceGroup: v.resourceGroup } : v.vault;
        const jobs = await azure.jobs.list(ref, {
          operation: 'Backup',
          startTime: new Date(at - lookBackMs),
          endTime: new Date(at + 60_000),
        });
        reads += Math.max(1, Math.ceil(jobs.length / pageSize));
        for (const j of jobs) {
          if (!/^completed/i.test(j.status) || !j.endTime) continue;
          const key = `${v.vault.toLowerCase()}|${j.vmName.toLowerCase()}`;
          const end = j.endTime.toISOString();
          if (!last.has(key) || last.get(key)! < end) last.set(key, end);
        }
      }
      const items = vms.map((vm) => {
        const vault = wanted.get(vm.vault!.toLowerCase())!.vault;
        return {
          vault,
          vm: vm.name,
          vmResourceGroup: vm.resourceGroup,
          lastSuccess: last.get(`${vault.toLowerCase()}|${vm.name.toLowerCase()}`),
        };
      });
      return { items, reads };
    },
  };
}
