import type { IaasVMRecoveryPoint, RecoveryPointResource } from '@azure/arm-recoveryservicesbackup';
import { azureCall } from './call';
import type { AzureClients } from './clients';
import { NotFoundError } from './errors';
import { ENCRYPTION_INFO_BLOB_SINCE, formatBackupDate, TEMPLATE_RESTORE_SINCE } from './restore/backupDate';
import { KeyAndSecretMaterial } from './restore/material';
import type { OperationOptions, ProtectedItemRef, RecoveryPointSummary } from './types';
import { itemVault, vaultAndClients } from './vaults';

const FABRIC = 'Azure';

/** A protected VM's recovery points, newest first. */
export class RecoveryPointOperations {
  constructor(readonly clients: AzureClients) {}

  /**
   * Recovery points of a protected VM between `from` and `to` (filtered by Azure, in its date format), newest first.
   * Permission: Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints/read.
   */
  async list(
    item: ProtectedItemRef,
    range: { from?: Date; to?: Date } = {},
    options: OperationOptions = {},
  ): Promise<RecoveryPointSummary[]> {
    return azureCall('listRecoveryPoints', async () => {
      const filter = rangeFilter(range);
      const out: RecoveryPointSummary[] = [];
      const { clients } = await vaultAndClients(this.clients, itemVault(item), options);
      const pages = clients.backup.recoveryPoints.list(
        item.vault,
        item.vaultResourceGroup,
        FABRIC,
        item.containerName,
        item.protectedItemName,
        { filter, abortSignal: options.abortSignal },
      );
      for await (const rp of pages) {
        const summary = toSummary(rp);
        if (summary) out.push(summary);
      }
      return out.sort((a, b) => b.time.getTime() - a.time.getTime());
    });
  }

  /**
   * One recovery point. Permission: …/protectedItems/recoveryPoints/read.
   * (Its key and secret, for legacy points, stay inside the Azure layer: see `readRecoveryPoint`.)
   */
  async get(
    item: ProtectedItemRef,
    recoveryPointName: string,
    options: OperationOptions = {},
  ): Promise<RecoveryPointSummary> {
    return (await readRecoveryPoint(this.clients, item, recoveryPointName, options)).summary;
  }
}

/**
 * A recovery point with, when Azure returns it (the single GET, legacy points before 11 July 2017), its key and secret.
 * Internal to src/azure: the material never reaches callers outside it.
 */
export async function readRecoveryPoint(
  clients: AzureClients,
  item: ProtectedItemRef,
  recoveryPointName: string,
  options: OperationOptions = {},
): Promise<{ summary: RecoveryPointSummary; keyAndSecret?: KeyAndSecretMaterial }> {
  return azureCall('getRecoveryPoint', async () => {
    const { clients: c } = await vaultAndClients(clients, itemVault(item), options);
    const rp = await c.backup.recoveryPoints.get(
      item.vault,
      item.vaultResourceGroup,
      FABRIC,
      item.containerName,
      item.protectedItemName,
      recoveryPointName,
      { abortSignal: options.abortSignal },
    );
    const summary = toSummary(rp);
    if (!summary) throw new NotFoundError('Recovery point', recoveryPointName);
    return { summary, keyAndSecret: keyAndSecretOf(rp.properties as IaasVMRecoveryPoint) };
  });
}

function rangeFilter(range: { from?: Date; to?: Date }): string | undefined {
  if (!range.from && !range.to) return undefined;
  // Both ends, as the Azure CLI sends them: the service expects the pair.
  const to = range.to ?? new Date();
  const from = range.from ?? new Date(0);
  return `startDate eq '${formatBackupDate(from)}' and endDate eq '${formatBackupDate(to)}'`;
}

function toSummary(rp: RecoveryPointResource): RecoveryPointSummary | undefined {
  const p = rp.properties as IaasVMRecoveryPoint | undefined;
  if (!rp.name || !p || p.objectType !== 'IaasVMRecoveryPoint') return undefined;
  const time = p.recoveryPointTime ? new Date(p.recoveryPointTime) : new Date(0);
  return {
    id: rp.id ?? rp.name,
    name: rp.name,
    time,
    type: p.recoveryPointType ?? 'Unknown',
    encrypted: p.isSourceVMEncrypted === true,
    osType: p.osType,
    templateRestorable: time.getTime() >= TEMPLATE_RESTORE_SINCE.getTime(),
    legacyKeyAndSecret: time.getTime() < ENCRYPTION_INFO_BLOB_SINCE.getTime(),
    managedDisks: p.isManagedVirtualMachine !== false,
  };
}

function keyAndSecretOf(p: IaasVMRecoveryPoint | undefined): KeyAndSecretMaterial | undefined {
  const ks = p?.keyAndSecret;
  const secretUrl = ks?.bekDetails?.secretUrl;
  if (!ks || !secretUrl) return undefined;
  return new KeyAndSecretMaterial(
    secretUrl,
    ks.kekDetails?.keyUrl,
    ks.kekDetails?.keyVaultId ?? ks.bekDetails?.secretVaultId,
    {
      keyBackup: ks.kekDetails?.keyBackupData,
      secretData: ks.bekDetails?.secretData,
    },
  );
}
