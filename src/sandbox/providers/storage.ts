import { isAllowed } from '../authorization/rbac';
import type { Provider } from './provider';
import { accountRoutes } from './storage/accountRoutes';
import { blobRoutes } from './storage/blobRoutes';
import { containerRoutes } from './storage/containerRoutes';
import { permissionMismatch } from './storage/storageError';

/**
 * Microsoft.Storage: storage accounts (ARM) and the Blob data plane (path-style, bearer tokens with the storage
 * audience). Blob access follows Azure RBAC: data actions on blobs (Storage Blob Data Reader/Contributor), control
 * actions on containers; a missing role is Storage's 403 AuthorizationPermissionMismatch, in XML.
 */
export const storage: Provider = {
  name: 'storage',
  arm: accountRoutes,
  blob: [...containerRoutes, ...blobRoutes],
  authorizeBlob: (_req, caller, permission, ctx) =>
    isAllowed(ctx.world, caller.objectId, permission) ? undefined : permissionMismatch(),
};
