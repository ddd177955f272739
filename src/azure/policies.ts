import { azureCall } from './call';
import type { AzureClients } from './clients';
import { toPolicyResource, toPolicySummary, validateNewPolicy } from './mapping/policy';
import { collectPages } from './paging';
import type { NewPolicy, OperationOptions, PolicySummary, VaultRef } from './types';
import { vaultAndClients } from './vaults';

const IAAS_VM_POLICIES = "backupManagementType eq 'AzureIaasVM'";

/** Backup policies of a Recovery Services vault, IaaS VM only. */
export class PolicyOperations {
  constructor(readonly clients: AzureClients) {}

  /**
   * The vault's IaaS VM policies (server-side filter), the default one marked.
   * Needs `Microsoft.RecoveryServices/Vaults/backupPolicies/read` (Backup Reader).
   */
  async list(vault: VaultRef, options: OperationOptions = {}): Promise<PolicySummary[]> {
    const { vault: v, clients } = await vaultAndClients(this.clients, vault, options);
    return azureCall('listPolicies', async () => {
      const pages = clients.backup.backupPolicies.list(v.name, v.resourceGroup, {
        filter: IAAS_VM_POLICIES,
        abortSignal: options.abortSignal,
      });
      return (await collectPages(pages, options.abortSignal)).map((p) => toPolicySummary(p, v.name));
    });
  }

  /** One policy. Needs `Microsoft.RecoveryServices/Vaults/backupPolicies/read`. */
  async get(vault: VaultRef, policyName: string, options: OperationOptions = {}): Promise<PolicySummary> {
    const { vault: v, clients } = await vaultAndClients(this.clients, vault, options);
    return azureCall('getPolicy', async () =>
      toPolicySummary(
        await clients.backup.protectionPolicies.get(v.name, v.resourceGroup, policyName, {
          abortSignal: options.abortSignal,
        }),
        v.name,
      ),
    );
  }

  /**
   * Creates a daily or weekly IaaS VM policy (UTC). The input is checked first (time on the half hour, retention
   * within Azure's range); nothing is sent when it is wrong. Needs `Microsoft.RecoveryServices/Vaults/backupPolicies/write`
   * (Backup Contributor).
   */
  async create(vault: VaultRef, input: NewPolicy, options: OperationOptions = {}): Promise<PolicySummary> {
    validateNewPolicy(input);
    const { vault: v, clients } = await vaultAndClients(this.clients, vault, options);
    return azureCall('createPolicy', async () => {
      const created = await clients.backup.protectionPolicies.createOrUpdate(
        v.name,
        v.resourceGroup,
        input.name,
        toPolicyResource(input),
        {
          abortSignal: options.abortSignal,
        },
      );
      // A 202 answer has no body: read the policy back.
      if (created?.properties) return toPolicySummary(created, v.name);
      return toPolicySummary(
        await clients.backup.protectionPolicies.get(v.name, v.resourceGroup, input.name, {
          abortSignal: options.abortSignal,
        }),
        v.name,
      );
    });
  }
}
