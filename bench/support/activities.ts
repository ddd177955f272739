/** Teams-shaped activities, as Teams (and the Agents Playground) send them to the bot. */

export const BENCH_BOT_ID = '28:ade-backup-bot-bench';
export const TENANT_ID = '11111111-1111-4111-8111-111111111111';

export interface BenchUser {
  id: string;
  name: string;
  aadObjectId: string;
}

/** Bench user i: its own Bot Framework id and Entra object id (configured as an operator). */
export function benchUser(i: number): BenchUser {
  const hex = (0x1000 + i).toString(16).padStart(12, '0');
  return { id: `29:bench-user-${i}`, name: `Bench User ${i}`, aadObjectId: `bbbbbbbb-0000-4000-8000-${hex}` };
}

export interface Where {
  user: BenchUser;
  conversationId: string;
  serviceUrl: string;
  conversationType?: 'personal' | 'channel' | 'groupChat';
}

let counter = 0;

function base(type: string, w: Where): Record<string, any> {
  return {
    type,
    id: `bench-act-${++counter}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: w.serviceUrl,
    locale: 'en-US',
    from: { id: w.user.id, name: w.user.name, aadObjectId: w.user.aadObjectId },
    recipient: { id: BENCH_BOT_ID, name: 'ADE Backup' },
    conversation: { id: w.conversationId, conversationType: w.conversationType ?? 'personal', tenantId: TENANT_ID },
    channelData: { tenant: { id: TENANT_ID } },
  };
}

export function message(text: string, w: Where): Record<string, any> {
  return { ...base('message', w), text, textFormat: 'plain' };
}

/** An Action.Execute click on the card with message id `replyToId`. */
export function cardAction(verb: string, data: object, replyToId: string, w: Where): Record<string, any> {
  return {
    ...base('invoke', w),
    name: 'adaptiveCard/action',
    replyToId,
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
}
