import { azureCall } from './call';
import type { AzureClients } from './clients';
import { jobFilter } from './filters';
import { toJobSummary } from './mapping/job';
import { collectPages } from './paging';
import type { JobQuery, JobSummary, OperationOptions, VaultRef } from './types';
import { vaultAndClients } from './vaults';

/** Backup jobs of a Recovery Services vault. */
export class JobOperations {
  constructor(readonly clients: AzureClients) {}

  /** One job, with its errors, progress and property bag. Needs `Microsoft.RecoveryServices/Vaults/backupJobs/read`. */
  async get(vault: VaultRef, jobId: string, options: OperationOptions = {}): Promise<JobSummary> {
    const { vault: v, clients } = await vaultAndClients(this.clients, vault, options);
    return azureCall('getJob', async () =>
      toJobSummary(
        await clients.backup.jobDetails.get(v.name, v.resourceGroup, jobId, { abortSignal: options.abortSignal }),
        v.name,
      ),
    );
  }

  /**
   * IaaS VM jobs matching the query, filtered by Azure (status, operation, time window), every page followed:
   * one request per page. Needs `Microsoft.RecoveryServices/Vaults/backupJobs/read`.
   */
  async list(vault: VaultRef, query: JobQuery = {}, options: OperationOptions = {}): Promise<JobSummary[]> {
    const filter = jobFilter(query);
    const { vault: v, clients } = await vaultAndClients(this.clients, vault, options);
    return azureCall('listJobs', async () => {
      const pages = clients.backup.backupJobs.list(v.name, v.resourceGroup, {
        filter,
        abortSignal: options.abortSignal,
      });
      return (await collectPages(pages, options.abortSignal)).map((j) => toJobSummary(j, v.name));
    });
  }
}
