import { t } from '../../src/i18n';
import { cardAction, message, type Where } from './activities';
import { actionsOf, cardIdOf, cardOf, fillInputs, textsOf, type Card, type CardInput } from './cards';
import type { Connector, Send } from './connector';

/** Buttons a person driving a flow forward does not press. */
const SIDEWAYS = new Set([
  'flow.cancel',
  'flow.back',
  'flow.page',
  'restore.cancel',
  'approval.cancel',
  'approval.reject',
]);

/** How one flow is driven: what starts it, which button moves it on, and which card says it is over. */
export interface FlowScript {
  name: string;
  /** The command typed to start it. */
  start: string;
  /** The card that says the flow is over (its result, final). */
  isFinal(card: Card): boolean;
  /** The final card says it worked (default: any final card). */
  isSuccess?(card: Card): boolean;
  /** A card on which the person stops clicking and waits for the bot to update it (progress), or to post elsewhere. */
  isWaiting?(card: Card): boolean;
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
  /** performance.now() when the answer had been read. */
  end: number;
  status: number;
}

export interface FlowResult {
  turns: TurnSample[];
  /** A final card was seen. */
  completed: boolean;
  /** ...and it said the change was made. */
  succeeded: boolean;
  /** From the first turn until the final card was seen. */
  flowMs?: number;
  /** Card updates (PUT) the person's conversation got: progress shown in place. */
  updates: number;
  /** Why it did not complete, or what the final card said when it did not succeed. */
  problem?: string;
}

export interface DriveOptions {
  botUrl: string;
  connector: Connector;
  where: Where;
  /** How long to wait for a final card after the last click. */
  finishTimeoutMs?: number;
  /** A turn not answered within this is given up (recorded with status 0 and the time waited). */
  turnTimeoutMs?: number;
  /** performance.now() after which no new turn is started (a level's time is up). */
  stopAt?: number;
}

/** A flow in progress for one person: posts turns, keeps the card's message id, waits on the connector. */
export class FlowRun {
  readonly turns: TurnSample[] = [];
  messageId?: string;
  card?: Card;
  finalCard?: Card;
  /** The text of a plain message the bot answered with (instead of a card). */
  said?: string;
  /** The connector's mark when the flow started: what came before belongs to someone else. */
  readonly startSeq: number;

  constructor(
    readonly script: FlowScript,
    readonly o: DriveOptions,
  ) {
    this.startSeq = o.connector.mark();
  }

  /** Posts one activity and times it as a turn (until the HTTP answer has been read in full). */
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
    const kind = activity.type === 'invoke' ? 'invoke' : 'message';
    const end = performance.now();
    this.turns.push({ kind, verb: activity.value?.action?.verb, ms: end - t0, end, status });
    return { status, body };
  }

  /**
   * When Azure is slow the bot answers with a "working on it" card and puts the real card in its place later (a PUT
   * of the same message): a person reads the progress card and waits for that update, as here.
   */
  private async settled(card: Card | undefined, id: string | undefined, mark: number, where: Where) {
    if (!isProgress(card) || !id) return card;
    const update = await this.o.connector.waitFor(
      mark,
      (s) =>
        s.method === 'PUT' &&
        s.conversationId === where.conversationId &&
        s.activityId === id &&
        !isProgress(cardOf(s.activity)),
      this.o.finishTimeoutMs ?? 120_000,
    );
    const next = cardOf(update?.activity);
    if (where === this.o.where) this.card = next;
    return next;
  }

  /** Types a command; the card the bot posted in reply becomes the current card. */
  async say(text: string, where = this.o.where): Promise<Card | undefined> {
    const mark = this.o.connector.mark();
    const res = await this.turn(message(text, where));
    if (!ok(res.status)) throw new Error(`'${text}' ${answered(res)}`);
    const posted = this.o.connector.since(mark, where.conversationId).filter((s) => s.method === 'POST');
    const last = posted.filter((s) => cardOf(s.activity)).at(-1);
    this.messageId = last?.activityId;
    this.card = cardOf(last?.activity);
    this.said = posted.map((s) => String(s.activity.text ?? '')).find(Boolean);
    return this.settled(this.card, this.messageId, mark, where);
  }

  /** Presses a button on a card (the current one by default); the invoke response's card replaces it. */
  async press(verb: string, data: Record<string, unknown>, where = this.o.where, replyToId = this.messageId) {
    const mark = this.o.connector.mark();
    const res = await this.turn(cardAction(verb, data, replyToId ?? 'unknown', where));
    if (!ok(res.status)) throw new Error(`${verb} ${answered(res)}`);
    const body = safeJson(res.body);
    const card = body?.type === 'application/vnd.microsoft.card.adaptive' ? (body.value as Card) : undefined;
    if (where === this.o.where) this.card = card;
    return this.settled(card, replyToId, mark, where);
  }

  /** Waits for a post or update in a conversation (this one by default) whose card passes `test`. */
  waitForCard(test: (card: Card) => boolean, afterSeq: number, conversationId = this.o.where.conversationId) {
    return this.o.connector.waitFor(
      afterSeq,
      (s: Send) => s.conversationId === conversationId && !!cardOf(s.activity) && test(cardOf(s.activity)!),
      this.o.finishTimeoutMs ?? 120_000,
    );
  }

  /** Records the final card (for `finish` hooks); returns true. */
  finished(card: Card): true {
    this.finalCard = card;
    return true;
  }
}

/** Drives one flow for one person from the command to its final card. Never throws: problems are in the result. */
export async function driveFlow(script: FlowScript, o: DriveOptions): Promise<FlowResult> {
  const run = new FlowRun(script, o);
  const t0 = performance.now();
  const startSeq = run.startSeq;
  let card: Card | undefined;
  try {
    card = await run.say(script.start);
    for (let step = 0; step < (script.maxSteps ?? 12); step++) {
      if (!card) {
        const said = step === 0 && run.said ? ` (the bot said: "${run.said.slice(0, 160)}")` : '';
        return result(run, t0, startSeq, `no card came back${said}`);
      }
      if (script.isFinal(card)) {
        run.finished(card);
        return result(run, t0, startSeq);
      }
      if (script.isWaiting?.(card)) break;
      const next = forward(card, script);
      if (!next) return result(run, t0, startSeq, `stuck at ${describe(card)}`);
      if (o.stopAt !== undefined && performance.now() > o.stopAt) return result(run, t0, startSeq, 'time was up');
      card = await run.press(next.verb, next.data);
    }
    if (script.finish) {
      const done = await script.finish(run);
      return result(run, t0, startSeq, done ? undefined : `did not finish after ${describe(card)}`);
    }
    const final = await run.waitForCard((c) => script.isFinal(c), startSeq);
    if (final) run.finished(cardOf(final.activity)!);
    return result(run, t0, startSeq, final ? undefined : `no final card after ${describe(card)}`);
  } catch (err) {
    return result(run, t0, startSeq, (err as Error).message);
  }
}

/** The first forward button of the card's action bar, with the card's inputs filled in. */
function forward(card: Card, script: FlowScript): { verb: string; data: Record<string, unknown> } | undefined {
  const action = actionsOf(card).find((a) => a.topLevel && !SIDEWAYS.has(a.verb));
  if (!action) return undefined;
  const inputs = action.associatedInputs === 'none' ? {} : fillInputs(card, (i) => script.pick?.(i, card));
  return { verb: action.verb, data: { ...action.data, ...inputs } };
}

function result(run: FlowRun, t0: number, startSeq: number, problem?: string): FlowResult {
  const final = run.finalCard;
  const completed = !!final && !problem;
  const succeeded = completed && (run.script.isSuccess?.(final) ?? true);
  const updates = run.o.connector.since(startSeq, run.o.where.conversationId).filter((s) => s.method === 'PUT').length;
  return {
    turns: run.turns,
    completed,
    succeeded,
    flowMs: completed ? performance.now() - t0 : undefined,
    updates,
    problem: problem ?? (completed && !succeeded ? `ended with ${describe(final)}` : undefined),
  };
}

export function describe(card: Card | undefined): string {
  if (!card) return 'no card';
  return `${cardIdOf(card) ?? 'a card'} ("${textsOf(card.body).slice(0, 3).join(' / ').slice(0, 240)}")`;
}

const PROGRESS_TITLE = t('en', 'progress.title');
/** The bot's "working on it" card (src/bot/promptly.ts): the real card replaces it in place. */
const isProgress = (card: Card | undefined) =>
  cardIdOf(card) === 'card.flow.notice' && textsOf(card?.body).includes(PROGRESS_TITLE);

const ok = (status: number) => status >= 200 && status < 300;
const answered = (res: { status: number; body: string }) =>
  res.status === 0 ? 'was not answered in time' : `answered ${res.status}: ${res.body.slice(0, 200)}`;

function safeJson(text: string): Record<string, any> | undefined {
  try {
    return JSON.parse(text) as Record<string, any>;
  } catch {
    return undefined;
  }
}
