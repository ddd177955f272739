import { backupNamesFor } from '../../src/azure/names';
import { RecoveryPointOperations } from '../../src/azure/recoveryPoints';
import { RestoreOperations } from '../../src/azure/restore';
import type { ProtectedItemRef, RecoveryPointSummary, RestoreJob, RestoreJobOutputs } from '../../src/azure/types';
import type { TestAzure } from './azure';

/** The protected item of a seeded VM in rg-app, as the restore operations address it. */
export function itemOf(vmName: string, vault = 'rsv-prod-eastasia'): ProtectedItemRef {
  return { vault, vaultResourceGroup: 'rg-backup', ...backupNamesFor('rg-app', vmName) };
}

export const ids = (azure: TestAzure) => {
  const sub = azure.settings.subscriptionId;
  const rg = (name: string) => `/subscriptions/${sub}/resourceGroups/${name}`;
  return {
    rg,
    vm: (name: string, group = 'rg-app') => `${rg(group)}/providers/Microsoft.Compute/virtualMachines/${name}`,
    keyVault: (name: string) => `${rg('rg-keys')}/providers/Microsoft.KeyVault/vaults/${name}`,
    staging: `${rg('rg-staging')}/providers/Microsoft.Storage/storageAccounts/stagingeastasia01`,
    subnet: (name = 'snet-restore') =>
      `${rg('rg-app')}/providers/Microsoft.Network/virtualNetworks/vnet-app-eastasia/subnets/${name}`,
  };
};

/** Restores a seeded VM's disks into rg-restore from its newest (or the given) recovery point; returns the job. */
export async function restoreDisksOf(
  azure: TestAzure,
  vmName: string,
  pick: (points: RecoveryPointSummary[]) => RecoveryPointSummary = (points) => points[0],
): Promise<{ point: RecoveryPointSummary; job: RestoreJob; outputs: RestoreJobOutputs }> {
  const item = itemOf(vmName);
  const point = pick(await new RecoveryPointOperations(azure.clients).list(item));
  const restore = new RestoreOperations(azure.clients);
  const { jobId } = await restore.beginRestoreDisks({
    item,
    recoveryPointName: point.name,
    sourceVmId: ids(azure).vm(vmName),
    stagingAccountId: ids(azure).staging,
    targetResourceGroupId: ids(azure).rg('rg-restore'),
    region: 'eastasia',
  });
  const job = await restore.waitForRestoreJob(item, jobId, { pollIntervalMs: 20 });
  if (job.status !== 'Completed' || !job.outputs) throw new Error(`Restore job of ${vmName} ended ${job.status}`);
  return { point, job, outputs: job.outputs };
}
