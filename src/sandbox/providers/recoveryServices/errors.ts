import { AzureError } from '../../http/errors';
import type { Caller } from '../../http/types';
import type { BackupJob } from '../../world/types';

export type JobError = BackupJob['errorDetails'][number];

/**
 * ARM's answer when the caller may call the route but not act on a resource the request links to (the VM to
 * protect, the restore's target resource group).
 */
export function linkedAuthorizationFailed(
  caller: Caller,
  action: string,
  scope: string,
  linkedAction: string,
  linkedScope: string,
): AzureError {
  return new AzureError(
    403,
    'LinkedAuthorizationFailed',
    `The client '${caller.appId}' with object id '${caller.objectId}' has permission to perform action '${action}' on scope '${scope}'; however, it does not have permission to perform action(s) '${linkedAction}' on the linked scope(s) '${linkedScope}' (respectively) or the linked scope(s) are invalid.`,
  );
}

/** Backup's reply to a configure-protection body it cannot act on (the code Azure sends; the message says why). */
export const invalidConfigureProtection = (why: string): AzureError =>
  new AzureError(
    400,
    'BMSUserErrorInvalidConfigureProtectionRequest',
    `Input for configure protection is not in proper format. ${why}`,
  );

export const invalidInput = (message: string): AzureError => new AzureError(400, 'BMSUserErrorInvalidInput', message);

/**
 * Job errors Azure Backup documents, with their messages as the docs word them
 * (learn.microsoft.com/azure/backup/backup-azure-vms-troubleshoot and
 * .../backup-azure-troubleshoot-vm-backup-fails-snapshot-timeout). The numeric codes 320001 and 400094 are
 * documented there; 380019, 380050 and 380051 are the sandbox's own numbers (Microsoft publishes none for these
 * errors) and the bot's catalogue does not list them.
 */
export const JOB_ERRORS: Record<string, JobError> = {
  UserErrorGuestAgentStatusUnavailable: {
    errorCode: 380019,
    name: 'UserErrorGuestAgentStatusUnavailable',
    errorString: 'VM Agent unable to communicate with Azure Backup',
    recommendations: [
      'Ensure the VM agent is installed, running and up to date on the VM, and that the VM can reach Azure (no blocking NSG or proxy), then retry the backup.',
    ],
  },
  BCMV2VMNotFound: {
    errorCode: 400094,
    name: 'BCMV2VMNotFound',
    errorString: "The virtual machine doesn't exist",
    recommendations: [
      'Make sure the virtual machine exists, or stop protection for it (retaining or deleting its backup data).',
    ],
  },
  ResourceNotFound: {
    errorCode: 320001,
    name: 'ResourceNotFound',
    errorString: 'Could not perform the operation as VM no longer exists.',
    recommendations: [
      'Stop protection for the VM, retaining or deleting its backup data, to stop further failed backups.',
    ],
  },
  ExtensionSnapshotFailedNoNetwork: {
    errorCode: 380050,
    name: 'ExtensionSnapshotFailedNoNetwork',
    errorString: 'Snapshot operation failed due to no network connectivity on the virtual machine',
    recommendations: [
      'Ensure the VM has outbound network access to Azure (storage and the Backup service), then retry the backup.',
    ],
  },
  UserErrorVmNotInDesirableState: {
    errorCode: 380051,
    name: 'UserErrorVmNotInDesirableState',
    errorString: 'VM is not in a state that allows backups.',
    recommendations: [
      'Make sure the VM is running or stopped (not in a failed or transitioning state), then retry the backup.',
    ],
  },
};

/** The error-named failures the admin route offers (the ones not decided by the world). */
export const NAMED_FAILURES = ['ExtensionSnapshotFailedNoNetwork', 'UserErrorVmNotInDesirableState'] as const;
