import { azureCall } from './call';
import type { AzureClients } from './clients';
import { NotFoundError } from './errors';
import { BACKUP_MANAGEMENT_SERVICE_APP_ID } from './settings';
import type { OperationOptions } from './types';

/** How long a user's group memberships are trusted before Graph is asked again. */
export const MEMBERSHIP_TTL_MS = 5 * 60 * 1000;
/** Graph's checkMemberGroups takes at most 20 group ids per request. */
const CHECK_MEMBER_GROUPS_MAX = 20;

interface DirectoryCache {
  bmsObjectId?: Promise<string>;
  memberships: Map<string, { at: number; groups: string[] }>;
}
const caches = new WeakMap<AzureClients, DirectoryCache>();

/** Microsoft Entra look-ups through Microsoft Graph, with the bot's own managed identity. */
export class DirectoryOperations {
  constructor(
    readonly clients: AzureClients,
    private readonly now: () => number = Date.now,
  ) {}

  private get cache(): DirectoryCache {
    let c = caches.get(this.clients);
    if (!c) caches.set(this.clients, (c = { memberships: new Map() }));
    return c;
  }

  /**
   * Object id of Backup Management Service in this tenant (access policies and role assignments name the object id,
   * not the app id): from settings, else one Graph look-up by app id, kept for the process.
   * Needs Graph `Application.Read.All` (or `Directory.Read.All`) when not configured.
   */
  async backupManagementServiceObjectId(options: OperationOptions = {}): Promise<string> {
    const configured = this.clients.settings.backupManagementServiceObjectId;
    if (configured) return configured;
    const cache = this.cache;
    cache.bmsObjectId ??= azureCall('lookUpBackupManagementService', async () => {
      const sp = await this.clients.graphRequest<{ id?: string }>(
        'GET',
        `/v1.0/servicePrincipals(appId='${BACKUP_MANAGEMENT_SERVICE_APP_ID}')?$select=id,appId,displayName`,
        undefined,
        options,
      );
      if (!sp?.id) throw new NotFoundError('Service principal', 'Backup Management Service');
      return sp.id;
    });
    try {
      return await cache.bmsObjectId;
    } catch (err) {
      cache.bmsObjectId = undefined; // a failed look-up is retried next time
      throw err;
    }
  }

  /**
   * Which of `groupIds` the user belongs to (transitively), for the bot's who-may-do-what rules. Answers are kept
   * for MEMBERSHIP_TTL_MS. Needs Graph `GroupMember.Read.All` (or `Directory.Read.All`).
   */
  async memberGroups(objectId: string, groupIds: string[], options: OperationOptions = {}): Promise<string[]> {
    if (groupIds.length === 0) return [];
    const key = `${objectId.toLowerCase()}|${[...groupIds]
      .map((g) => g.toLowerCase())
      .sort()
      .join(',')}`;
    const hit = this.cache.memberships.get(key);
    if (hit && this.now() - hit.at < MEMBERSHIP_TTL_MS) return hit.groups;
    const groups = await azureCall('checkMemberGroups', async () => {
      const found: string[] = [];
      for (let i = 0; i < groupIds.length; i += CHECK_MEMBER_GROUPS_MAX) {
        const chunk = groupIds.slice(i, i + CHECK_MEMBER_GROUPS_MAX);
        const res = await this.clients.graphRequest<{ value?: string[] }>(
          'POST',
          `/v1.0/users/${encodeURIComponent(objectId)}/checkMemberGroups`,
          { groupIds: chunk },
          options,
        );
        found.push(...(res?.value ?? []));
      }
      return groupIds.filter((g) => found.some((f) => f.toLowerCase() === g.toLowerCase()));
    });
    this.cache.memberships.set(key, { at: this.now(), groups });
    return groups;
  }
}
