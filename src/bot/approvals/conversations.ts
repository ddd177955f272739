import { TurnContext, type ConversationReference } from 'botbuilder';
import type { Locale } from '../../i18n';
import type { RecordStore } from '../../store';

export interface KnownConversation {
  reference: Partial<ConversationReference>;
  locale: Locale;
  at: string;
  /** Approvers' Teams ids (from.id, MRIs) seen here: the refresh `userIds` of an approval card (at most 60). */
  approverIds?: string[];
}

const LAST_APPROVER = 'approvers-last';
const MAX_REFRESH_USERS = 60;

/**
 * Where approval cards go: the configured approvers' conversation (APPROVERS_CONVERSATION_ID), else the conversation
 * where an approver last talked to the bot (in the Agents Playground: the approver instance's personal chat).
 * References are stored on every turn (they carry the serviceUrl a proactive message needs), written only when they
 * change.
 */
export class ConversationDirectory {
  /** key -> what this process last wrote there (to skip writes that change nothing). */
  private readonly written = new Map<string, { fingerprint: string; value: KnownConversation }>();

  constructor(
    private readonly records: RecordStore<KnownConversation>,
    private readonly configuredId?: string,
  ) {}

  /** Stores this turn's conversation (and, for an approver, as the approvers' conversation). */
  async remember(ctx: TurnContext, locale: Locale, isApprover: boolean): Promise<void> {
    const a = ctx.activity;
    if (!a?.conversation?.id || !a.serviceUrl) return;
    const reference = TurnContext.getConversationReference(a);
    delete reference.activityId;
    const approverId = isApprover ? a.from?.id : undefined;
    const stored = await this.write(
      `conv:${encodeURIComponent(a.conversation.id)}`,
      [reference, locale, approverId],
      (cur) => {
        const ids = new Set(cur?.approverIds ?? []);
        if (approverId) ids.add(approverId);
        return { reference, locale, at: new Date().toISOString(), approverIds: [...ids].slice(-MAX_REFRESH_USERS) };
      },
    );
    if (isApprover) await this.write(LAST_APPROVER, [stored], () => stored);
  }

  /** The approvers' conversation, or undefined while none is known. */
  async approvers(): Promise<KnownConversation | undefined> {
    const last = (await this.records.get(LAST_APPROVER))?.value;
    if (!this.configuredId) return last;
    const configured = (await this.records.get(`conv:${encodeURIComponent(this.configuredId)}`))?.value;
    if (configured) return configured;
    // Never seen there yet (a channel the bot was added to): the same service, that conversation.
    if (!last) return undefined;
    return {
      ...last,
      reference: { ...last.reference, conversation: { id: this.configuredId } as never },
      approverIds: [],
    };
  }

  private async write(
    key: string,
    facts: unknown[],
    change: (current: KnownConversation | undefined) => KnownConversation,
  ): Promise<KnownConversation> {
    const fingerprint = JSON.stringify(facts);
    const cached = this.written.get(key);
    if (cached?.fingerprint === fingerprint) return cached.value;
    const { value } = await this.records.update(key, change);
    this.written.set(key, { fingerprint, value: value! });
    return value!;
  }
}
