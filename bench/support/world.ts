import type { Sandbox } from '../../src/sandbox';
import { loadWorld, readSeed, type SeedVm } from '../../src/sandbox/world/load';

/**
 * Adds VMs to a running sandbox's world, each expanded exactly as the seed loader expands a resident (its disk, NIC,
 * KEK and wrapped BEK in the key vault, ADE extension): one VM per benchmark conversation, so concurrent flows never
 * protect the same VM. They copy `vm-web-01` (Windows, BEK+KEK, single pass, kv-ade-policy already granted).
 */
export function addBenchVms(sandbox: Sandbox, names: string[]): void {
  const seed = readSeed();
  const vms: SeedVm[] = names.map((name) => ({
    name,
    os: 'Windows',
    encryption: 'bek+kek',
    pass: 'single',
    keyVault: 'kv-ade-policy',
  }));
  const extra = loadWorld(
    { ...seed, vms },
    { now: sandbox.engine.now(), vaultUri: (name) => sandbox.endpoints.keyVaults[name] },
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
