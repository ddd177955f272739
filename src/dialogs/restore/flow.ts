import type { ProtectedItemRef } from '../../azure';
import type { Locale } from '../../i18n';
import type { RestorePlan } from '../../runs/restorePlan';

/** A card to show: a template in cards/ and the data it is expanded with (rendered by src/bot). */
export interface CardView {
  card: string;
  data: Record<string, unknown>;
}

/** Who is answering, and where: flows are kept per user and conversation (group chats mix users). */
export interface FlowUser {
  conversationId: string;
  aadObjectId: string;
  name?: string;
  locale: Locale;
}

/** `ended`: a refusal or message is on screen; only a repeated click of the card before it is answered. */
export type FlowStep = 'vm' | 'point' | 'target' | 'plan' | 'requested' | 'ended';

export interface FlowVm {
  id: string;
  name: string;
  resourceGroup: string;
  location: string;
  osType: 'Windows' | 'Linux';
  item: ProtectedItemRef;
  encryption?: {
    kind: 'bek' | 'bek+kek';
    pass: 'single' | 'dual';
    keyVaultId: string;
    keyVaultName: string;
    /** The KEK's key vault when it is another one than the BEK's. */
    kekVaultId?: string;
    kekVaultName?: string;
    keyUrl?: string;
    secretUrl?: string;
    aadClientId?: string;
  };
}

export type FlowPoint = RestorePlan['recoveryPoint'];

/** What the target card offered (enough to label the choices and build the plan). */
export interface TargetChoices {
  staging: { id: string; name: string; resourceGroup: string }[];
  groups: { id: string; name: string; location?: string }[];
  subnets: { id: string; vnet: string; subnet: string; resourceGroup: string; addressPrefix?: string }[];
}

/**
 * The position of one user's restore request in one conversation, kept server-side (never in the card): ids and the
 * choices offered, so a submitted value is checked against what was offered and a stale or replayed card is refused.
 */
export interface RestoreFlow {
  flowId: string;
  /** Bumped with every card shown; a card carries the rev it was shown at. */
  rev: number;
  step: FlowStep;
  locale: Locale;
  /** Input id -> values the current card offered. */
  offered: Record<string, string[]>;
  vm?: FlowVm;
  points?: FlowPoint[];
  point?: FlowPoint;
  encryption?: RestorePlan['encryption'];
  targets?: TargetChoices;
  plan?: RestorePlan;
  planHash?: string;
  /** Set once "Request approval" was accepted: the id of the approval request. */
  requestId?: string;
  /** Why the requester restores (optional, at most 500 characters): shown to the approver, kept in the audit. */
  reason?: string;
  /** The card on screen, shown again for a repeated click. */
  view: CardView;
  /** The submission that produced the current card (verb, rev it answered, inputs), to recognise a double click. */
  last?: { verb: string; rev: number; inputs: string };
  updatedAt: string;
}

/** Store key: one flow per user per conversation. */
export function flowKey(user: Pick<FlowUser, 'conversationId' | 'aadObjectId'>): string {
  return `${encodeURIComponent(user.conversationId)}|${user.aadObjectId.toLowerCase()}`;
}
