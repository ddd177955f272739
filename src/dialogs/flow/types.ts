import type { Locale } from '../../i18n';
import type { AdaptiveCardJson } from '../../cards/render';

/** The card-step flows of issue 5. `check` is one card, its VM question aside. */
export type FlowName = 'enableBackup' | 'grantAccess' | 'backupNow' | 'check' | 'jobs';

/** Who acts in this turn, where, and in which language: what the bot layer hands a flow. */
export interface Turn {
  /**
   * Where the card acted on lives (the conversation and, for a card action, the clicked card's message id), captured
   * when the turn began: work that finishes after the turn has answered must not touch the turn's context.
   */
  address: CardAddress;
  locale: Locale;
  /** Bot Framework id (from.id) keys flow state; the Entra object id and name go to the audit trail. */
  user: { id: string; aadObjectId?: string; name?: string };
  conversationId: string;
  correlationId: string;
}

/** One entry of a question's list, as offered. Only offered values are accepted back. */
export interface Choice {
  value: string;
  title: string;
}

/** A question's choices, kept server-side with the paging and filter position and (multi-select) what is picked. */
export interface ChoiceList {
  /** Every choice; for a server-paged list (`remote`), the current page's only. */
  items: Choice[];
  multi: boolean;
  /**
   * A list paged and filtered on the server (an estate of any size): `items` is the page `page` of what matches
   * `filter`, `total` how many match; the flow's `pages` fetches another page. `chosen`: the picks made on other
   * pages (multi-select), as they were offered.
   */
  remote?: { total: number; chosen?: Choice[] };
  page: number;
  filter: string;
  /** Values picked so far (multi-select across pages), or the preselected value. */
  selected: string[];
}

/** A flow in progress, stored per conversation and user: ids, names and the position — never SDK objects or tokens. */
export interface FlowRecord<S = unknown> {
  flow: FlowName;
  /** Changes with every card the flow sends: only the newest card of the flow is accepted. */
  nonce: string;
  step: string;
  state: S;
  /** The current question's choices, when it has a list. */
  list?: ChoiceList;
  createdAt: string;
  updatedAt: string;
}

/** How a flow answers a card action. */
export type Outcome<S> =
  /** The flow goes on: the card of `record.step` is shown (replacing the clicked card). */
  | { kind: 'next'; record: FlowRecord<S>; notice?: string }
  /** The input could not be used: the same question again, saying why. Nothing changed. */
  | { kind: 'reask'; problem: string }
  /**
   * The flow is over: `card` replaces the clicked card; `after` runs once the reply has gone (long work against
   * Azure), and may update that same card in place.
   */
  | { kind: 'end'; card: AdaptiveCardJson; after?: (card: CardAddress) => Promise<void> };

/** Where a card lives, to update it in place later (Messenger.updateCard). */
export interface CardAddress {
  reference: Record<string, unknown>;
  activityId?: string;
}

/** What a card of a step is rendered with besides the record. */
export interface View {
  locale: Locale;
  /** Goes into every action's data: names the flow, the card's nonce, the owner and the conversation. */
  token: string;
  problem?: string;
  notice?: string;
}

/** Card action input: the action's data with the card's inputs merged in. */
export type Input = Record<string, unknown>;

export interface FlowDefinition<S> {
  name: FlowName;
  /** The verbs each step's card carries (flow.cancel is accepted at every step). */
  steps: Record<string, readonly string[]>;
  render(record: FlowRecord<S>, view: View): AdaptiveCardJson;
  /** For a step whose list is `remote`: the page `page` (from 0) of the choices matching `filter`. */
  pages?(record: FlowRecord<S>, filter: string, page: number, turn: Turn): Promise<{ items: Choice[]; total: number }>;
  act(verb: string, input: Input, record: FlowRecord<S>, turn: Turn): Promise<Outcome<S>>;
}
