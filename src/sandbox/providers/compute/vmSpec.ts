import { badRequest } from '../../http/errors';
import type { KeyVaultRefs } from './keyVaultRefs';

/** What a VM PUT (or a template's VM resource) asks for, read from the wire body (`properties` nesting). */
export interface VmSpec {
  name: string;
  resourceGroup: string;
  location: string;
  vmSize: string;
  osType?: 'Windows' | 'Linux';
  osDiskId: string;
  dataDisks: { lun: number; id: string }[];
  nicIds: string[];
  /** VM-model ADE settings (dual pass, settings version 1.0). */
  encryption?: KeyVaultRefs;
}

/**
 * Reads a VM body. The sandbox creates VMs only by attaching existing managed disks (createOption 'Attach'),
 * which is how a VM is made from restored disks; other create options are refused with a clear message.
 */
export function parseVmBody(body: any, target: { name: string; resourceGroup: string }): VmSpec {
  if (!body || typeof body !== 'object')
    throw badRequest('InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
  const location = str(body.location);
  if (!location) throw badRequest('LocationRequired', 'The location property is required for this definition.');
  const p = body.properties ?? {};
  const osDisk = p.storageProfile?.osDisk;
  if (!osDisk) throw badRequest('InvalidParameter', "Required parameter 'storageProfile.osDisk' is missing (null).");
  const createOption = str(osDisk.createOption);
  if (createOption?.toLowerCase() !== 'attach') {
    throw badRequest(
      'InvalidParameter',
      `The sandbox creates virtual machines only from existing managed disks: osDisk.createOption must be 'Attach' (got '${createOption ?? ''}').`,
    );
  }
  const osDiskId = str(osDisk.managedDisk?.id);
  if (!osDiskId) throw badRequest('InvalidParameter', "Required parameter 'osDisk.managedDisk.id' is missing (null).");
  const osType = str(osDisk.osType);
  if (osType && osType !== 'Windows' && osType !== 'Linux')
    throw badRequest('InvalidParameter', `The value '${osType}' of parameter 'osDisk.osType' is invalid.`);

  const dataDisks = (Array.isArray(p.storageProfile?.dataDisks) ? p.storageProfile.dataDisks : []).map(
    (d: any, i: number) => {
      const id = str(d?.managedDisk?.id);
      if (!id || str(d.createOption)?.toLowerCase() !== 'attach') {
        throw badRequest(
          'InvalidParameter',
          `Data disk ${i}: the sandbox attaches existing managed disks only (createOption 'Attach' with managedDisk.id).`,
        );
      }
      return { lun: Number.isInteger(d.lun) ? d.lun : i, id };
    },
  );
  const luns = new Set(dataDisks.map((d: { lun: number }) => d.lun));
  if (luns.size !== dataDisks.length) throw badRequest('InvalidParameter', 'Each data disk must have a unique lun.');

  const nicIds = (Array.isArray(p.networkProfile?.networkInterfaces) ? p.networkProfile.networkInterfaces : [])
    .map((n: any) => str(n?.id))
    .filter((id: string | undefined): id is string => !!id);
  if (nicIds.length === 0)
    throw badRequest(
      'InvalidParameter',
      'The virtual machine must have at least one network interface (networkProfile.networkInterfaces).',
    );

  return {
    name: target.name,
    resourceGroup: target.resourceGroup,
    location,
    vmSize: str(p.hardwareProfile?.vmSize) ?? 'Standard_D2s_v5',
    osType: osType as VmSpec['osType'],
    osDiskId,
    dataDisks: dataDisks.sort((a: { lun: number }, b: { lun: number }) => a.lun - b.lun),
    nicIds,
    encryption: encryptionOf(osDisk.encryptionSettings),
  };
}

function encryptionOf(s: any): KeyVaultRefs | undefined {
  if (!s || s.enabled === false) return undefined;
  const secretUrl = str(s.diskEncryptionKey?.secretUrl);
  const secretVaultId = str(s.diskEncryptionKey?.sourceVault?.id);
  if (!secretUrl || !secretVaultId) {
    throw badRequest(
      'InvalidParameter',
      "osDisk.encryptionSettings.diskEncryptionKey needs 'secretUrl' and 'sourceVault.id'.",
    );
  }
  const keyUrl = str(s.keyEncryptionKey?.keyUrl);
  const keyVaultId = str(s.keyEncryptionKey?.sourceVault?.id);
  if (s.keyEncryptionKey && (!keyUrl || !keyVaultId)) {
    throw badRequest(
      'InvalidParameter',
      "osDisk.encryptionSettings.keyEncryptionKey needs 'keyUrl' and 'sourceVault.id'.",
    );
  }
  return { secretUrl, secretVaultId, keyUrl, keyVaultId };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
