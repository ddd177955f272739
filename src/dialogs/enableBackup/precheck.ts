import {
  explain,
  UnsupportedVmError,
  type EncryptionKind,
  type ResourceRef,
  type UnsupportedVmReason,
  type VmAgentState,
  type VmSummary,
} from '../../azure';
import type { Locale } from '../../i18n';
import { t } from '../../i18n';
import type { DialogDeps } from '../deps';

export interface VmRef {
  id: string;
  name: string;
  resourceGroup: string;
}

export interface VaultPick {
  id: string;
  name: string;
  resourceGroup: string;
  location: string;
}

/** Why a VM cannot be protected here: a catalogue reason, a missing key vault, or protection already on. */
export type Refusal = { code: UnsupportedVmReason; context: Record<string, string> } | { code: 'KeyVaultGone' };

/**
 * What the pre-check needs of a VM, as `vms.get` read it. Kept in the flow record, so a later step (the pre-check
 * after the vault and policy questions, the pre-check again after an inline grant) does not read it again; the
 * enable itself re-reads the VM right before acting.
 */
export interface VmFacts extends VmRef {
  location: string;
  /** Absent in records written before it was kept: a Resource Manager VM. */
  deployment?: 'resourceManager' | 'classic';
  encryption: EncryptionKind;
  pass?: 'single' | 'dual';
  keyVault?: ResourceRef;
  /** The KEK's key vault when it is another one than the BEK's. */
  kekVault?: ResourceRef;
  agent: VmAgentState;
  /** The vault already protecting the VM. */
  protectedBy?: string;
}

/** One VM's pre-check: what enabling backup would meet. Plain data, kept in the flow record. */
export interface VmCheck extends VmFacts {
  verdict: 'ready' | 'refused' | 'needsGrant';
  refusal?: Refusal;
}

export function vmFacts(vm: VmSummary, ref?: VmRef): VmFacts {
  return {
    id: vm.id || (ref?.id ?? ''),
    name: vm.name,
    resourceGroup: vm.resourceGroup,
    location: vm.location,
    deployment: vm.deployment,
    encryption: vm.encryption.kind,
    pass: vm.encryption.pass,
    keyVault: vm.encryption.keyVault,
    ...(vm.encryption.keyVault && vm.encryption.kekVault ? { kekVault: vm.encryption.kekVault } : {}),
    agent: vm.agent,
    protectedBy: vm.protection?.vault,
  };
}

/** Name and resource group of a VM id (the VM question offers ids). */
export function vmRefOf(id: string): VmRef | undefined {
  const m = /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/virtualMachines\/([^/]+)$/i.exec(id);
  return m ? { id, name: m[2], resourceGroup: m[1] } : undefined;
}

const hasFacts = (vm: VmRef | VmFacts): vm is VmFacts => 'agent' in vm && 'encryption' in vm;

/**
 * The source document's checks for one VM against the chosen vault: Resource Manager only; BEK-only refused unless
 * allowed; same region; not protected already; an encrypted VM's key vault exists and lets Backup Management Service
 * read it. Calls: vms.get unless the flow already holds the VM's facts, then the key vault's access when encrypted
 * (read every time: an inline grant changes it). Changes nothing.
 */
export async function precheck(deps: DialogDeps, vault: VaultPick, vm: VmRef | VmFacts): Promise<VmCheck> {
  const f = hasFacts(vm)
    ? vm
    : vmFacts(await deps.azure.vms.get(vm.id || vm.name, vm.id ? undefined : vm.resourceGroup), vm);
  const base: VmCheck = {
    id: f.id,
    name: f.name,
    resourceGroup: f.resourceGroup,
    location: f.location,
    deployment: f.deployment,
    verdict: 'ready',
    encryption: f.encryption,
    pass: f.pass,
    keyVault: f.keyVault,
    agent: f.agent,
    protectedBy: f.protectedBy,
  };
  const refuse = (refusal: Refusal): VmCheck => ({ ...base, verdict: 'refused', refusal });
  if (f.deployment === 'classic') return refuse({ code: 'ClassicVmNotSupported', context: {} });
  if (f.protectedBy) return refuse({ code: 'AlreadyProtectedByAnotherVault', context: { vault: f.protectedBy } });
  if (f.location.toLowerCase() !== vault.location.toLowerCase()) {
    return refuse({
      code: 'VaultRegionMismatch',
      context: { vault: vault.name, vmLocation: f.location, vaultLocation: vault.location },
    });
  }
  if (f.encryption === 'bek' && !deps.allowBekOnly) return refuse({ code: 'BekOnlyNotSupported', context: {} });
  if (f.encryption === 'none' || !f.keyVault) return base;
  // BEK and KEK in different vaults: secrets on the BEK's, keys on the KEK's; both must exist and let Backup in.
  const split = f.kekVault && f.encryption === 'bek+kek';
  const [access, kekAccess] = await Promise.all([
    deps.azure.keyVaults.getAccess(f.keyVault.id, split ? 'bek' : f.encryption),
    split ? deps.azure.keyVaults.getAccess(f.kekVault!.id, 'kek') : Promise.resolve(undefined),
  ]);
  if (!access.exists || (kekAccess && !kekAccess.exists)) return refuse({ code: 'KeyVaultGone' });
  return access.granted && (kekAccess?.granted ?? true) ? base : { ...base, verdict: 'needsGrant' };
}

/** The refusal in the user's language: the catalogue's title, cause and resolution. */
export function refusalText(
  locale: Locale,
  check: Pick<VmCheck, 'name' | 'keyVault' | 'protectedBy'>,
  refusal: Refusal,
) {
  if (refusal.code === 'KeyVaultGone') {
    return {
      title: t(locale, 'enable.check.keyVaultGone.title'),
      cause: t(locale, 'enable.check.keyVaultGone.cause', { vm: check.name, keyVault: check.keyVault?.name ?? '' }),
      resolution: t(locale, 'enable.check.keyVaultGone.resolution'),
    };
  }
  if (refusal.code === 'AlreadyProtectedByAnotherVault' && refusal.context.vault) {
    return {
      title: t(locale, 'enable.check.protected.title'),
      cause: t(locale, 'enable.check.protected.cause', { vm: check.name, vault: refusal.context.vault }),
      resolution: t(locale, 'enable.check.protected.resolution'),
    };
  }
  return explain(new UnsupportedVmError(refusal.code, check.name, '', refusal.context), locale);
}
