import type { MessageKey } from '../i18n';

export type AccessAction = 'operate' | 'approve' | 'audit';

export interface ChatUser {
  /** Entra object id (activity.from.aadObjectId); activities carry no group claims. */
  aadObjectId?: string;
  /** The user's tenant (conversation.tenantId or channelData.tenant.id). */
  tenantId?: string;
}

export type AccessDecision =
  { allowed: true } | { allowed: false; action: AccessAction; reason: 'anonymous' | 'tenant' | 'role' | 'directory' };

/** Transitive group membership in Microsoft Entra (src/azure/directory.ts implements it with Microsoft Graph). */
export interface GroupDirectory {
  memberGroups(objectId: string, groupIds: string[], options?: { abortSignal?: AbortSignal }): Promise<string[]>;
}

export interface AccessRules {
  /** Empty = any tenant (the bot registration itself limits who can reach it). */
  allowedTenantIds: string[];
  operatorIds: string[];
  approverIds: string[];
  operatorGroupIds: string[];
  approverGroupIds: string[];
}

/** How long a user's group memberships are trusted before the directory is asked again. */
export const GROUP_CACHE_TTL_MS = 5 * 60 * 1000;

/** Each configured list, lower-cased once into a set: a turn's check does not walk (and lower-case) the list. */
const lowered = new WeakMap<string[], Set<string>>();
const listed = (ids: string[], id: string): boolean => {
  let set = lowered.get(ids);
  if (!set) {
    set = new Set(ids.map((x) => x.toLowerCase()));
    lowered.set(ids, set);
  }
  return set.has(id.toLowerCase());
};

/**
 * Who may do what, from configuration: operators start flows, approvers approve restores, both may read the audit
 * trail. Anyone not listed (by object id, or through a configured group) is refused: deny by default. Plain logic,
 * testable without Teams; handlers call `can` and answer a refusal with `refusalKey`.
 */
export class AccessPolicy {
  private readonly groupCache = new Map<string, { at: number; groups: string[] }>();

  constructor(
    private readonly rules: AccessRules,
    private readonly directory?: GroupDirectory,
    private readonly options: { cacheTtlMs?: number; now?: () => number } = {},
  ) {}

  async can(user: ChatUser, action: AccessAction): Promise<AccessDecision> {
    const refuse = (reason: 'anonymous' | 'tenant' | 'role' | 'directory'): AccessDecision => ({
      allowed: false,
      action,
      reason,
    });
    const objectId = user.aadObjectId;
    if (!objectId) return refuse('anonymous');
    const tenants = this.rules.allowedTenantIds;
    if (tenants.length > 0 && !(user.tenantId && listed(tenants, user.tenantId))) return refuse('tenant');

    const { ids, groupIds } = this.roleMembers(action);
    if (listed(ids, objectId)) return { allowed: true };
    if (groupIds.length === 0 || !this.directory) return refuse('role');
    let groups: string[];
    try {
      groups = await this.memberGroups(objectId);
    } catch {
      return refuse('directory');
    }
    return groups.some((g) => listed(groupIds, g)) ? { allowed: true } : refuse('role');
  }

  private roleMembers(action: AccessAction): { ids: string[]; groupIds: string[] } {
    const r = this.rules;
    if (action === 'operate') return { ids: r.operatorIds, groupIds: r.operatorGroupIds };
    if (action === 'approve') return { ids: r.approverIds, groupIds: r.approverGroupIds };
    return { ids: [...r.operatorIds, ...r.approverIds], groupIds: [...r.operatorGroupIds, ...r.approverGroupIds] };
  }

  /** One directory look-up per user per TTL, over every configured group; failures are not cached. */
  private async memberGroups(objectId: string): Promise<string[]> {
    const now = (this.options.now ?? Date.now)();
    const key = objectId.toLowerCase();
    const hit = this.groupCache.get(key);
    if (hit && now - hit.at < (this.options.cacheTtlMs ?? GROUP_CACHE_TTL_MS)) return hit.groups;
    const all = [...new Set([...this.rules.operatorGroupIds, ...this.rules.approverGroupIds])];
    const groups = await this.directory!.memberGroups(objectId, all);
    this.groupCache.set(key, { at: now, groups });
    return groups;
  }
}

/** The polite refusal for a decision: what is needed and how to get it. */
export function refusalKey(decision: Exclude<AccessDecision, { allowed: true }>): MessageKey {
  if (decision.reason === 'anonymous') return 'access.refused.anonymous';
  if (decision.reason === 'tenant') return 'access.refused.tenant';
  if (decision.reason === 'directory') return 'access.refused.directory';
  return `access.refused.${decision.action}`;
}
