import { cardAction, message, type Where } from './activities';
import { actionsOf, cardIdOf, cardOf, fillInputs, textsOf, type Card, type CardInput } from './cards';
import type { Connector, Send } from './connector';

/** Buttons a person driving a flow forward does not press. */
const SIDEWAYS = new Set(['flow.cancel', 'flow.back', 'flow.page']);

/** How one flow is driven: what starts it, which button moves it on, and which card says it is over. */
export interface FlowScript {
  name: string;
  /** The command typed to start it. */
  start: string;
  /** The card that says the flow is over (its result, final). */
  isFinal(card: Card): boolean;
  /** A card on which the person stops clicking and waits for the bot to update it (progress), or to post elsewhere. */
  isWaiting?(card: Card): boolean;
  /** The button to press on a step card (default: the first forward button of the card's action bar). */
  choose?(card: Card): { verb: string; data: Record<string, unknown> } | undefined;
  /** Values for the card's inputs (default: what the card preselects, else its first choice). */
  pick?(input: CardInput, card: Card): string | undefined;
  /** After the person stops clicking: what else must happen before the flow is over (an approval, say). */
  finish?(run: FlowRun): Promise<boolean>;
  maxSteps?: number;
}

export interface TurnSample {
  kind: 'message' | 'invoke';
  verb?: string;
  ms: number;
  status: number;
}

export interface FlowResult {
  turns: TurnSample[];
  completed: boolean;
  /** From the first turn until the final card was seen. */
  flowMs?: number;
  /** Card updates and posts the conversation got after the last turn (progress). */
  progressUpdates: number;
  /** Why it did not complete: the card it stopped at and its words. */
  problem?: string;
}

export interface DriveOptions {
  botUrl: string;
  connector: Connector;
  where: Where;
  /** How long to wait for a final card after the last click. */
  finishTimeoutMs?: number;
  turnTimeoutMs?: number;
}

/** A flow in progress for one person: posts turns, keeps the card's message id, waits on the connector. */
export class FlowRun {
  readonly turns: TurnSample[] = [];
  messageId?: string;
  card?: Card;
  constructor(
    readonly script: FlowScript,
    readonly o: DriveOptions,
  ) {}

  /** Posts one activity; returns the HTTP status and body, timing it as a turn. */
  async turn(activity: Record<string, any>): Promise<{ status: number; body: string }> {
    const t0 = performance.now();
    let status = 0;
    let body = '';
    try {
      const res = await fetch(`${this.o.botUrl}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity),
        signal: AbortSignal.timeout(this.o.turnTimeoutMs ?? 120_000),
      });
      status = res.status;
      body = await res.text();
    } catch (err) {
      body = (err as Error).message;
    }
    this.turns.push({
      kind: activity.type === 'invoke' ? 'invoke' : 'message',
      verb: activity.value?.action?.verb,
      ms: performance.now() - t0,
      status,
    });
    return { status, body };
  }

  /** Types a command; the card the bot posted in reply becomes the current card. */
  async say(text: string, where = this.o.where): Promise<Card | undefined> {
    const mark = this.o.connector.mark();
    const res = await this.turn(message(text, where));
    if (res.status >= 300) throw new Error(`'${text}' answered ${res.status}: ${res.body.slice(0, 200)}`);
    const posted = this.o.connector.since(mark, where.conversationId).filter((s) => s.method === 'POST' && cardOf(s.activity));
    const last = posted.at(-1);
    this.messageId = last?.activityId;
    this.card = cardOf(last?.activity);
    return this.card;
  }

  /** Presses a button on the current card; the invoke response's card replaces it. */
  async press(verb: string, data: Record<string, unknown>, where = this.o.where, replyToId = this.messageId): Promise<Card | undefined> {
    const res = await this.turn(cardAction(verb, data, replyToId ?? 'unknown', where));
    if (res.status >= 300) throw new Error(`${verb} answered ${res.status}: ${res.body.slice(0, 200)}`);
    const body = safeJson(res.body);
    this.card = body?.type === 'application/vnd.microsoft.card.adaptive' ? (body.value as Card) : undefined;
    return this.card;
  }

  /** Waits for a post or update in a conversation (this one by default) whose card passes `test`. */
  waitForCard(test: (card: Card, send: Send) => boolean, afterSeq: number, conversationId = this.o.where.conversationId) {
    return this.o.connector.waitFor(
      afterSeq,
      (s) => s.conversationId === conversationId && !!cardOf(s.activity) && test(cardOf(s.activity)!, s),
      this.o.finishTimeoutMs ?? 120_000,
    );
  }
}

/** Drives one flow for one person from the command to its final card. Never throws: problems are in the result. */
export async function driveFlow(script: FlowScript, o: DriveOptions): Promise<FlowResult> {
  const run = new FlowRun(script, o);
  const t0 = performance.now();
  const startSeq = o.connector.mark();
  let card: Card | undefined;
  try {
    card = await run.say(script.start);
    for (let step = 0; step < (script.maxSteps ?? 12); step++) {
      if (!card) return result(run, false, t0, startSeq, 'no card came back');
      if (script.isFinal(card)) return result(run, true, t0, startSeq);
      if (script.isWaiting?.(card)) break;
      const next = script.choose?.(card) ?? forward(card, script);
      if (!next) return result(run, false, t0, startSeq, `stuck at ${describe(card)}`);
      card = await run.press(next.verb, next.data);
    }
    if (script.finish) return result(run, await script.finish(run), t0, startSeq, `did not finish after ${describe(card)}`);
    const final = await run.waitForCard((c) => script.isFinal(c), startSeq);
    return result(run, !!final, t0, startSeq, final ? undefined : `no final card after ${describe(card)}`);
  } catch (err) {
    return result(run, false, t0, startSeq, (err as Error).message);
  }
}

/** The first forward button of the card's action bar, with the card's inputs filled in. */
function forward(card: Card, script: FlowScript): { verb: string; data: Record<string, unknown> } | undefined {
  const action = actionsOf(card).find((a) => a.topLevel && !SIDEWAYS.has(a.verb));
  if (!action) return undefined;
  const inputs = action.associatedInputs === 'none' ? {} : fillInputs(card, (i) => script.pick?.(i, card));
  return { verb: action.verb, data: { ...action.data, ...inputs } };
}

function result(run: FlowRun, completed: boolean, t0: number, startSeq: number, problem?: string): FlowResult {
  const progressUpdates = run.messageId
    ? run.o.connector.since(startSeq, run.o.where.conversationId).filter((s) => s.method === 'PUT').length
    : 0;
  return {
    turns: run.turns,
    completed,
    flowMs: completed ? performance.now() - t0 : undefined,
    progressUpdates,
    problem: completed ? undefined : problem,
  };
}

export function describe(card: Card | undefined): string {
  if (!card) return 'no card';
  return `${cardIdOf(card) ?? 'a card'} ("${textsOf(card.body).slice(0, 3).join(' / ').slice(0, 240)}")`;
}

function safeJson(text: string): Record<string, any> | undefined {
  try {
    return JSON.parse(text) as Record<string, any>;
  } catch {
    return undefined;
  }
}
