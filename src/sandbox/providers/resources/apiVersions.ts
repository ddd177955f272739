/**
 * The api-versions the sandbox accepts per resource provider: the published stable versions from 2019 on, plus the
 * version each pinned SDK sends. Compute lists come from the `package-*` tags in Azure/azure-rest-api-specs
 * specification/compute/resource-manager/Microsoft.Compute/Compute/readme.md (ComputeRP vs DiskRP files); the
 * newest entry of each list is what @azure/arm-compute 25.1.1 hard-codes.
 */

/** Microsoft.Compute virtualMachines and virtualMachines/extensions (ComputeRP). */
export const COMPUTE_API_VERSIONS = [
  '2019-03-01',
  '2019-07-01',
  '2019-12-01',
  '2020-06-01',
  '2020-12-01',
  '2021-03-01',
  '2021-04-01',
  '2021-07-01',
  '2021-11-01',
  '2022-03-01',
  '2022-08-01',
  '2022-11-01',
  '2023-03-01',
  '2023-07-01',
  '2023-09-01',
  '2024-03-01',
  '2024-07-01',
  '2024-11-01',
  '2025-04-01',
  '2026-04-01',
] as const;

/** Microsoft.Compute disks (DiskRP: its own version train). */
export const DISK_API_VERSIONS = [
  '2019-03-01',
  '2019-07-01',
  '2019-11-01',
  '2020-05-01',
  '2020-06-30',
  '2020-09-30',
  '2020-12-01',
  '2021-04-01',
  '2021-08-01',
  '2021-12-01',
  '2022-03-02',
  '2022-07-02',
  '2023-01-02',
  '2023-04-02',
  '2023-10-02',
  '2024-03-02',
  '2025-01-02',
  '2026-03-02',
] as const;

/** Microsoft.ClassicCompute (Azure Service Manager resources surfaced in ARM). */
export const CLASSIC_COMPUTE_API_VERSIONS = [
  '2014-06-01',
  '2015-06-01',
  '2015-10-01',
  '2016-04-01',
  '2016-11-01',
  '2017-04-01',
] as const;

/** Microsoft.Network (@azure/arm-network 39.0.0 sends 2026-01-01). */
export const NETWORK_API_VERSIONS = [
  '2019-02-01',
  '2019-04-01',
  '2019-06-01',
  '2019-07-01',
  '2019-08-01',
  '2019-09-01',
  '2019-11-01',
  '2019-12-01',
  '2020-03-01',
  '2020-04-01',
  '2020-05-01',
  '2020-06-01',
  '2020-07-01',
  '2020-08-01',
  '2020-11-01',
  '2021-02-01',
  '2021-03-01',
  '2021-05-01',
  '2021-08-01',
  '2022-01-01',
  '2022-05-01',
  '2022-07-01',
  '2022-09-01',
  '2022-11-01',
  '2023-02-01',
  '2023-04-01',
  '2023-05-01',
  '2023-06-01',
  '2023-09-01',
  '2023-11-01',
  '2024-01-01',
  '2024-03-01',
  '2024-05-01',
  '2024-07-01',
  '2024-10-01',
  '2025-01-01',
  '2025-03-01',
  '2025-05-01',
  '2026-01-01',
] as const;

/** Microsoft.Storage management plane (@azure/arm-storage 21.0.0 sends 2026-09-01). */
export const STORAGE_API_VERSIONS = [
  '2019-04-01',
  '2019-06-01',
  '2021-01-01',
  '2021-02-01',
  '2021-04-01',
  '2021-06-01',
  '2021-08-01',
  '2021-09-01',
  '2022-05-01',
  '2022-09-01',
  '2023-01-01',
  '2023-04-01',
  '2023-05-01',
  '2024-01-01',
  '2025-01-01',
  '2025-06-01',
  '2026-09-01',
] as const;

/**
 * Microsoft.Resources (resource groups, generic resources). 2015-11-01 stays: @azure/arm-keyvault's vaults.list
 * still sends it for GET /subscriptions/{id}/resources.
 */
export const RESOURCES_API_VERSIONS = [
  '2015-11-01',
  '2016-02-01',
  '2016-09-01',
  '2017-05-10',
  '2018-02-01',
  '2018-05-01',
  '2019-03-01',
  '2019-05-01',
  '2019-05-10',
  '2019-07-01',
  '2019-08-01',
  '2019-10-01',
  '2020-06-01',
  '2020-08-01',
  '2020-10-01',
  '2021-01-01',
  '2021-04-01',
  '2022-09-01',
  '2023-07-01',
  '2024-03-01',
  '2024-07-01',
  '2024-11-01',
  '2025-03-01',
  '2025-04-01',
] as const;

/** Microsoft.Resources/deployments (@azure/arm-resourcesdeployments 2.0.0 sends 2026-06-01). */
export const DEPLOYMENTS_API_VERSIONS = [
  ...RESOURCES_API_VERSIONS.filter((v) => v >= '2019-05-01'),
  '2026-06-01',
] as const;
