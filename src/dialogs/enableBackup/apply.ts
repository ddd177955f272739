import { explain, subscriptionOf, trackWrites } from '../../azure';
import type { Locale } from '../../i18n';
import type { DialogDeps } from '../deps';
import type { CardAddress } from '../flow/types';
import { audit, type AuditWho } from '../shared';
import { resultCard } from './cards';
import type { PolicyPick } from './policy';
import type { VaultPick, VmCheck } from './precheck';
import type { EnableResult } from './state';

export interface EnableWork {
  locale: Locale;
  who: AuditWho;
  vault: VaultPick;
  policy: PolicyPick;
  vms: VmCheck[];
}

export function initialResults(vms: VmCheck[]): EnableResult[] {
  return vms.map((c) => ({
    id: c.id,
    name: c.name,
    resourceGroup: c.resourceGroup,
    status: 'working',
    agent: c.agent,
  }));
}

/**
 * What Confirm starts, after the reply: create the new policy if one was asked for, then enable protection for each
 * VM (each waits for Azure's operation to name its ConfigureBackup job), and update the confirmed card in place
 * with the result per VM and its VM agent state. Every change is written to the audit trail.
 */
export async function enableProtection(deps: DialogDeps, work: EnableWork, card: CardAddress): Promise<void> {
  const { locale, vault, policy } = work;
  const results = initialResults(work.vms);
  const show = async (policyProblem?: string) => {
    if (!card.activityId) return;
    try {
      await deps.cards.updateCard(
        card,
        resultCard(locale, {
          vault: vault.name,
          vaultResourceGroup: vault.resourceGroup,
          policy: policy.name,
          results,
          policyProblem,
        }),
      );
    } catch (err) {
      deps.logger.warn({ err }, 'could not update the enable backup card');
    }
  };
  // The vault's id names its subscription (issue 17).
  const vaultRef = { name: vault.name, resourceGroup: vault.resourceGroup, subscriptionId: subscriptionOf(vault.id) };

  if (policy.kind === 'new') {
    const target = { kind: 'vault' as const, name: vault.name, id: vault.id };
    const armRequestIds: string[] = [];
    try {
      await trackWrites(armRequestIds, () => deps.azure.policies.create(vaultRef, policy.spec));
      await audit(deps, work.who, {
        action: 'policy.create',
        target,
        details: { policy: policy.name },
        result: 'succeeded',
        armRequestIds,
      });
    } catch (err) {
      const e = explain(err, locale, { vault: vault.name });
      await audit(deps, work.who, {
        action: 'policy.create',
        target,
        details: { policy: policy.name },
        result: 'failed',
        armRequestIds,
      });
      for (const r of results)
        Object.assign(r, { status: 'failed', failure: { title: e.title, resolution: e.resolution } });
      await show(`${e.title}. ${e.resolution}`);
      return;
    }
  }

  await Promise.all(
    results.map(async (r) => {
      const target = { kind: 'vm' as const, name: r.name, ...(r.id ? { id: r.id } : {}) };
      const armRequestIds: string[] = [];
      try {
        const vm = await deps.azure.vms.get(r.id || r.name, r.id ? undefined : r.resourceGroup);
        r.agent = vm.agent;
        const done = await trackWrites(armRequestIds, () =>
          deps.azure.protection.enableProtection({
            vm,
            vault: vaultRef,
            policyName: policy.name,
            allowBekOnly: deps.allowBekOnly,
          }),
        );
        Object.assign(r, { status: 'enabled', jobId: done.jobId });
        await audit(deps, work.who, {
          action: 'protection.enable',
          target: { ...target, id: vm.id },
          details: { vault: vault.name, policy: policy.name, ...(done.jobId ? { job: done.jobId } : {}) },
          result: 'succeeded',
          armRequestIds,
        });
      } catch (err) {
        const e = explain(err, locale, { vm: r.name, vault: vault.name });
        const keyVault = e.fix?.kind === 'grantKeyVaultAccess' ? e.fix.keyVault : undefined;
        Object.assign(r, { status: 'failed', failure: { title: e.title, resolution: e.resolution, keyVault } });
        await audit(deps, work.who, {
          action: 'protection.enable',
          target,
          details: { vault: vault.name, policy: policy.name, error: e.code },
          result: 'failed',
          armRequestIds,
        });
      }
    }),
  );
  await show();
}
