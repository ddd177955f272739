import type { Sandbox } from '../index';
import { loadWorld, readSeed, type SeedVm } from './load';
import { seedFor, type SubscriptionSeed } from './subscriptions';
import type { World } from './types';

/**
 * A large estate for tests and the bench (issue 17): VMs added to a running sandbox's world, each expanded exactly as
 * the seed loader expands a resident (its OS disk and NIC; keys in its key vault when encrypted). Filler VMs are
 * `vm-estate-00001`… (Linux, not encrypted, not protected) in the subscription's app resource group, so the bot's
 * identity may read them as it reads the seeded VMs: name look-ups then search an estate of that size, as they would
 * in a real subscription. Spread over several subscriptions (`growEstate`'s `subscriptions`), they go round-robin
 * into the primary, Contoso Finance, Contoso Research and, past those, estate subscriptions made for the purpose.
 */
export function addVms(sandbox: Sandbox, vms: SeedVm[], world: World = sandbox.world): void {
  if (!vms.length) return;
  const seed = readSeed();
  const extra = loadWorld(
    { ...seed, subscriptionId: world.subscriptionId, virtualNetworks: world.virtualNetworks, vms },
    { now: sandbox.engine.now(), vaultUri: (n) => sandbox.endpoints.keyVaults[n] },
  );
  world.vms.push(...extra.vms);
  world.disks.push(...extra.disks);
  world.networkInterfaces.push(...extra.networkInterfaces);
  for (const kv of extra.keyVaults) {
    const live = world.keyVaults.find((k) => k.name === kv.name);
    live?.keys.push(...kv.keys);
    live?.secrets.push(...kv.secrets);
  }
}

export const estateVmName = (i: number): string => `vm-estate-${String(i + 1).padStart(5, '0')}`;

/** The estate subscriptions past the seeded ones: `22222222-2222-4222-8222-2222222222e{n}` ("Contoso Estate n"). */
export const estateSubscriptionId = (n: number): string =>
  `22222222-2222-4222-8222-2222222222${(0xe0 + n).toString(16)}`;

/**
 * Grows the estate to `total` VMs (seeded ones included) with filler VMs; never shrinks it. Returns how many it added.
 * `subscriptions` (default 1: the primary alone, as before issue 17's part 1): how many subscriptions the filler VMs
 * spread over, round-robin, counting the VMs of all of them. Beyond the three seeded ones the bot can read, estate
 * subscriptions are added (the bot's identity holds Reader there, as on the others); call it before the bot lists the
 * subscriptions it manages, or have it list them again.
 */
export function growEstate(sandbox: Sandbox, total: number, options: { subscriptions?: number } = {}): number {
  const worlds = estateWorlds(sandbox, Math.max(1, options.subscriptions ?? 1));
  const all = worlds.flatMap((w) => w.vms);
  const have = all.filter((v) => v.name.startsWith('vm-estate-')).length;
  const need = Math.max(0, total - all.length);
  const byWorld = new Map<World, SeedVm[]>();
  for (let i = 0; i < need; i++) {
    const world = worlds[(have + i) % worlds.length];
    const list = byWorld.get(world) ?? [];
    list.push({ name: estateVmName(have + i), os: 'Linux', location: 'eastasia', resourceGroup: appGroup(world) });
    byWorld.set(world, list);
  }
  for (const [world, vms] of byWorld) addVms(sandbox, vms, world);
  return need;
}

/** The first `n` worlds the bot's identity can read (seeded ones first), adding estate subscriptions as needed. */
function estateWorlds(sandbox: Sandbox, n: number): World[] {
  const bot = sandbox.world.identities.find((i) => i.approved)!;
  const readable = () => sandbox.worlds.filter((w) => w.roleAssignments.some((a) => a.principalId === bot.objectId));
  for (let i = readable().length; i < n; i++) sandbox.worlds.push(estateWorld(sandbox, i + 1));
  return n === 1 ? [sandbox.world] : readable().slice(0, n);
}

/** An estate subscription: one app resource group and its network, the bot's identity a Reader (no vault, no keys). */
function estateWorld(sandbox: Sandbox, n: number): World {
  const sub: SubscriptionSeed = {
    subscriptionId: estateSubscriptionId(n),
    subscriptionName: `Contoso Estate ${n}`,
    resourceGroups: [{ name: 'rg-app', location: 'eastasia' }],
    roleAssignments: [{ principal: 'id-backup-bot', role: 'Reader', scope: 'subscription' }],
    recoveryVaults: [],
    policies: [],
    keyVaults: [],
    storageAccounts: [],
    virtualNetworks: [
      {
        name: 'vnet-app-eastasia',
        resourceGroup: 'rg-app',
        location: 'eastasia',
        addressPrefix: '10.40.0.0/16',
        subnets: [{ name: 'snet-app', addressPrefix: '10.40.1.0/24' }],
      },
    ],
    vms: [],
  };
  return loadWorld(seedFor(readSeed(), sub), { now: sandbox.engine.now(), vaultUri: () => '' });
}

/** Where a world's filler VMs go: its app resource group (rg-app, rg-fin-app, …). */
const appGroup = (w: World): string =>
  w.resourceGroups.find((g) => g.name === 'rg-app' || /-app$/.test(g.name))?.name ?? 'rg-app';
