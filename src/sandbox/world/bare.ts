import { sameId } from '../authorization/rbac';
import type { World } from './types';

/**
 * A platform engineer's stand-in: the identity that deploys infra/ into a bare world. It holds Owner on the
 * subscription, which the template needs (role assignments and custom roles need Microsoft.Authorization write actions:
 * Owner, or User Access Administrator beside Contributor).
 */
export const DEPLOYER = {
  name: 'id-platform-engineer',
  resourceGroup: 'rg-identity',
  clientId: '33333333-3333-4333-8333-333333333303',
  objectId: '44444444-4444-4444-8444-444444444403',
};
const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';

/**
 * The world before infra/ is deployed: the bot's (approved) identity exists but holds no role assignment and no key
 * vault access policy, and the README's custom roles are not defined. Everything else (VMs, vaults, Backup Management
 * Service's grants) stays as seeded. The deployer identity is added with Owner on the subscription.
 */
export function stripBotAccess(world: World, now: string): void {
  const bot = world.identities.find((i) => i.approved)!;
  world.roleAssignments = world.roleAssignments.filter((a) => !sameId(a.principalId, bot.objectId));
  for (const kv of world.keyVaults)
    kv.accessPolicies = kv.accessPolicies.filter((p) => !sameId(p.objectId, bot.objectId));
  const customInUse = new Set(world.roleAssignments.map((a) => a.roleDefinitionId.split('/').pop()!.toLowerCase()));
  world.roleDefinitions = world.roleDefinitions.filter((d) => d.type !== 'CustomRole' || customInUse.has(d.name));
  world.identities.push({ ...DEPLOYER, approved: false });
  world.roleAssignments.push({
    name: 'd0d0d0d0-0000-4000-8000-000000000403',
    scope: `/subscriptions/${world.subscriptionId}`,
    roleDefinitionId: `/subscriptions/${world.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${OWNER}`,
    principalId: DEPLOYER.objectId,
    principalType: 'ServicePrincipal',
    createdOn: now,
  });
}
