import type { Sandbox, SandboxTiming } from '../../src/sandbox';
import type { ProviderContext, SandboxRequest } from '../../src/sandbox/http/types';
import { adminRoutes } from '../../src/sandbox/providers/recoveryServices/admin';
import { addVms } from '../../src/sandbox/world/estate';
import type { SeedVm } from '../../src/sandbox/world/load';

/**
 * Adds VMs to a running sandbox's world, each expanded exactly as the seed loader expands a resident (its disk, NIC,
 * KEK and wrapped BEK in the key vault, ADE extension): one VM per benchmark conversation, so concurrent flows never
 * protect the same VM. They copy `vm-web-01` (Windows, BEK+KEK, single pass, kv-ade-policy already granted).
 */
export function addBenchVms(sandbox: Sandbox, names: string[]): void {
  addVms(
    sandbox,
    names.map((name): SeedVm => ({
      name,
      os: 'Windows',
      encryption: 'bek+kek',
      pass: 'single',
      keyVault: 'kv-ade-policy',
    })),
  );
}

/** The benchmark vaults rsv-bench-001..N in rg-backup, named as the sandbox's bulk-jobs admin route names them. */
export function benchVaultName(i: number): string {
  return `rsv-bench-${String(i + 1).padStart(3, '0')}`;
}

export function addBenchVaults(sandbox: Sandbox, count: number): void {
  for (let i = 0; i < count; i++) {
    const name = benchVaultName(i);
    if (!sandbox.world.recoveryVaults.some((v) => v.name === name)) {
      sandbox.world.recoveryVaults.push({ name, resourceGroup: 'rg-backup', location: 'eastasia' });
    }
  }
}

/**
 * A storm: `count` failed Backup jobs ending now, spread round-robin over the benchmark vaults, through the sandbox's
 * own bulk-jobs admin route (POST /_sandbox/jobs/bulk), called in-process so the jobs exist before the bot's first
 * watcher poll (over HTTP they would land after it, and the next poll waits on the watcher's ARM read budget).
 */
export function createStorm(sandbox: Sandbox, timing: SandboxTiming, count: number, vaults: number): void {
  const route = adminRoutes.find((r) => r.id === 'admin.jobs.bulk');
  if (!route) throw new Error('the sandbox has no admin.jobs.bulk route');
  const ctx: ProviderContext = {
    world: sandbox.world,
    engine: sandbox.engine,
    timing,
    faults: sandbox.faults,
    log: sandbox.log,
    urls: { arm: sandbox.endpoints.arm, blob: sandbox.endpoints.blob, identity: sandbox.endpoints.identity },
    keyVaultUri: (name) => sandbox.endpoints.keyVaults[name],
  };
  const res = route.handler({ body: { count, vaults, status: 'Failed', operation: 'Backup' } } as SandboxRequest, ctx);
  if (res instanceof Promise)
    throw new Error('admin.jobs.bulk is asynchronous: the storm would land after the first poll');
  if (res.status >= 300) throw new Error(`admin.jobs.bulk answered ${res.status}: ${JSON.stringify(res.body)}`);
}
