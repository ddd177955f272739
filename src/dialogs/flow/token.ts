import { createHash, randomBytes } from 'node:crypto';
import type { FlowName } from './types';

/**
 * A card's token, `<flow>.<nonce>.<owner>.<conversation>`: the flow and the nonce decide (they must match the stored
 * flow of the clicking user in this conversation); the owner and conversation digests only say, when they do not
 * match, why a card was refused. Forging them changes the wording of the refusal, never the decision.
 */
export interface CardToken {
  flow: FlowName;
  nonce: string;
  owner: string;
  conversation: string;
}

const FLOWS: readonly FlowName[] = ['enableBackup', 'grantAccess', 'backupNow', 'check', 'jobs'];

export const newNonce = (): string => randomBytes(9).toString('base64url');

/** A short digest, so user and conversation ids do not travel in card data. */
export const digest = (value: string): string => createHash('sha256').update(value).digest('base64url').slice(0, 10);

export function formatToken(flow: FlowName, nonce: string, userId: string, conversationId: string): string {
  return [flow, nonce, digest(userId), digest(conversationId)].join('.');
}

export function parseToken(value: unknown): CardToken | undefined {
  if (typeof value !== 'string' || value.length > 100) return undefined;
  const [flow, nonce, owner, conversation, extra] = value.split('.');
  if (extra !== undefined || !nonce || !owner || !conversation) return undefined;
  if (!(FLOWS as readonly string[]).includes(flow)) return undefined;
  return { flow: flow as FlowName, nonce, owner, conversation };
}
