import type { ChildProcess } from 'node:child_process';
import type { SandboxUser } from '../../src/sandboxUsers';
import { cardId } from '../../src/cards/render';
import { cardAction, cardOf as cardOfSent, message, type FakeConnector, type SentActivity } from '../support/bot';

/** A bot replica: its process and where it listens. */
export interface Replica {
  name: string;
  child: ChildProcess;
  url: string;
}

export interface ClickAnswer {
  status: number;
  card?: Record<string, any>;
  text?: string;
}

type Card = Record<string, any> | undefined;

/**
 * Teams as the replicas see it: Teams-shaped activities posted to whichever replica the test names (as a load
 * balancer would), and every card the replicas post or edit, recorded by the one Bot Connector stand-in they share.
 */
export class ReplicaChat {
  /** A group chat both approvers talk in: approval cards go there. */
  readonly APPROVERS_CHAT = 'approvers-chat';

  constructor(private readonly connector: FakeConnector) {}

  cardOf = (s: SentActivity | Card) => cardOf(s);
  cardIdOf = (s: SentActivity | Card) => cardIdOf(s);

  /** A typed message; returns what was posted to that conversation while the replica handled it. */
  async say(replica: Replica, user: SandboxUser, text: string, conversationId?: string): Promise<SentActivity[]> {
    const before = this.connector.sent.length;
    const activity = message(text, this.options(user, conversationId));
    const res = await this.post(replica, activity);
    if (res.status >= 300) throw new Error(`${replica.name}: "${text}" answered ${res.status}: ${res.text}`);
    return this.connector.sent.slice(before).filter((s) => s.conversationId === activity.conversation.id);
  }

  /** Clicks the card's `verb` (its data plus `inputs`, as Teams merges inputs in) on message `messageId`. */
  async press(
    replica: Replica,
    user: SandboxUser,
    card: Card,
    verb: string,
    messageId: string,
    conversationId?: string,
    inputs: object = {},
  ): Promise<ClickAnswer> {
    const action = actionsOf(card).find((a) => a.verb === verb);
    if (!action) throw new Error(`No ${verb} on ${cardIdOf(card)}: ${JSON.stringify(actionsOf(card))}`);
    const activity = cardAction(
      verb,
      { ...action.data, ...inputs },
      { ...this.options(user, conversationId), replyToId: messageId },
    );
    const res = await this.post(replica, activity);
    const body = res.text ? (JSON.parse(res.text) as { type?: string; value?: unknown }) : {};
    if (body.type === 'application/vnd.microsoft.card.adaptive')
      return { status: res.status, card: body.value as Card };
    return { status: res.status, text: typeof body.value === 'string' ? body.value : res.text };
  }

  /** The id the connector gave a recorded activity (FakeConnector numbers them in order). */
  idOf(sent: SentActivity): string {
    return `sent-${this.connector.sent.indexOf(sent) + 1}`;
  }

  /** What a message shows now: its last edit (PUT), else what was posted. */
  cardNow(activityId: string): Card {
    const edits = this.connector.sent.filter((s) => s.method === 'PUT' && s.replyToId === activityId);
    return cardOf(edits.length ? edits[edits.length - 1] : this.connector.sent[Number(activityId.slice(5)) - 1]);
  }

  /** The approval cards posted (not edits) into the approvers' chat for one request. */
  approvalCards(requestId: string): SentActivity[] {
    return this.connector
      .to(this.APPROVERS_CHAT)
      .filter(
        (s) =>
          s.method === 'POST' &&
          cardIdOf(s) === 'card.approval.request' &&
          JSON.stringify(cardOf(s)).includes(requestId),
      );
  }

  /** Failure cards posted (new messages, not edits) into a conversation for one VM. */
  failureCards(conversationId: string, vm: string): SentActivity[] {
    return this.connector
      .to(conversationId)
      .filter(
        (s) =>
          s.method === 'POST' && cardIdOf(s) === 'card.notify.failure' && JSON.stringify(cardOf(s)).includes(`"${vm}"`),
      );
  }

  /** The failure count the VM's card shows now (its "Failures" fact), 0 without a card. */
  failureCount(conversationId: string, vm: string): number {
    const [posted] = this.failureCards(conversationId, vm);
    if (!posted) return 0;
    const fact = factsOf(this.cardNow(this.idOf(posted))).find((f) => f.title === 'Failures');
    return Number(fact?.value ?? 0);
  }

  private options(user: SandboxUser, conversationId?: string) {
    return { user, serviceUrl: this.connector.url, conversationId: conversationId ?? `personal-${user.id}` };
  }

  private async post(replica: Replica, activity: Record<string, any>): Promise<{ status: number; text: string }> {
    // A shared chat is a group chat, not someone's personal one.
    if (!activity.conversation.id.startsWith('personal-')) activity.conversation.conversationType = 'groupChat';
    const res = await fetch(`${replica.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    return { status: res.status, text: await res.text() };
  }
}

function actionsOf(card: Card): { verb: string; data: Record<string, any> }[] {
  return ((card?.actions ?? []) as any[])
    .filter((a) => a.type === 'Action.Execute')
    .map((a) => ({ verb: a.verb, data: a.data ?? {} }));
}

/** A node anywhere in the card matching `test`. */
function find(node: unknown, test: (n: Record<string, any>) => boolean): Record<string, any> | undefined {
  if (!node || typeof node !== 'object') return undefined;
  if (Array.isArray(node)) return node.map((n) => find(n, test)).find(Boolean);
  const n = node as Record<string, any>;
  return test(n)
    ? n
    : Object.values(n)
        .map((v) => find(v, test))
        .find(Boolean);
}

function factsOf(card: Card): { title: string; value: string }[] {
  return find(card?.body, (n) => n.type === 'FactSet')?.facts ?? [];
}

/** The card of a recorded activity, or the card itself. */
function cardOf(x: SentActivity | Card): Card {
  return x && ('activity' in x || 'attachments' in x) ? cardOfSent(x) : (x as Card);
}

function cardIdOf(x: SentActivity | Card): string | undefined {
  return cardId(cardOf(x));
}
