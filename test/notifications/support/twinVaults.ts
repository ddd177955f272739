import { addVms } from '../../../src/sandbox/world/estate';
import type { World } from '../../../src/sandbox/world/types';
import type { SandboxAzure } from './harness';

export const PRIMARY = '22222222-2222-4222-8222-222222222222';
export const FINANCE = '22222222-2222-4222-8222-222222222223';
export const RESEARCH = '22222222-2222-4222-8222-222222222224';
/** A vault name held in both Contoso Finance and Contoso Research, each protecting its own `vm-twin-01`. */
export const TWIN = 'rsv-twin-eastasia';
/** Where each subscription's seeded vault and VMs live (seed.json). */
export const place: Record<string, { backup: string; app: string }> = {
  [FINANCE]: { backup: 'rg-fin-backup', app: 'rg-fin-app' },
  [RESEARCH]: { backup: 'rg-res-backup', app: 'rg-res-app' },
  [PRIMARY]: { backup: 'rg-backup', app: 'rg-app' },
};

/**
 * Same-named vaults and VMs in several sandbox subscriptions (issue 17's notification tests): the seed has none, so
 * the tests add them to the subscriptions' worlds before any Azure call.
 */
export function twinVaults(sandbox: () => SandboxAzure) {
  const world = (id: string): World => sandbox().azure.sandbox.worlds.find((w) => w.subscriptionId === id)!;
  return {
    world,
    /** A vault in a subscription's world, with the seed's DefaultPolicy (daily at 22:30 UTC). */
    addVault(id: string, name: string): void {
      world(id).recoveryVaults.push({ name, resourceGroup: place[id].backup, location: 'eastasia' });
      world(id).policies.push({
        vault: name,
        name: 'DefaultPolicy',
        scheduleRunFrequency: 'Daily',
        scheduleRunTimes: ['2020-01-01T22:30:00Z'],
        retentionDays: 30,
        timeZone: 'UTC',
      });
    },
    /** A plain Linux VM that `vaultName` protects, never backed up yet (as the seed's vm-nogrant-01). */
    protect(id: string, vaultName: string, vm: string): void {
      const { app } = place[id];
      addVms(sandbox().azure.sandbox, [{ name: vm, os: 'Linux', resourceGroup: app }], world(id));
      world(id).protectedItems.push({
        vault: vaultName,
        vmId: `/subscriptions/${id}/resourceGroups/${app}/providers/Microsoft.Compute/virtualMachines/${vm}`,
        vmName: vm,
        vmResourceGroup: app,
        policyName: 'DefaultPolicy',
        protectionState: 'Protected',
      });
    },
  };
}
