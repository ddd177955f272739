import { readFileSync } from 'node:fs';
import path from 'node:path';
import { assignmentsFor, sameId } from '../authorization/rbac';
import type { Seed } from './load';
import type { World } from './types';

/**
 * The sandbox's other subscriptions (issue 17). Each subscription is a world of its own, as in Azure each subscription
 * holds its own resource groups, resources and role assignments; the tenant, the managed identities, the directory and
 * the role definitions are the primary seed's. A request goes to the world of the subscription its path names.
 */
export const SUBSCRIPTIONS_SEED = path.join(__dirname, 'subscriptions.json');

/** What a further subscription's seed holds: the subscription's own part of a seed. */
export type SubscriptionSeed = Pick<
  Seed,
  | 'subscriptionId'
  | 'subscriptionName'
  | 'resourceGroups'
  | 'roleAssignments'
  | 'recoveryVaults'
  | 'policies'
  | 'keyVaults'
  | 'storageAccounts'
  | 'virtualNetworks'
  | 'vms'
>;

export function readSubscriptionSeeds(file: string = SUBSCRIPTIONS_SEED): SubscriptionSeed[] {
  return (JSON.parse(readFileSync(file, 'utf8')) as { subscriptions: SubscriptionSeed[] }).subscriptions;
}

/** A full seed for one further subscription: the primary's tenant, identities and directory, the subscription's own rest. */
export const seedFor = (primary: Seed, sub: SubscriptionSeed): Seed => ({ ...primary, ...sub });

/** The world of a subscription id, if the sandbox has one. */
export const worldOf = (worlds: World[], subscriptionId: string | undefined): World | undefined =>
  subscriptionId ? worlds.find((w) => sameId(w.subscriptionId, subscriptionId)) : undefined;

/** The subscription id in a path or scope (/subscriptions/{id}/..., also '//subscriptions/...' from {scope} routes). */
export function subscriptionInPath(p: string): string | undefined {
  return /^\/*subscriptions\/([^/?]+)/i.exec(p)?.[1];
}

/** The world a path or scope addresses; the primary when it names none, or one the sandbox does not have. */
export const worldForPath = (worlds: World[], p: string): World => worldOf(worlds, subscriptionInPath(p)) ?? worlds[0];

/**
 * Whether a principal holds any role in the subscription, at any scope (directly or through a group): ARM's
 * Subscriptions - List shows a caller the subscriptions it has a role in.
 */
export function hasAnyRole(world: World, principalId: string): boolean {
  return world.roleAssignments.some((a) => assignmentsFor(world, principalId, a.scope).includes(a));
}
