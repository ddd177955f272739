import type { Provider } from '../provider';
import { adminRoutes } from './admin';
import { backupRoutes } from './backups';
import { backupStatusRoutes } from './backupStatus';
import { containerRoutes } from './containers';
import { jobRoutes } from './jobs';
import { operationRoutes } from './operations';
import { policyRoutes } from './policies';
import { protectedItemRoutes } from './protectedItems';
import { recoveryPointRoutes } from './recoveryPoints';
import { restoreRoutes } from './restores';
import { vaultRoutes } from './vaults';

/** Microsoft.RecoveryServices: vaults and everything Azure Backup does for IaaS VMs (reference §1, §2, §5–§9). */
export const recoveryServices: Provider = {
  name: 'recoveryServices',
  arm: [
    ...vaultRoutes,
    ...policyRoutes,
    ...containerRoutes,
    ...protectedItemRoutes,
    ...operationRoutes,
    ...backupRoutes,
    ...jobRoutes,
    ...recoveryPointRoutes,
    ...restoreRoutes,
    ...backupStatusRoutes,
  ],
  admin: adminRoutes,
};
