/** Store keys: names compared case-insensitively (alerts lower-case the vault), safe in any backend's key. */
const part = (s: string): string => encodeURIComponent(s.trim().toLowerCase());

export const vaultKey = (vault: string): string => part(vault);
/**
 * A vault in its Azure subscription (issue 17): two vaults of one name in two subscriptions are two vaults. Without a
 * subscription (records from before several subscriptions) it is the vault's name alone, the key those records have.
 */
export const vaultScopeKey = (vault: string, subscriptionId?: string): string =>
  subscriptionId ? `${part(subscriptionId)}/${part(vault)}` : part(vault);
/** One Azure subscription id is another when both are known; either unknown (an older record) matches any. */
export const sameSubscription = (a: string | undefined, b: string | undefined): boolean =>
  !a || !b || a.toLowerCase() === b.toLowerCase();
export const jobKey = (vault: string, jobId: string): string => `${part(vault)}|${part(jobId)}`;
export const itemKey = (vault: string, vm: string): string => `${part(vault)}|${part(vm)}`;
/**
 * An item (VM) of a vault in its Azure subscription (issue 17: the RPO watch's breaches and cards). Without a
 * subscription it is `itemKey`, the key breaches had before several subscriptions, so those are still found.
 */
export const itemScopeKey = (vault: string, vm: string, subscriptionId?: string): string =>
  `${vaultScopeKey(vault, subscriptionId)}|${part(vm)}`;
export const conversationKey = (conversationId: string): string => encodeURIComponent(conversationId);

/**
 * A channel message's conversation id names its thread (`19:…@thread.tacv2;messageid=…`); notifications go to the
 * channel itself, so the suffix is dropped.
 */
export const channelConversationId = (conversationId: string): string => conversationId.split(';messageid=')[0];
