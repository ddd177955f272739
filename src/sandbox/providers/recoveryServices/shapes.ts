import { sameId } from '../../authorization/rbac';
import type {
  BackupPolicy,
  ProtectedItem,
  RecoveryPoint,
  RecoveryVault,
  VirtualMachine,
  World,
} from '../../world/types';
import { vaultId } from './context';
import { findVmById, itemPath, namesFor, vmResourceId } from './names';

/** Response bodies of the Recovery Services resources, shaped as the service writes them (2023-06-01 examples). */

const DAY = 24 * 3600 * 1000;

export function vaultBody(world: World, v: RecoveryVault): Record<string, unknown> {
  return {
    id: vaultId(world, v),
    name: v.name,
    type: 'Microsoft.RecoveryServices/vaults',
    location: v.location,
    tags: {},
    etag: `W/"datetime'2024-01-01T00%3A00%3A00.0000000Z'"`,
    sku: { name: 'RS0', tier: 'Standard' },
    properties: {
      provisioningState: 'Succeeded',
      privateEndpointStateForBackup: 'None',
      privateEndpointStateForSiteRecovery: 'None',
      publicNetworkAccess: 'Enabled',
      backupStorageVersion: 'V2',
      redundancySettings: { standardTierStorageRedundancy: 'GeoRedundant', crossRegionRestore: 'Disabled' },
      securitySettings: { softDeleteSettings: { softDeleteState: 'Enabled', softDeleteRetentionPeriodInDays: 14 } },
      secureScore: 'Minimum',
    },
  };
}

/** Items counting against a policy: protected by it and not stopped. */
export const policyItemCount = (world: World, vault: string, policy: string): number =>
  world.protectedItems.filter(
    (p) => sameId(p.vault, vault) && sameId(p.policyName, policy) && p.protectionState !== 'ProtectionStopped',
  ).length;

export function policyBody(world: World, v: RecoveryVault, p: BackupPolicy): Record<string, unknown> {
  const weekly = p.scheduleRunFrequency === 'Weekly';
  const times = p.scheduleRunTimes;
  return {
    id: `${vaultId(world, v)}/backupPolicies/${p.name}`,
    name: p.name,
    type: 'Microsoft.RecoveryServices/vaults/backupPolicies',
    properties: {
      backupManagementType: 'AzureIaasVM',
      policyType: 'V1',
      instantRpRetentionRangeInDays: p.instantRpRetentionRangeInDays ?? (weekly ? 5 : 2),
      schedulePolicy: {
        schedulePolicyType: 'SimpleSchedulePolicy',
        scheduleRunFrequency: p.scheduleRunFrequency,
        ...(weekly ? { scheduleRunDays: p.scheduleRunDays ?? [] } : {}),
        scheduleRunTimes: times,
        scheduleWeeklyFrequency: 0,
      },
      retentionPolicy: {
        retentionPolicyType: 'LongTermRetentionPolicy',
        ...(weekly
          ? {
              weeklySchedule: {
                daysOfTheWeek: p.scheduleRunDays ?? [],
                retentionTimes: times,
                retentionDuration: { count: p.retentionWeeks ?? 0, durationType: 'Weeks' },
              },
            }
          : {
              dailySchedule: {
                retentionTimes: times,
                retentionDuration: { count: p.retentionDays ?? 0, durationType: 'Days' },
              },
            }),
      },
      timeZone: p.timeZone,
      protectedItemsCount: policyItemCount(world, v.name, p.name),
    },
  };
}

export function protectableBody(
  world: World,
  v: RecoveryVault,
  vm: VirtualMachine,
  isProtected: boolean,
): Record<string, unknown> {
  const classic = vm.kind === 'classic';
  const n = namesFor(vm, classic);
  const vmId = vmResourceId(world, vm);
  return {
    id: `${vaultId(world, v)}/backupFabrics/Azure/protectionContainers/${n.container}/protectableItems/${n.item}`,
    name: n.short,
    type: 'Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectableItems',
    properties: {
      protectableItemType: classic ? 'Microsoft.ClassicCompute/virtualMachines' : 'Microsoft.Compute/virtualMachines',
      backupManagementType: 'AzureIaasVM',
      workloadType: 'VM',
      friendlyName: vm.name,
      protectionState: isProtected ? 'Protected' : 'NotProtected',
      virtualMachineId: vmId,
      virtualMachineVersion: classic ? 'ClassicCompute' : 'Compute',
      resourceGroup: vm.resourceGroup,
    },
  };
}

export function containerBody(world: World, v: RecoveryVault, item: ProtectedItem): Record<string, unknown> {
  const n = namesFor({ resourceGroup: item.vmResourceGroup, name: item.vmName });
  return {
    id: `${vaultId(world, v)}/backupFabrics/Azure/protectionContainers/${n.container}`,
    name: n.container,
    type: 'Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers',
    properties: {
      friendlyName: item.vmName,
      backupManagementType: 'AzureIaasVM',
      registrationStatus: 'Registered',
      healthStatus: 'Healthy',
      containerType: 'Microsoft.Compute/virtualMachines',
      protectableObjectType: 'Microsoft.Compute/virtualMachines',
      virtualMachineId: item.vmId,
      virtualMachineVersion: 'Compute',
      resourceGroup: item.vmResourceGroup,
    },
  };
}

export function protectedItemBody(world: World, v: RecoveryVault, item: ProtectedItem): Record<string, unknown> {
  const ref = { resourceGroup: item.vmResourceGroup, name: item.vmName };
  const n = namesFor(ref);
  const rps = world.recoveryPoints.filter((r) => sameId(r.vault, v.name) && sameId(r.vmId, item.vmId));
  const oldest = rps.reduce<string | undefined>((o, r) => (!o || r.time < o ? r.time : o), undefined);
  const failing = item.protectionState === 'ProtectionError' || item.lastBackupStatus === 'Failed';
  const stopped = item.protectionState === 'ProtectionStopped';
  return {
    id: itemPath(vaultId(world, v), ref),
    name: n.item,
    type: 'Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems',
    properties: {
      friendlyName: item.vmName,
      virtualMachineId: item.vmId,
      protectionStatus: failing ? 'Unhealthy' : 'Healthy',
      protectionState: item.protectionState,
      healthStatus: failing ? 'ActionRequired' : 'Passed',
      ...(item.lastBackupStatus ? { lastBackupStatus: item.lastBackupStatus } : {}),
      ...(item.lastBackupTime ? { lastBackupTime: item.lastBackupTime } : {}),
      ...(item.lastRecoveryPointTime ? { lastRecoveryPoint: item.lastRecoveryPointTime } : {}),
      protectedItemDataId: dataId(item.vmId),
      extendedInfo: {
        recoveryPointCount: rps.length,
        policyInconsistent: false,
        ...(oldest ? { oldestRecoveryPoint: oldest } : {}),
      },
      protectedItemType: 'Microsoft.Compute/virtualMachines',
      backupManagementType: 'AzureIaasVM',
      workloadType: 'VM',
      containerName: n.short,
      sourceResourceId: item.vmId,
      ...(stopped
        ? {}
        : { policyId: `${vaultId(world, v)}/backupPolicies/${item.policyName}`, policyName: item.policyName }),
      isScheduledForDeferredDelete: false,
    },
  };
}

/** A recovery point; `withKeys` adds keyAndSecret (the single GET does, the list does not). */
export function recoveryPointBody(
  world: World,
  v: RecoveryVault,
  rp: RecoveryPoint,
  now: number,
  withKeys: boolean,
): Record<string, unknown> {
  const ref = vmRefOfId(rp.vmId);
  const vm = findVmById(world, rp.vmId);
  const t = Date.parse(rp.time);
  const tiers = [
    ...(now - t < 2 * DAY ? [{ type: 'InstantRP', status: 'Valid' }] : []),
    { type: 'HardenedRP', status: 'Valid' },
  ];
  const enc = rp.encryption;
  return {
    id: `${itemPath(vaultId(world, v), ref)}/recoveryPoints/${rp.name}`,
    name: rp.name,
    type: 'Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints',
    properties: {
      objectType: 'IaasVMRecoveryPoint',
      recoveryPointType: rp.type,
      recoveryPointTime: rp.time,
      recoveryPointAdditionalInfo: '',
      sourceVMStorageType: 'NormalStorage',
      isSourceVMEncrypted: !!enc,
      ...(withKeys && enc
        ? {
            keyAndSecret: {
              ...(enc.keyUrl
                ? {
                    kekDetails: {
                      keyUrl: enc.keyUrl,
                      keyVaultId: enc.kekVaultId ?? enc.vaultId,
                      keyBackupData: rp.keyBackup,
                    },
                  }
                : {}),
              bekDetails: { secretUrl: enc.secretUrl, secretVaultId: enc.vaultId, secretData: rp.secretValue },
              encryptionMechanism: enc.pass === 'dual' ? 'DualPass' : 'SinglePass',
            },
          }
        : {}),
      isInstantIlrSessionActive: false,
      recoveryPointTierDetails: tiers,
      // IaasVMRecoveryPoint.isManagedVirtualMachine ("Whether VM is with Managed Disks", @azure/arm-recoveryservicesbackup
      // models): false for the points of VMs that had unmanaged disks (retired in 2025; their old points remain).
      isManagedVirtualMachine: !rp.unmanaged,
      virtualMachineSize: rp.vmSize,
      originalStorageAccountOption: false,
      osType: rp.osType,
      ...(vm
        ? {
            recoveryPointDiskConfiguration: {
              numberOfDisksIncludedInBackup: 1 + vm.dataDiskNames.length,
              numberOfDisksAttachedToVm: 1 + vm.dataDiskNames.length,
            },
          }
        : {}),
    },
  };
}

/** Resource group and name out of a VM id. */
export function vmRefOfId(id: string): { resourceGroup: string; name: string } {
  const m = /\/resourceGroups\/([^/]+)\/providers\/[^/]+\/[^/]+\/([^/]+)$/i.exec(id);
  return { resourceGroup: m?.[1] ?? '', name: m?.[2] ?? id };
}

/** A stable numeric id per VM, as Backup's protectedItemDataId is. */
function dataId(vmId: string): string {
  let h = 0n;
  for (const c of vmId.toLowerCase()) h = (h * 131n + BigInt(c.charCodeAt(0))) % 1_000_000_000_000_000n;
  return String(h);
}
