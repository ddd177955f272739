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
