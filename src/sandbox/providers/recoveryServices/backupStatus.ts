import { sameId } from '../../authorization/rbac';
import { AzureError } from '../../http/errors';
import type { Route } from '../../http/types';
import { BACKUP_API_VERSIONS } from './apiVersions';
import { vaultId } from './context';
import { invalidInput } from './errors';
import { namesFor } from './names';
import { vmRefOfId } from './shapes';

/**
 * "Is this VM protected, and by which vault?" (BackupStatusRequest {resourceType:'VM', resourceId}), as the Azure
 * CLI's check-vm asks it. Authorised against the VM the body names: the Virtual Machine Contributor role grants
 * Microsoft.RecoveryServices/locations/* for exactly this check.
 */
export const backupStatusRoutes: Route[] = [
  {
    id: 'backupStatus.get',
    method: 'POST',
    path: '/subscriptions/{subscriptionId}/providers/Microsoft.RecoveryServices/locations/{azureRegion}/backupStatus',
    apiVersions: BACKUP_API_VERSIONS,
    permission: (req) => ({
      action: 'Microsoft.RecoveryServices/locations/backupStatus/action',
      scope:
        typeof req.body?.resourceId === 'string' && req.body.resourceId.startsWith('/')
          ? req.body.resourceId
          : `/subscriptions/${req.params.subscriptionId}`,
    }),
    handler: (req, ctx) => {
      const { world } = ctx;
      if (!sameId(req.params.subscriptionId, world.subscriptionId)) {
        throw new AzureError(
          404,
          'SubscriptionNotFound',
          `The subscription '${req.params.subscriptionId}' could not be found.`,
        );
      }
      const body = req.body;
      if (!body || typeof body.resourceId !== 'string' || !body.resourceId)
        throw invalidInput('resourceId is required.');
      if (body.resourceType !== undefined && !sameId(body.resourceType, 'VM'))
        throw invalidInput("resourceType must be 'VM'.");
      const item = world.protectedItems.find((p) => sameId(p.vmId, body.resourceId));
      const vault = item && world.recoveryVaults.find((v) => sameId(v.name, item.vault));
      if (!item || !vault) return { status: 200, body: { protectionStatus: 'NotProtected', errorCode: 'Success' } };
      const n = namesFor(vmRefOfId(item.vmId));
      return {
        status: 200,
        body: {
          protectionStatus: 'Protected',
          vaultId: vaultId(world, vault),
          fabricName: 'Azure',
          containerName: n.container,
          protectedItemName: n.item,
          policyName: item.protectionState === 'ProtectionStopped' ? undefined : item.policyName,
          errorCode: 'Success',
        },
      };
    },
  },
];
