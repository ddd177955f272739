import { TurnContext, type ConversationReference } from 'botbuilder';
import type { Locale } from '../../i18n';
import type { RecordStore } from '../../store';
import type { Person } from './types';

export interface KnownConversation {
  reference: Partial<ConversationReference>;
  locale: Locale;
  at: string;
  /** Approvers' Teams ids (from.id, MRIs) seen here: the refresh `userIds` of an approval card (at most 60). */
  approverIds?: string[];
  /** Set on an approver's personal chat with the bot: whose chat it is (named on the requester's card). */
  approver?: Person;
}

/** Who an approval is being delivered to: a person's personal chat, or the configured approvers' conversation. */
export interface ApproversConversation extends KnownConversation {
  kind: 'person' | 'configured';
}

const LAST_APPROVER = 'approvers-last';
const MAX_REFRESH_USERS = 60;

/**
 * Where approval cards go. In live mode the configured approvers' conversation (APPROVERS_CONVERSATION_ID). Without
 * one (sandbox mode, a single-team trial) an approver's personal chat with the bot, remembered from the moment the
 * bot meets them: installation, conversationUpdate, welcome, or any message. Never a group chat or a channel (the
 * card would reach people who are not approvers, and Teams' card refresh would show them a read-only copy at best),
 * and never the requester's own chat (nobody approves their own request).
 * References are stored on every turn (they carry the serviceUrl a proactive message needs), written only when they
 * change.
 */
export class ConversationDirectory {
  /** key -> what this process last wrote there (to skip writes that change nothing). */
  private readonly written = new Map<string, { fingerprint: string; value: KnownConversation }>();

  constructor(
    private readonly records: RecordStore<KnownConversation>,
    private readonly configuredId?: string,
    /** Approvers' personal chats, one per approver (keyed by Entra object id). */
    private readonly chats: RecordStore<KnownConversation> = records,
  ) {}

  /**
   * Stores this turn's conversation; an approver's personal chat is also remembered as a place approvals can go.
   * Returns true when this turn made an approver's personal chat known to this process or changed its address (a
   * pending request may now be deliverable).
   */
  async remember(
    ctx: TurnContext,
    locale: Locale,
    isApprover: boolean,
    /** The approver's display name when the activity has none (a conversationUpdate carries only ids). */
    nameOf: () => Promise<string | undefined> = async () => undefined,
  ): Promise<boolean> {
    const a = ctx.activity;
    if (!a?.conversation?.id || !a.serviceUrl) return false;
    const reference = TurnContext.getConversationReference(a);
    delete reference.activityId;
    const approverId = isApprover ? a.from?.id : undefined;
    const stored = await this.write(
      this.records,
      `conv:${encodeURIComponent(a.conversation.id)}`,
      [reference, locale, approverId],
      (cur) => {
        const ids = new Set(cur?.approverIds ?? []);
        if (approverId) ids.add(approverId);
        return { reference, locale, at: new Date().toISOString(), approverIds: [...ids].slice(-MAX_REFRESH_USERS) };
      },
    );
    if (!isApprover) return false;
    // The configured conversation's stand-in (same service) when the bot has not been addressed there yet.
    await this.write(this.records, LAST_APPROVER, [stored], () => stored);
    const objectId = a.from?.aadObjectId;
    if (!isPersonal(ctx) || !objectId || !a.from?.id) return false;
    const key = objectId.toLowerCase();
    const before = this.written.get(`chat:${key}`)?.value;
    const name = a.from.name || before?.approver?.name || (await nameOf().catch(() => undefined));
    const approver: Person = { aadObjectId: objectId, ...(name ? { name } : {}) };
    // A message refreshes the time (approvals go to the approver who talked to the bot last); other turns only write
    // what changed.
    const seen = a.type === 'message' ? new Date().toISOString() : 'known';
    await this.write(this.chats, `chat:${key}`, [reference, locale, approver, seen], (cur) => ({
      reference,
      locale,
      at: new Date().toISOString(),
      approverIds: [a.from.id],
      approver: { ...approver, name: approver.name ?? cur?.approver?.name },
    }));
    const after = this.written.get(`chat:${key}`)?.value;
    return !before || JSON.stringify(after?.reference) !== JSON.stringify(before.reference);
  }

  /**
   * Where the approval card of a request by `requester` goes, or undefined while none is known: the configured
   * conversation, else the personal chat of the approver met most recently who is not the requester.
   */
  async approvers(requester?: {
    aadObjectId?: string;
    conversationId?: string;
  }): Promise<ApproversConversation | undefined> {
    if (this.configuredId) {
      const configured = (await this.records.get(`conv:${encodeURIComponent(this.configuredId)}`))?.value;
      if (configured) return { ...configured, kind: 'configured', approver: undefined };
      // Never seen there yet (a channel the bot was added to): the same service, that conversation.
      const last = (await this.records.get(LAST_APPROVER))?.value;
      if (!last) return undefined;
      return {
        ...last,
        kind: 'configured',
        approver: undefined,
        reference: { ...last.reference, conversation: { id: this.configuredId } as never },
        approverIds: [],
      };
    }
    const own = requester?.aadObjectId?.toLowerCase();
    const candidates = (await this.chats.list())
      .filter(({ id }) => id.startsWith('chat:'))
      .map(({ value }) => value)
      .filter(
        (c) =>
          c.approver &&
          c.approver.aadObjectId.toLowerCase() !== own &&
          c.reference.conversation?.id !== requester?.conversationId,
      )
      .sort((x, y) => y.at.localeCompare(x.at));
    return candidates[0] ? { ...candidates[0], kind: 'person' } : undefined;
  }

  private async write(
    records: RecordStore<KnownConversation>,
    key: string,
    facts: unknown[],
    change: (current: KnownConversation | undefined) => KnownConversation,
  ): Promise<KnownConversation> {
    const fingerprint = JSON.stringify(facts);
    const cached = this.written.get(key);
    if (cached?.fingerprint === fingerprint) return cached.value;
    const { value } = await records.update(key, change);
    this.written.set(key, { fingerprint, value: value! });
    return value!;
  }
}

/**
 * A one-to-one chat between a person and the bot. Teams says so in conversation.conversationType ('personal'; a group
 * chat is 'groupChat', a team channel 'channel'), and so does the Agents Playground; an activity without it is taken
 * for personal only when it is not flagged as a group.
 */
function isPersonal(ctx: TurnContext): boolean {
  const c = ctx.activity.conversation;
  if (c.conversationType) return c.conversationType === 'personal';
  return !c.isGroup && !ctx.activity.channelData?.team;
}
