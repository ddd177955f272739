import type { Sandbox } from '../index';
import { loadWorld, readSeed, type SeedVm } from './load';

/**
 * A large estate for tests and the bench (issue 17): VMs added to a running sandbox's world, each expanded exactly as
 * the seed loader expands a resident (its OS disk and NIC; keys in its key vault when encrypted). Filler VMs are
 * `vm-estate-00001`… (Linux, not encrypted, not protected) in `rg-app`, so the bot's identity may read them as it
 * reads the seeded VMs: name look-ups then search an estate of that size, as they would in a real subscription.
 */
export function addVms(sandbox: Sandbox, vms: SeedVm[]): void {
  if (!vms.length) return;
  const seed = readSeed();
  const extra = loadWorld(
    { ...seed, vms },
    { now: sandbox.engine.now(), vaultUri: (n) => sandbox.endpoints.keyVaults[n] },
  );
  const w = sandbox.world;
  w.vms.push(...extra.vms);
  w.disks.push(...extra.disks);
  w.networkInterfaces.push(...extra.networkInterfaces);
  for (const kv of extra.keyVaults) {
    const live = w.keyVaults.find((k) => k.name === kv.name);
    live?.keys.push(...kv.keys);
    live?.secrets.push(...kv.secrets);
  }
}

export const estateVmName = (i: number): string => `vm-estate-${String(i + 1).padStart(5, '0')}`;

/** Grows the world to `total` VMs (seeded ones included) with filler VMs; never shrinks it. Returns how many it added. */
export function growEstate(sandbox: Sandbox, total: number): number {
  const have = sandbox.world.vms.filter((v) => v.name.startsWith('vm-estate-')).length;
  const need = Math.max(0, total - sandbox.world.vms.length);
  const vms: SeedVm[] = Array.from({ length: need }, (_, i) => ({
    name: estateVmName(have + i),
    os: 'Linux',
    location: 'eastasia',
  }));
  addVms(sandbox, vms);
  return need;
}
