import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Posted {
  id: string;
  conversationId: string;
  activity: Record<string, any>;
  /** Every PUT of this message since, oldest first. */
  updates: Record<string, any>[];
}

/**
 * A local stand-in for the Bot Connector (loopback HTTP): records the messages a bot posts
 * (POST /v3/conversations/:id/activities[/:replyTo]) and the edits it makes (PUT …/activities/:id). It can throttle:
 * the next `n` requests get 429 with Retry-After, as Teams answers a bot that sends too fast.
 */
export class ConnectorStandIn {
  readonly posts: Posted[] = [];
  /** Every request answered, throttled ones included. */
  readonly requests: { method: string; status: number; at: number }[] = [];
  /** Every request answered, per conversation (refused ones included). */
  readonly byConversation: { conversationId: string; method: string; status: number }[] = [];
  private readonly refused = new Map<string, number>();
  private readonly held = new Map<string, (() => void)[]>();
  private throttled = 0;
  private retryAfter = '0';
  private server?: http.Server;
  private next = 1;
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.answer(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/`;
    return this;
  }

  /** The next `count` requests answer 429 with `Retry-After: retryAfterSeconds`. */
  throttle(count: number, retryAfterSeconds = 0): void {
    this.throttled = count;
    this.retryAfter = String(retryAfterSeconds);
  }

  /**
   * Requests into `conversationId` answer `status` (403: the bot was removed; 404: no such conversation), as Teams
   * answers a bot that is no longer in a conversation.
   */
  refuse(conversationId: string, status = 403): void {
    this.refused.set(conversationId, status);
  }

  /** Requests into `conversationId` get no answer until `release()` (a conversation whose sends hang). */
  hold(conversationId: string): void {
    this.held.set(conversationId, this.held.get(conversationId) ?? []);
  }

  /** Answers every held request (as refused: 403) and stops holding. */
  release(): void {
    const waiting = [...this.held.values()].flat();
    this.held.clear();
    for (const answer of waiting) answer();
  }

  /** Requests a conversation got (answered, or held), in order. */
  requestsTo(conversationId: string): { method: string; status: number }[] {
    return this.byConversation.filter((r) => r.conversationId === conversationId);
  }

  /** Messages posted into a conversation, in order. */
  to(conversationId: string): Posted[] {
    return this.posts.filter((p) => p.conversationId === conversationId);
  }

  /** The card a message shows now (its last edit, else as posted). */
  static card(p: Posted): Record<string, any> | undefined {
    const a = p.updates.length ? p.updates[p.updates.length - 1] : p.activity;
    return a?.attachments?.[0]?.content;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?/.exec(req.url ?? '');
    const method = req.method ?? '';
    if (!m || (method !== 'POST' && method !== 'PUT')) return this.reply(res, method, 404, {});
    const target = decodeURIComponent(m[1]);
    const held = this.held.get(target);
    if (held) {
      this.byConversation.push({ conversationId: target, method, status: 0 });
      held.push(() => this.reply(res, method, 403, { error: { code: 'BotNotInConversationRoster' } }));
      return;
    }
    const refusal = this.refused.get(target);
    if (refusal) {
      this.byConversation.push({ conversationId: target, method, status: refusal });
      return this.reply(res, method, refusal, {
        error: { code: refusal === 403 ? 'BotNotInConversationRoster' : 'ConversationNotFound', message: 'gone' },
      });
    }
    this.byConversation.push({ conversationId: target, method, status: 200 });
    if (this.throttled > 0) {
      this.throttled--;
      res.setHeader('retry-after', this.retryAfter);
      return this.reply(res, method, 429, { error: { code: 'Throttled', message: 'Too many requests' } });
    }
    const conversationId = decodeURIComponent(m[1]);
    const activity = JSON.parse(body || '{}') as Record<string, any>;
    if (method === 'PUT') {
      const target = this.posts.find((p) => p.id === decodeURIComponent(m[2] ?? ''));
      if (!target) return this.reply(res, method, 404, { error: { code: 'NotFound', message: 'No such activity' } });
      target.updates.push(activity);
      return this.reply(res, method, 200, { id: target.id });
    }
    const id = `m-${this.next++}`;
    this.posts.push({ id, conversationId, activity, updates: [] });
    return this.reply(res, method, 200, { id });
  }

  private reply(res: http.ServerResponse, method: string, status: number, body: object): void {
    this.requests.push({ method, status, at: Date.now() });
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}
