import type { KeyVaultAccess, KeyVaultGrantChange, KeyVaultNeed, KeyVaultSummary, ResourceRef } from '../../azure';
import { trackWrites } from '../../azure';
import { t, type Locale } from '../../i18n';
import type { DialogDeps } from '../deps';
import { audit, type AuditWho } from '../shared';
import type { Turn } from '../flow/types';

/** A grant about to be confirmed: which key vault, for which encryption (BEK-only needs secrets only), and the change. */
export interface GrantPlan {
  keyVault: ResourceRef;
  /** 'bek': secrets only; 'kek': keys only (the vault holds only the VM's KEK); 'bek+kek': both. */
  encryption: KeyVaultNeed;
  /** The VM the grant is for, when known (shown, and offered back afterwards). */
  vm?: string;
  /** That VM's ARM id, for its portal link. */
  vmId?: string;
  change: KeyVaultGrantChange;
}

/** The grant a key vault needs, or why there is none to make. */
export type GrantNeed =
  | { kind: 'plan'; plan: GrantPlan }
  | { kind: 'granted'; access: KeyVaultAccess }
  | { kind: 'missing'; access: KeyVaultAccess };

/**
 * Reads the key vault's access for Backup Management Service (access policy, or the role on an RBAC vault); a
 * summary from the key vault list is not read again. Only a BEK-only VM limits the grant to secrets; a key vault
 * named without a VM gets keys and secrets.
 */
export async function grantNeed(
  deps: DialogDeps,
  keyVault: ResourceRef | KeyVaultSummary,
  encryption: KeyVaultNeed,
  vm?: string,
): Promise<GrantNeed> {
  const kind = encryption === 'none' ? 'bek+kek' : encryption;
  const access = await deps.azure.keyVaults.getAccess(keyVault, kind);
  if (!access.exists) return { kind: 'missing', access };
  if (access.granted || !access.change) return { kind: 'granted', access };
  return { kind: 'plan', plan: { keyVault: access.keyVault, encryption: kind, vm, change: access.change } };
}

/** Applies the confirmed grant (Azure re-reads the access first: nothing more than still missing is added). */
export async function applyGrant(deps: DialogDeps, who: Turn | AuditWho, plan: GrantPlan) {
  const target = { kind: 'keyVault' as const, name: plan.keyVault.name, id: plan.keyVault.id };
  const details = grantDetails(plan.change);
  const armRequestIds: string[] = [];
  try {
    const result = await trackWrites(armRequestIds, () =>
      deps.azure.keyVaults.grantBackupAccess(plan.keyVault.id, plan.encryption),
    );
    await audit(deps, who, {
      action: 'keyVault.grant',
      target,
      details: { ...details, changed: result.changed, ...(plan.vm ? { vm: plan.vm } : {}) },
      result: 'succeeded',
      armRequestIds,
    });
    return result;
  } catch (err) {
    await audit(deps, who, { action: 'keyVault.grant', target, details, result: 'failed', armRequestIds });
    throw err;
  }
}

function grantDetails(change: KeyVaultGrantChange): Record<string, string> {
  return change.kind === 'accessPolicy'
    ? { principal: change.principalObjectId, keys: change.keys.join(','), secrets: change.secrets.join(',') }
    : { principal: change.principalObjectId, role: change.roleName, scope: change.scope };
}

/** The exact change, as the confirmation card states it. */
export function changeFacts(locale: Locale, plan: GrantPlan): { title: string; value: string }[] {
  const c = plan.change;
  const principal = t(locale, 'grant.principal', { id: c.principalObjectId });
  if (c.kind === 'roleAssignment') {
    return [
      { title: t(locale, 'grant.fact.kind'), value: t(locale, 'grant.kind.role') },
      { title: t(locale, 'grant.fact.principal'), value: principal },
      { title: t(locale, 'grant.fact.role'), value: c.roleName },
      { title: t(locale, 'grant.fact.scope'), value: c.scope },
    ];
  }
  const none = t(locale, 'grant.none');
  return [
    { title: t(locale, 'grant.fact.kind'), value: t(locale, 'grant.kind.policy') },
    { title: t(locale, 'grant.fact.principal'), value: principal },
    { title: t(locale, 'grant.fact.keys'), value: c.keys.length ? c.keys.join(', ') : none },
    { title: t(locale, 'grant.fact.secrets'), value: c.secrets.length ? c.secrets.join(', ') : none },
  ];
}
