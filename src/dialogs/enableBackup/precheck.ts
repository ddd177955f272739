import {
  explain,
  UnsupportedVmError,
  type EncryptionKind,
  type ResourceRef,
  type UnsupportedVmReason,
  type VmAgentState,
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

/** One VM's pre-check: what enabling backup would meet. Plain data, kept in the flow record. */
export interface VmCheck extends VmRef {
  location: string;
  verdict: 'ready' | 'refused' | 'needsGrant';
  encryption: EncryptionKind;
  pass?: 'single' | 'dual';
  keyVault?: ResourceRef;
  agent: VmAgentState;
  /** The vault already protecting the VM. */
  protectedBy?: string;
  refusal?: Refusal;
}

/**
 * The source document's checks for one VM against the chosen vault: Resource Manager only; BEK-only refused unless
 * allowed; same region; not protected already; an encrypted VM's key vault exists and lets Backup Management Service
 * read it. Calls: vms.get (+ the key vault's access when encrypted). Changes nothing.
 */
export async function precheck(deps: DialogDeps, vault: VaultPick, ref: VmRef): Promise<VmCheck> {
  const vm = await deps.azure.vms.get(ref.name, ref.resourceGroup);
  const base: VmCheck = {
    id: vm.id || ref.id,
    name: vm.name,
    resourceGroup: vm.resourceGroup,
    location: vm.location,
    verdict: 'ready',
    encryption: vm.encryption.kind,
    pass: vm.encryption.pass,
    keyVault: vm.encryption.keyVault,
    agent: vm.agent,
    protectedBy: vm.protection?.vault,
  };
  const refuse = (refusal: Refusal): VmCheck => ({ ...base, verdict: 'refused', refusal });
  if (vm.deployment === 'classic') return refuse({ code: 'ClassicVmNotSupported', context: {} });
  if (vm.protection) return refuse({ code: 'AlreadyProtectedByAnotherVault', context: { vault: vm.protection.vault } });
  if (vm.location.toLowerCase() !== vault.location.toLowerCase()) {
    return refuse({
      code: 'VaultRegionMismatch',
      context: { vault: vault.name, vmLocation: vm.location, vaultLocation: vault.location },
    });
  }
  if (vm.encryption.kind === 'bek' && !deps.allowBekOnly) return refuse({ code: 'BekOnlyNotSupported', context: {} });
  if (vm.encryption.kind === 'none' || !vm.encryption.keyVault) return base;
  const access = await deps.azure.keyVaults.getAccess(vm.encryption.keyVault.id, vm.encryption.kind);
  if (!access.exists) return refuse({ code: 'KeyVaultGone' });
  return access.granted ? base : { ...base, verdict: 'needsGrant' };
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
