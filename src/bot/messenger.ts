import {
  CardFactory,
  MessageFactory,
  type CloudAdapter,
  type ConversationReference,
  type TurnContext,
} from 'botbuilder';
import type { Logger } from 'pino';
import type { AdaptiveCardJson } from '../cards/render';
import { Pacer } from './pacer';

/** Where a card lives: the conversation and, once sent, the message id (to update it in place). */
export interface CardAddress {
  reference: Partial<ConversationReference>;
  activityId?: string;
  /** A slot claimed for a card not posted yet (no activityId): when (ISO), so a claim whose poster died can lapse. */
  claimedAt?: string;
}

export interface MessengerOptions {
  /** How many times a send that Teams throttles (429) or fails transiently (5xx) is retried. */
  maxAttempts?: number;
  /** Upper bound for one wait (Retry-After is honoured up to this). */
  maxDelayMs?: number;
  /** Sends in flight at once across all conversations (Teams limits bots per conversation and per tenant). */
  concurrency?: number;
  /** Paces sends per conversation; by default one for the process, shared by every Messenger in it. */
  pacer?: Pacer;
}

/** Every Messenger of the process paces one conversation together (the limits are Teams' per bot, not per object). */
const processPacer = new Pacer();

const sleep = (ms: number) => (ms > 0 ? new Promise<void>((r) => setTimeout(r, ms)) : Promise.resolve());

/**
 * Proactive messages outside a turn: post a card into a stored conversation, or edit a card already posted
 * (progress of a job, an approval decided). Sends to one conversation go one at a time, in order, paced to Teams'
 * per-conversation limits (src/bot/pacer.ts). Throttling (429 with Retry-After) and transient 5xx are waited out and
 * retried within bounds; what still fails is thrown to the caller, which keeps it for later (nothing is dropped here).
 * Errors inside proactive logic never reach adapter.onTurnError's chat answer: they are caught here.
 */
export class Messenger {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly lanes = new Map<string, Promise<void>>();
  private readonly pacer: Pacer;
  private readonly maxAttempts: number;
  private readonly maxDelayMs: number;
  private readonly concurrency: number;

  constructor(
    private readonly adapter: CloudAdapter,
    private readonly botAppId: string,
    private readonly log: Logger,
    options: MessengerOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.concurrency = options.concurrency ?? 4;
    this.pacer = options.pacer ?? processPacer;
  }

  /** Posts a card; returns the new message id. */
  async sendCard(reference: Partial<ConversationReference>, card: AdaptiveCardJson): Promise<string | undefined> {
    let id: string | undefined;
    await this.withConversation(reference, async (ctx) => {
      const res = await ctx.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
      id = res?.id;
    });
    return id;
  }

  /** Replaces a posted card in place (for everyone in the conversation). */
  async updateCard(address: CardAddress, card: AdaptiveCardJson): Promise<void> {
    if (!address.activityId) throw new Error('updateCard needs the message id of the card');
    await this.withConversation(address.reference, async (ctx) => {
      await ctx.updateActivity({
        type: 'message',
        id: address.activityId,
        attachments: [CardFactory.adaptiveCard(card)],
      });
    });
  }

  /** Posts a plain text message. */
  async sendText(reference: Partial<ConversationReference>, text: string): Promise<void> {
    await this.withConversation(reference, async (ctx) => {
      await ctx.sendActivity(MessageFactory.text(text));
    });
  }

  /**
   * Runs `logic` in the conversation: one send at a time per conversation, paced to Teams' per-conversation limits,
   * at most `concurrency` across conversations, 429 and transient 5xx retried.
   */
  private withConversation(
    reference: Partial<ConversationReference>,
    logic: (ctx: TurnContext) => Promise<void>,
  ): Promise<void> {
    const key = reference.conversation?.id ?? '';
    return this.inLane(key, async () => {
      for (let attempt = 1; ; attempt++) {
        await sleep(this.pacer.wait(key));
        let failure: unknown;
        await this.acquire();
        try {
          await this.adapter.continueConversationAsync(this.botAppId, reference, async (ctx) => {
            try {
              await logic(ctx);
            } catch (err) {
              failure = err;
            }
          });
        } finally {
          // When the send has been answered: it reached Teams no later than now, whatever the network's delays.
          this.pacer.record(key);
          this.release();
        }
        if (!failure) return;
        const status = statusOf(failure);
        // Nobody at that address (a conversation of a Playground or a bot from an earlier run): retrying here only
        // holds a slot; the caller keeps what failed and decides (the delivery queue counts it towards "dead").
        const nobodyThere = status === undefined && NOBODY_THERE.test(codeOf(failure));
        const transient =
          !nobodyThere && (status === 429 || (status !== undefined && status >= 500) || status === undefined);
        if (!transient || attempt >= this.maxAttempts) {
          this.log.warn({ conversation: reference.conversation?.id, status, attempt }, 'proactive send failed');
          throw failure;
        }
        await sleep(Math.min(this.maxDelayMs, retryAfterMs(failure) ?? 250 * 2 ** (attempt - 1)));
      }
    });
  }

  /** Runs `work` after the conversation's earlier sends, whatever became of them. */
  private inLane(key: string, work: () => Promise<void>): Promise<void> {
    const run = (this.lanes.get(key) ?? Promise.resolve()).then(work);
    const tail = run.catch(() => undefined);
    this.lanes.set(key, tail);
    void tail.then(() => {
      if (this.lanes.get(key) === tail) this.lanes.delete(key);
    });
    return run;
  }

  private async acquire(): Promise<void> {
    if (this.active < this.concurrency) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}

const NOBODY_THERE = /^(ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH)$/;

function codeOf(err: unknown): string {
  return String((err as { code?: unknown }).code ?? '');
}

function statusOf(err: unknown): number | undefined {
  const e = err as { statusCode?: number; status?: number; response?: { status?: number } };
  return e.statusCode ?? e.status ?? e.response?.status;
}

function retryAfterMs(err: unknown): number | undefined {
  const e = err as {
    response?: { headers?: { get?(n: string): string | null | undefined } & Record<string, unknown> };
  };
  const headers = e.response?.headers;
  const raw =
    typeof headers?.get === 'function' ? headers.get('retry-after') : (headers?.['retry-after'] as string | undefined);
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
