import { explain } from '../../azure/troubleshooting';
import type { AdaptiveCardJson } from '../../cards/render';
import { t } from '../../i18n';
import type { Logger } from '../../log';
import type { Background } from './background';
import { noticeCard } from './cards';
import { chosenSoFar, PAGE_SIZE, turnPage } from './list';
import { expired, FlowStore } from './store';
import { digest, formatToken, newNonce, parseToken } from './token';
import type { ChoiceList, FlowDefinition, FlowName, FlowRecord, Input, Outcome, Turn, View } from './types';

export type Refusal = 'stale' | 'notOwner' | 'otherConversation';

/**
 * Runs card-step flows: each card action names its flow and the card's nonce (the token); the flow's record for the
 * clicking user in this conversation must hold that nonce and be at a step whose card carries the verb. The nonce is
 * rotated by compare-and-set before the flow acts, so a replayed or double-clicked confirm finds it gone and is
 * refused. Anything else (another user's card, another conversation's, an old card) is refused and changes nothing.
 */
export class FlowRuntime {
  private readonly flows = new Map<FlowName, FlowDefinition<any>>();
  private readonly records: FlowStore;

  constructor(
    private readonly deps: {
      store: ConstructorParameters<typeof FlowStore>[0];
      logger: Logger;
      background: Background;
    },
  ) {
    this.records = new FlowStore(deps.store);
  }

  define<S>(flow: FlowDefinition<S>): void {
    this.flows.set(flow.name, flow);
  }

  /**
   * Starts (or restarts: an older card of the same flow becomes stale) a flow at `step`; returns its card. A
   * `{ problem }` (a name nothing is called) is shown as a problem, not as good news.
   */
  async begin<S>(
    turn: Turn,
    flow: FlowName,
    step: string,
    state: S,
    list?: ChoiceList,
    notice?: string | { problem: string },
  ): Promise<AdaptiveCardJson> {
    const now = new Date().toISOString();
    const record: FlowRecord<S> = { flow, nonce: newNonce(), step, state, list, createdAt: now, updatedAt: now };
    await this.records.of(turn.conversationId, turn.user.id).put(flow, record as FlowRecord, '*');
    return this.render(turn, record, typeof notice === 'object' ? notice : { notice });
  }

  /** A card action of a flow: checked, claimed, handed to the flow; returns the card that replaces the clicked one. */
  async submit(turn: Turn, verb: string, input: Input): Promise<AdaptiveCardJson> {
    const token = parseToken(input.token);
    if (!token) return this.refuse(turn, verb, 'stale');
    if (token.conversation !== digest(turn.conversationId)) return this.refuse(turn, verb, 'otherConversation');
    if (token.owner !== digest(turn.user.id)) return this.refuse(turn, verb, 'notOwner');
    const flow = this.flows.get(token.flow);
    if (!flow) return this.refuse(turn, verb, 'stale');

    const records = this.records.of(turn.conversationId, turn.user.id);
    const claimedNonce = newNonce();
    const claim = await records.update(flow.name, (current) => {
      if (!current || current.nonce !== token.nonce || expired(current)) return undefined;
      const accepted = verb === 'flow.cancel' || (flow.steps[current.step] ?? []).includes(verb);
      if (!accepted) return undefined;
      return { ...current, nonce: claimedNonce, updatedAt: new Date().toISOString() };
    });
    if (!claim.changed || !claim.value) return this.refuse(turn, verb, 'stale');
    const record = claim.value as FlowRecord;

    if (verb === 'flow.cancel') {
      await records.delete(flow.name);
      return noticeCard(turn.locale, {
        title: t(turn.locale, 'flow.cancelled.title'),
        text: t(turn.locale, 'flow.cancelled.text'),
      });
    }
    if (verb === 'flow.page' && record.list) {
      let list = turnPage(record.list, input);
      if (!list) return this.render(turn, record, { problem: t(turn.locale, 'flow.notOffered') });
      if (list.remote && flow.pages) {
        // A server-paged list: the page asked for, fetched (the filter is what the person typed).
        let { items, total } = await flow.pages(record, list.filter, list.page, turn);
        const last = Math.max(0, Math.ceil(total / PAGE_SIZE) - 1);
        // The estate shrank since the card was drawn: the last page there is.
        if (list.page > last) ({ items, total } = await flow.pages(record, list.filter, last, turn));
        const chosen = chosenSoFar(record.list, list.selected);
        list = { ...list, items, page: Math.min(list.page, last), remote: { total, chosen } };
      }
      return this.store(turn, { ...record, list });
    }

    let outcome: Outcome<unknown>;
    try {
      outcome = await flow.act(verb, input, record, turn);
    } catch (err) {
      const e = explain(err, turn.locale);
      this.deps.logger.warn(
        { err, flow: flow.name, step: record.step, verb, correlationId: turn.correlationId },
        'flow step failed',
      );
      outcome = { kind: 'reask', problem: `${e.title}. ${e.resolution}` };
    }
    if (outcome.kind === 'reask') return this.render(turn, record, { problem: outcome.problem });
    if (outcome.kind === 'next') return this.store(turn, { ...outcome.record, nonce: claimedNonce }, outcome.notice);

    // The flow is over unless a newer card of it was started meanwhile.
    const stored = await records.get(flow.name);
    if (stored?.value.nonce === claimedNonce) await records.delete(flow.name);
    const after = outcome.after;
    if (after) {
      this.deps.background.run(`${flow.name}.${verb}`, () => after(turn.address));
    }
    return outcome.card;
  }

  /** Typed `cancel`: ends the user's flows in this conversation; the flows that were active, newest first. */
  async cancelAll(turn: Turn): Promise<FlowName[]> {
    const active = await this.records.active(turn.conversationId, turn.user.id);
    await this.records.clear(turn.conversationId, turn.user.id);
    return active.map((r) => r.flow);
  }

  async hasActive(turn: Turn): Promise<boolean> {
    return (await this.records.active(turn.conversationId, turn.user.id)).length > 0;
  }

  /**
   * The user's most recent flow in this conversation (when it was last shown, and its card asked again after input
   * it cannot use, with `notice` or the default "I am waiting for your answer").
   */
  async latest(turn: Turn): Promise<{ updatedAt: string; card: (notice?: string) => AdaptiveCardJson } | undefined> {
    const [latest] = await this.records.active(turn.conversationId, turn.user.id);
    if (!latest) return undefined;
    return {
      updatedAt: latest.updatedAt,
      card: (notice) => this.render(turn, latest, { notice: notice ?? t(turn.locale, 'flow.reask') }),
    };
  }

  /** The card of the user's most recent flow in this conversation, to ask again after input it cannot use. */
  async current(turn: Turn): Promise<AdaptiveCardJson | undefined> {
    return (await this.latest(turn))?.card();
  }

  private async store(turn: Turn, record: FlowRecord, notice?: string): Promise<AdaptiveCardJson> {
    const next = { ...record, updatedAt: new Date().toISOString() };
    const records = this.records.of(turn.conversationId, turn.user.id);
    const result = await records.update(next.flow, (current) => (current?.nonce === next.nonce ? next : undefined));
    if (!result.changed) return this.refuse(turn, next.step, 'stale');
    return this.render(turn, next, { notice });
  }

  private render(turn: Turn, record: FlowRecord, extra: Partial<View> = {}): AdaptiveCardJson {
    const flow = this.flows.get(record.flow)!;
    const token = formatToken(record.flow, record.nonce, turn.user.id, turn.conversationId);
    return flow.render(record, { locale: turn.locale, token, ...extra });
  }

  private refuse(turn: Turn, verb: string, reason: Refusal): AdaptiveCardJson {
    this.deps.logger.info({ verb, reason, correlationId: turn.correlationId }, 'card action refused');
    return noticeCard(turn.locale, {
      title: t(turn.locale, 'flow.refused.title'),
      text: t(turn.locale, `flow.refused.${reason}`),
      tone: 'attention',
    });
  }
}
