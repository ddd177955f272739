import type { Disk, DiskEncryptionSettings, VirtualMachine, VirtualMachineExtension } from '@azure/arm-compute';
import { parseResourceId, sameId } from '../names';
import type { ResourceRef, VmAgentState, VmEncryption } from '../types';

/**
 * How a VM is encrypted with Azure Disk Encryption, from what one GET with $expand=instanceView returns (model,
 * instance view, extensions in `resources`) plus, for single pass, the OS managed disk. The rule is the reference's
 * "suggested bot rule" (§3): Azure documents no algorithm.
 * - encrypted: osDisk.encryptionSettings.enabled (dual pass), or the disk's encryptionSettingsCollection.enabled
 *   (single pass), or enabled settings in the instance view, or an ADE extension that enabled encryption;
 * - BEK+KEK when any keyEncryptionKey.keyUrl or the extension's KeyEncryptionKeyURL is set, else BEK only.
 */
export function toVmEncryption(vm: VirtualMachine, osDisk?: Disk): VmEncryption {
  const found: Partial<Pick<VmEncryption, 'pass' | 'secretUrl' | 'keyUrl'>> & {
    vaultId?: string;
    kekVaultId?: string;
  } = {};
  const sources: VmEncryption['sources'] = [];
  const take = (s: { secretUrl?: string; vaultId?: string; keyUrl?: string; kekVaultId?: string }) => {
    found.secretUrl ??= s.secretUrl || undefined;
    found.vaultId ??= s.vaultId || undefined;
    found.keyUrl ??= s.keyUrl || undefined;
    found.kekVaultId ??= s.kekVaultId || undefined;
  };

  const model = vm.storageProfile?.osDisk?.encryptionSettings;
  if (model?.enabled) {
    sources.push('vmModel');
    found.pass = 'dual';
    take(fromSettings(model));
  }
  const collection = osDisk?.encryptionSettingsCollection;
  if (collection?.enabled) {
    sources.push('disk');
    found.pass ??= collection.encryptionSettingsVersion === '1.0' ? 'dual' : 'single';
    const first = collection.encryptionSettings?.[0];
    take({
      secretUrl: first?.diskEncryptionKey?.secretUrl,
      vaultId: first?.diskEncryptionKey?.sourceVault?.id,
      keyUrl: first?.keyEncryptionKey?.keyUrl,
      kekVaultId: first?.keyEncryptionKey?.sourceVault?.id,
    });
  }
  const viewSettings = (vm.instanceView?.disks ?? [])
    .flatMap((d) => d.encryptionSettings ?? [])
    .filter((s) => s.enabled);
  if (viewSettings.length > 0) {
    sources.push('instanceView');
    viewSettings.forEach((s) => take(fromSettings(s)));
  }
  const ext = adeExtension(vm);
  let aadClientId: string | undefined;
  if (ext) {
    sources.push('extension');
    const settings = (ext.settings ?? {}) as Record<string, string | undefined>;
    take({
      vaultId: settings.KeyVaultResourceId,
      keyUrl: settings.KeyEncryptionKeyURL,
      kekVaultId: settings.KekVaultResourceId,
    });
    found.pass ??= extensionPass(ext);
    aadClientId = settings.AADClientID || undefined;
  }

  if (sources.length === 0) return { kind: 'none', sources };
  const keyVault = toRef(found.vaultId);
  const kekVault = toRef(found.kekVaultId);
  return {
    kind: found.keyUrl ? 'bek+kek' : 'bek',
    pass: found.pass,
    keyVault,
    kekVault: kekVault && !sameId(kekVault.id, keyVault?.id) ? kekVault : undefined,
    secretUrl: found.secretUrl,
    keyUrl: found.keyUrl,
    ...(found.pass === 'dual' && aadClientId ? { aadClientId } : {}),
    sources,
  };
}

/** True when the VM model carries no ADE settings and its OS managed disk has to be read (single pass). */
export function needsOsDisk(vm: VirtualMachine): boolean {
  return !vm.storageProfile?.osDisk?.encryptionSettings?.enabled && !!vm.storageProfile?.osDisk?.managedDisk?.id;
}

/** VM agent state from the instance view: 'Ready' / 'Not Ready', unknown when Azure reports none (VM stopped). */
export function toAgentState(vm: VirtualMachine): VmAgentState {
  const statuses = vm.instanceView?.vmAgent?.statuses ?? [];
  if (statuses.some((s) => /^not ready$/i.test(s.displayStatus ?? ''))) return 'not-ready';
  if (statuses.some((s) => /^ready$/i.test(s.displayStatus ?? ''))) return 'ready';
  return statuses.length > 0 ? 'not-ready' : 'unknown';
}

const fromSettings = (s: DiskEncryptionSettings) => ({
  secretUrl: s.diskEncryptionKey?.secretUrl,
  vaultId: s.diskEncryptionKey?.sourceVault?.id,
  keyUrl: s.keyEncryptionKey?.keyUrl,
  kekVaultId: s.keyEncryptionKey?.sourceVault?.id,
});

/** The Azure Disk Encryption extension (Windows or Linux), unless its last operation disabled encryption. */
function adeExtension(vm: VirtualMachine): VirtualMachineExtension | undefined {
  return (vm.resources ?? []).find((e) => {
    const type = e.typePropertiesType ?? e.name ?? '';
    const operation = String((e.settings as Record<string, unknown> | undefined)?.EncryptionOperation ?? '');
    return (
      sameId(e.publisher, 'Microsoft.Azure.Security') &&
      /^AzureDiskEncryption(ForLinux)?$/i.test(type) &&
      !/disable/i.test(operation)
    );
  });
}

/** Extension versions with the Azure AD app (dual pass): Windows 1.x, Linux 0.x; without it: Windows 2.x, Linux 1.x. */
function extensionPass(ext: VirtualMachineExtension): 'single' | 'dual' | undefined {
  const major = Number.parseInt(ext.typeHandlerVersion ?? '', 10);
  if (Number.isNaN(major)) return undefined;
  const linux = /ForLinux$/i.test(ext.typePropertiesType ?? ext.name ?? '');
  return (linux ? major >= 1 : major >= 2) ? 'single' : 'dual';
}

function toRef(id: string | undefined): ResourceRef | undefined {
  const p = parseResourceId(id);
  return p ? { id: p.id, name: p.name, resourceGroup: p.resourceGroup } : undefined;
}
