import { sameId } from '../../authorization/rbac';
import { resourceId } from '../../http/arm';
import type { ProviderContext } from '../../http/types';
import type { BackupJob, ManagedDisk, RecoveryPoint, RecoveryVault } from '../../world/types';
import { finishJob } from './jobRunner';
import { findVmById } from './names';
import { vmRefOfId } from './shapes';
import { restoreTemplate } from './template';

/** Templates exist only for recovery points from 26 April 2017 on. */
export const TEMPLATE_SINCE = Date.parse('2017-04-26T00:00:00Z');

export interface RestoreTarget {
  account: string;
  /** Absent for an unmanaged point: the disks come back as VHD blobs in the staging account. */
  resourceGroup?: string;
  /** Data disk LUNs to restore; undefined = all (the OS disk always comes back). */
  luns?: number[];
}

/**
 * What a finished Restore (disks) job leaves behind: managed disks in the target resource group carrying the
 * recovery point's encryption settings, and in the staging account the VM config, the ARM template (points from
 * 26 April 2017 on) and, for encrypted VMs, the encryption info blob, all named in the job's property bag.
 */
export function completeRestore(
  ctx: ProviderContext,
  v: RecoveryVault,
  job: BackupJob,
  rp: RecoveryPoint,
  target: RestoreTarget,
): void {
  const { world } = ctx;
  if (!world.storageAccounts.some((s) => sameId(s.name, target.account))) {
    return finishJob(ctx, job, 'Failed', [
      {
        errorCode: 200032,
        name: 'UserErrorStorageAccountNotFound',
        errorString: 'Operation failed as the specified storage account does not exist anymore.',
        recommendations: ["Choose an existing staging storage account in the vault's region and restore again."],
      },
    ]);
  }
  const vmName = vmRefOfId(rp.vmId).name;
  const vm = findVmById(world, rp.vmId);
  const stamp = timestamp(ctx.engine.now());
  const enc = rp.encryption;
  if (!target.resourceGroup) return completeUnmanaged(ctx, v, job, rp, target.account, vm?.dataDiskNames.length ?? 0);
  const targetGroup = target.resourceGroup;
  const disk = (name: string, osType?: 'Windows' | 'Linux'): ManagedDisk => {
    let unique = name;
    for (let i = 1; world.disks.some((d) => sameId(d.name, unique) && sameId(d.resourceGroup, targetGroup)); i++)
      unique = `${name}-${i}`;
    const d: ManagedDisk = {
      name: unique,
      resourceGroup: targetGroup,
      location: v.location,
      osType,
      sizeGb: osType ? 128 : 256,
      restoredFrom: rp.vmId,
      encryption: enc
        ? {
            vaultId: enc.vaultId,
            secretUrl: enc.secretUrl,
            keyUrl: enc.keyUrl,
            ...(enc.kekVaultId ? { kekVaultId: enc.kekVaultId } : {}),
            version: enc.pass === 'dual' ? '1.0' : '1.1',
          }
        : undefined,
    };
    world.disks.push(d);
    return d;
  };
  const diskId = (d: ManagedDisk) =>
    resourceId(world.subscriptionId, d.resourceGroup, 'Microsoft.Compute/disks', d.name);
  const osDisk = disk(`${vmName}-osdisk-${stamp}`, rp.osType);
  const luns = Array.from({ length: vm?.dataDiskNames.length ?? 0 }, (_, lun) => lun).filter(
    (l) => !target.luns || target.luns.includes(l),
  );
  const dataDisks = luns.map((lun) => ({ lun, id: diskId(disk(`${vmName}-datadisk-${lun}-${stamp}`)) }));

  const short = job.id.slice(0, 8);
  const container = `${vmName.toLowerCase()}-${short}`.slice(0, 63);
  const blobs = ((world.blobs[target.account] ??= {})[container] ??= {});
  const put = (name: string, doc: unknown) => {
    blobs[name] = {
      content: Buffer.from(JSON.stringify(doc, null, 2)).toString('base64'),
      contentType: 'application/json',
      createdOn: ctx.engine.nowIso(),
    };
    return name;
  };
  const configName = put(`config-${vmName}-${short}.json`, {
    name: vmName,
    location: v.location,
    properties: {
      hardwareProfile: { vmSize: rp.vmSize },
      storageProfile: {
        osDisk: { osType: rp.osType, name: osDisk.name, createOption: 'Attach', managedDisk: { id: diskId(osDisk) } },
        dataDisks: dataDisks.map((d) => ({
          lun: d.lun,
          name: d.id.split('/').pop(),
          createOption: 'Attach',
          managedDisk: { id: d.id },
        })),
      },
      networkProfile: { networkInterfaces: (vm?.networkInterfaceIds ?? []).map((id) => ({ id })) },
    },
  });
  const bag: Record<string, string> = {
    ...job.propertyBag,
    'Config Blob Container Name': container,
    'Config Blob Name': configName,
  };
  if (Date.parse(rp.time) >= TEMPLATE_SINCE) {
    const name = put(
      `azuredeploy-${short}.json`,
      restoreTemplate({
        jobId: job.id,
        vault: v.name,
        vmName,
        region: v.location,
        vmSize: rp.vmSize,
        osType: rp.osType,
        osDiskId: diskId(osDisk),
        dataDisks,
      }),
    );
    bag['Template Blob Uri'] = `${ctx.urls.blob}/${target.account}/${container}/${name}`;
  }
  if (enc) {
    bag['Encryption Info Blob Name'] = put(`${vmName}-encryptioninfo-${short}.json`, {
      OsDiskKeyAndSecretDetails: {
        KeyUrl: enc.keyUrl,
        SecretUrl: enc.secretUrl,
        // The KEK's vault and the BEK's, apart (as KeyAndSecretDetails keeps them).
        KeyVaultId: enc.kekVaultId ?? enc.vaultId,
        SecretVaultId: enc.vaultId,
        KeyBackupData: rp.keyBackup,
        SecretData: rp.secretValue,
        KeyVaultSecretBackupData: rp.secretBackup,
      },
      EncryptionMechanism: enc.pass === 'dual' ? 'DualPass' : 'SinglePass',
      OsType: rp.osType,
    });
  }
  job.propertyBag = bag;
  job.restoredDiskIds = [diskId(osDisk), ...dataDisks.map((d) => d.id)];
  finishJob(ctx, job, 'Completed');
}

/**
 * An unmanaged point restored without a target resource group: the disks come back as page-blob VHDs in the staging
 * account and the VM config names them by `vhd.uri` (backup-azure-vms-automation.md, "Create a VM from restored
 * disks", unmanaged disks). No managed disk is created. The sandbox writes no template for these points (the bot
 * refuses to restore them before approval, so nothing deploys one).
 */
function completeUnmanaged(
  ctx: ProviderContext,
  v: RecoveryVault,
  job: BackupJob,
  rp: RecoveryPoint,
  account: string,
  dataDisks: number,
): void {
  const vmName = vmRefOfId(rp.vmId).name;
  const short = job.id.slice(0, 8);
  const container = `${vmName.toLowerCase()}-${short}`.slice(0, 63);
  const blobs = ((ctx.world.blobs[account] ??= {})[container] ??= {});
  const put = (name: string, content: Buffer, contentType: string) => {
    blobs[name] = { content: content.toString('base64'), contentType, createdOn: ctx.engine.nowIso() };
    return `${ctx.urls.blob}/${account}/${container}/${name}`;
  };
  const vhd = (name: string) => put(name, Buffer.from('sandbox VHD placeholder'), 'application/octet-stream');
  const osVhd = vhd(`${vmName}-osdisk-${short}.vhd`);
  const dataVhds = Array.from({ length: dataDisks }, (_, lun) => ({
    lun,
    uri: vhd(`${vmName}-datadisk-${lun}-${short}.vhd`),
  }));
  const configName = `config-${vmName}-${short}.json`;
  put(
    configName,
    Buffer.from(
      JSON.stringify({
        name: vmName,
        location: v.location,
        properties: {
          hardwareProfile: { vmSize: rp.vmSize },
          storageProfile: {
            osDisk: { osType: rp.osType, createOption: 'Attach', vhd: { uri: osVhd } },
            dataDisks: dataVhds.map((d) => ({ lun: d.lun, createOption: 'Attach', vhd: { uri: d.uri } })),
          },
        },
      }),
    ),
    'application/json',
  );
  job.propertyBag = { ...job.propertyBag, 'Config Blob Container Name': container, 'Config Blob Name': configName };
  job.restoredDiskIds = [];
  finishJob(ctx, job, 'Completed');
}

/** yyyymmdd-hhmmss (UTC). */
function timestamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
}
