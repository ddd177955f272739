/**
 * The fewest Resource Manager requests each flow's user-visible result needs, by sandbox route id, written down from
 * the REST reference (shared/reference/azure-backup-api.md) — and the Azure CLI's own sequence for the same
 * operation where it is known (Azure/azure-cli, command_modules/backup/custom.py). `polls` steps repeat at the
 * interval Azure asks for (Retry-After) until the operation or job ends: their count is the operation's duration
 * divided by that interval, not a choice the caller makes; they are counted apart.
 */
export interface MinimalStep {
  route: string;
  calls: number;
  why: string;
  poll?: boolean;
  /** Only in some cases (the VM not yet discovered by the vault, a lookup the configuration can replace). */
  optional?: boolean;
}

export interface MinimalSequence {
  flow: string;
  steps: MinimalStep[];
  cli?: { command: string; sequence: string };
}

const VM_READ: MinimalStep[] = [
  {
    route: 'resourceGraph.resources',
    calls: 1,
    why: 'find the VM by name (the command names no resource group): one Resource Graph query, whatever the estate',
  },
  {
    route: 'virtualMachines.get',
    calls: 1,
    why: 'the VM: location, ADE settings (dual pass), agent state ($expand=instanceView)',
  },
  { route: 'disks.get', calls: 1, why: 'the OS disk: ADE settings of a single-pass VM live on the disk' },
];

export const MINIMAL: MinimalSequence[] = [
  {
    flow: 'enable backup',
    steps: [
      ...VM_READ,
      { route: 'recoveryServices.vaults.listBySubscription', calls: 1, why: 'vaults to offer (same region as the VM)' },
      { route: 'backupPolicies.list', calls: 1, why: "the vault's policies to offer" },
      { route: 'backupStatus.get', calls: 1, why: 'is the VM protected already (by any vault)' },
      { route: 'keyVault.vaults.get', calls: 1, why: "pre-check: the key vault's access model and policies" },
      {
        route: 'directory.servicePrincipals.getByAppId',
        calls: 1,
        why: "Backup Management Service's object id (once per process)",
        optional: true,
      },
      { route: 'backupProtectableItems.list', calls: 1, why: 'discovery, filtered on AzureIaasVM' },
      {
        route: 'protectionContainers.refresh',
        calls: 1,
        why: 'only when the vault has not discovered the VM yet',
        optional: true,
      },
      {
        route: 'protectionContainerRefreshOperationResults.get',
        calls: 1,
        why: 'until 204',
        poll: true,
        optional: true,
      },
      { route: 'backupProtectableItems.list', calls: 1, why: 'again, after the refresh', optional: true },
      { route: 'protectedItems.createOrUpdate', calls: 1, why: 'the change' },
      {
        route: 'protectedItemOperationStatuses.get',
        calls: 1,
        why: 'until the operation names its ConfigureBackup job',
        poll: true,
      },
    ],
    cli: {
      command: 'az backup protection enable-for-vm',
      sequence:
        'VM get, vault get, policy get, protectable items list (filter AzureIaasVM); if the VM is not there: refresh containers, poll the refresh operation, list again; PUT protected item; poll the operation (backupOperations), then GET the job',
    },
  },
  {
    flow: 'grant by VM (access policy)',
    steps: [
      ...VM_READ,
      {
        route: 'keyVault.vaults.get',
        calls: 1,
        why: 'access model and current policies (already granted is an answer)',
      },
      {
        route: 'directory.servicePrincipals.getByAppId',
        calls: 1,
        why: "Backup Management Service's object id (once per process)",
        optional: true,
      },
      {
        route: 'keyVault.vaults.updateAccessPolicy',
        calls: 1,
        why: 'PUT accessPolicies/add: keys and secrets get, list, backup',
      },
    ],
  },
  {
    flow: 'grant by key vault name (RBAC role)',
    steps: [
      {
        route: 'resourceGraph.resources',
        calls: 1,
        why: 'find the key vault by name; the row carries its access model (properties.enableRbacAuthorization)',
      },
      {
        route: 'directory.servicePrincipals.getByAppId',
        calls: 1,
        why: "Backup Management Service's object id (once per process)",
        optional: true,
      },
      {
        route: 'authorization.roleAssignments.list',
        calls: 1,
        why: "the principal's assignments at the key vault (already granted?)",
      },
      { route: 'authorization.roleAssignments.create', calls: 1, why: 'PUT the Key Vault role assignment' },
    ],
  },
  {
    flow: 'backup now',
    steps: [
      { route: 'resourceGraph.resources', calls: 1, why: 'find the VM by name (one query): its id and region' },
      { route: 'backupStatus.get', calls: 1, why: 'which vault protects it (the item name follows from the VM)' },
      { route: 'backups.trigger', calls: 1, why: 'POST …/backup with the retention date' },
      {
        route: 'protectedItemOperationStatuses.get',
        calls: 1,
        why: 'until the operation names its Backup job',
        poll: true,
      },
      { route: 'jobDetails.get', calls: 1, why: 'the job, until it ends (progress on the card)', poll: true },
    ],
    cli: {
      command: 'az backup protection backup-now',
      sequence:
        'protected items list (filtered, to resolve --item-name), protection containers list (to resolve --container-name); POST backup; poll the operation (backupOperations), then GET the job',
    },
  },
  {
    flow: 'restore (with approval)',
    steps: [
      {
        route: 'resourceGraph.resources',
        calls: 1,
        why: 'find the source VM by name in one query (its settings, when it still exists)',
      },
      { route: 'backupStatus.get', calls: 1, why: 'the vault protecting it' },
      { route: 'recoveryPoints.list', calls: 1, why: 'recovery points to offer' },
      {
        route: 'recoveryPoints.get',
        calls: 1,
        why: 'the chosen point (encryption, keyAndSecret for pre-July-2017 points)',
      },
      { route: 'keyVault.vaults.get', calls: 1, why: 'pre-check: the key vault exists' },
      { route: 'keyVaultData.keys.get', calls: 1, why: 'pre-check: the KEK exists (data plane)' },
      { route: 'keyVaultData.secrets.get', calls: 1, why: 'pre-check: the BEK secret exists (data plane)' },
      { route: 'storageAccounts.list', calls: 1, why: 'staging accounts to offer (same region as the vault)' },
      { route: 'resourceGroups.list', calls: 1, why: 'target resource groups to offer' },
      { route: 'virtualNetworks.listAll', calls: 1, why: 'subnets to offer (same region)' },
      {
        route: 'authorization.permissions.list',
        calls: 1,
        why: "pre-check: the bot's identity may act on the target resource group",
      },
      { route: 'restores.trigger', calls: 1, why: 'POST …/restore (RestoreDisks)' },
      {
        route: 'protectedItemOperationStatuses.get',
        calls: 1,
        why: 'until the operation names its Restore job',
        poll: true,
      },
      {
        route: 'protectedItemOperationResults.get',
        calls: 1,
        why: "the SDK poller's final GET on Location",
        poll: true,
      },
      {
        route: 'jobDetails.get',
        calls: 1,
        why: 'the Restore job, until it ends (its propertyBag names the blobs)',
        poll: true,
      },
      { route: 'blob.get', calls: 2, why: 'the template and the encryption-info blob (blob service, not ARM)' },
      { route: 'deployments.createOrUpdate', calls: 1, why: 'deploy the template: the VM from the restored disks' },
      { route: 'deployments.operationStatuses.get', calls: 1, why: 'until the deployment ends', poll: true },
      { route: 'deployments.get', calls: 1, why: "the poller's final GET" },
      {
        route: 'virtualMachineExtensions.createOrUpdate',
        calls: 1,
        why: 'the ADE extension again, so the data disks are unlocked (documented as mandatory)',
      },
      { route: 'compute.operations.get', calls: 1, why: 'until the extension is provisioned', poll: true },
      { route: 'blob.delete', calls: 3, why: 'the staging blobs: config, template, encryption info (blob service)' },
    ],
    cli: {
      command: 'az backup restore restore-disks (disks only; the VM is then created by hand or from the template)',
      sequence:
        'protected items list (resolve the item), recovery point get, vault get, vault encryption config get, storage account lookup, POST restore, poll the operation (backupOperations), then GET the job',
    },
  },
];

/** Route ids that are status polls (their count follows the operation's duration and the interval Azure asks for). */
export const isPoll = (routeId: string | undefined): boolean =>
  !!routeId &&
  /(operationResults|operationStatuses|OperationResults|OperationStatuses|operations)\.get$|^jobDetails\.get$/.test(
    routeId,
  );
