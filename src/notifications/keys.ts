/** Store keys: names compared case-insensitively (alerts lower-case the vault), safe in any backend's key. */
const part = (s: string): string => encodeURIComponent(s.trim().toLowerCase());

export const vaultKey = (vault: string): string => part(vault);
export const jobKey = (vault: string, jobId: string): string => `${part(vault)}|${part(jobId)}`;
export const itemKey = (vault: string, vm: string): string => `${part(vault)}|${part(vm)}`;
export const conversationKey = (conversationId: string): string => encodeURIComponent(conversationId);

/**
 * A channel message's conversation id names its thread (`19:…@thread.tacv2;messageid=…`); notifications go to the
 * channel itself, so the suffix is dropped.
 */
export const channelConversationId = (conversationId: string): string => conversationId.split(';messageid=')[0];
