import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One send the bot made to the Bot Connector (a post, a reply, or an update of a posted card). */
export interface Send {
  seq: number;
  /** performance.now() when it arrived. */
  at: number;
  /** Date.now() when it arrived (to compare with times from another process). */
  wall: number;
  method: 'POST' | 'PUT';
  conversationId: string;
  /** The message id: assigned here for a post, the updated message for a PUT. */
  activityId: string;
  /** A reply's parent (POST …/activities/{replyToId}). */
  replyToId?: string;
  activity: Record<string, any>;
  /** Answered 429 (nothing was posted). */
  throttled: boolean;
}

/** Teams' per-conversation limits for one bot (learn.microsoft.com, "Rate limiting for bots"): sends per window. */
export const TEAMS_THREAD_LIMITS = [
  { windowMs: 1_000, sends: 7 },
  { windowMs: 2_000, sends: 8 },
  { windowMs: 30_000, sends: 60 },
  { windowMs: 3_600_000, sends: 1_800 },
] as const;

/**
 * A Bot Connector stand-in on loopback: the serviceUrl of every activity the bench sends. Records every post and
 * update, answers with a message id, and when told to, answers 429 with Retry-After to a share of sends (chosen by a
 * seeded generator, so runs are repeatable).
 */
export class Connector {
  readonly sends: Send[] = [];
  url = '';
  private server?: http.Server;
  private seq = 0;
  private nextId = 1;
  private share = 0;
  private retryAfterSeconds = 1;
  private random = mulberry32(9);
  private readonly waiters = new Set<{ test: (s: Send) => boolean; resolve: (s: Send) => void }>();

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  /** From now on, answer 429 (Retry-After: seconds) to `share` (0..1) of sends. */
  throttle(share: number, retryAfterSeconds = 1, seed = 9): void {
    this.share = share;
    this.retryAfterSeconds = retryAfterSeconds;
    this.random = mulberry32(seed);
  }

  /** Sends after `seq` (exclusive), optionally into one conversation; accepted ones only unless asked. */
  since(seq: number, conversationId?: string, withThrottled = false): Send[] {
    return this.sends.filter(
      (s) => s.seq > seq && (!conversationId || s.conversationId === conversationId) && (withThrottled || !s.throttled),
    );
  }

  mark(): number {
    return this.seq;
  }

  /** Resolves with the first accepted send (already recorded after `afterSeq`, or still to come) that passes `test`. */
  waitFor(afterSeq: number, test: (s: Send) => boolean, timeoutMs: number): Promise<Send | undefined> {
    const found = this.sends.find((s) => s.seq > afterSeq && !s.throttled && test(s));
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => {
      const waiter = {
        test,
        resolve: (s: Send | undefined) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(s);
        },
      };
      const timer = setTimeout(() => waiter.resolve(undefined), timeoutMs);
      this.waiters.add(waiter);
    });
  }

  async close(): Promise<void> {
    for (const w of [...this.waiters]) w.resolve(undefined as never);
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const url = req.url ?? '';
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) =>
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(value));
    const activities = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?/.exec(url);
    if (activities && (req.method === 'POST' || req.method === 'PUT')) {
      const conversationId = decodeURIComponent(activities[1]);
      const target = activities[2] ? decodeURIComponent(activities[2]) : undefined;
      const throttled = this.share > 0 && this.random() < this.share;
      const activity = parse(body);
      const activityId = req.method === 'PUT' ? (target ?? '') : throttled ? '' : `msg-${this.nextId++}`;
      this.record({
        method: req.method,
        conversationId,
        activityId,
        replyToId: req.method === 'POST' ? target : undefined,
        activity,
        throttled,
      });
      if (throttled) {
        json(
          429,
          { error: { code: 'TooManyRequests', message: 'Throttled by the bench connector.' } },
          {
            'retry-after': String(this.retryAfterSeconds),
          },
        );
        return;
      }
      json(200, { id: activityId });
      return;
    }
    if (req.method === 'POST' && /^\/v3\/conversations\/?(\?|$)/.test(url)) {
      json(200, { id: `bench-created-${this.nextId++}`, activityId: `msg-${this.nextId++}` });
      return;
    }
    if (req.method === 'GET' && /\/members/.test(url)) {
      json(200, url.includes('pagedmembers') ? { members: [] } : []);
      return;
    }
    json(404, { error: { code: 'NotFound', message: `The bench connector does not serve ${req.method} ${url}.` } });
  }

  private record(s: Omit<Send, 'seq' | 'at' | 'wall'>): void {
    const send: Send = { ...s, seq: ++this.seq, at: performance.now(), wall: Date.now() };
    this.sends.push(send);
    if (send.throttled) return;
    for (const w of [...this.waiters]) if (w.test(send)) w.resolve(send);
  }
}

/** Per conversation, accepted sends over Teams' thread limits (a send is over when it makes its window too full). */
export function overLimits(sends: readonly Send[]): { over: number; busiest1s: number; busiest30s: number } {
  const byConversation = new Map<string, number[]>();
  for (const s of sends) {
    if (s.throttled) continue;
    const list = byConversation.get(s.conversationId) ?? [];
    list.push(s.at);
    byConversation.set(s.conversationId, list);
  }
  let over = 0;
  let busiest1s = 0;
  let busiest30s = 0;
  for (const times of byConversation.values()) {
    times.sort((a, b) => a - b);
    for (let i = 0; i < times.length; i++) {
      let isOver = false;
      for (const limit of TEAMS_THREAD_LIMITS) {
        const inWindow = countFrom(times, i, limit.windowMs);
        if (limit.windowMs === 1_000) busiest1s = Math.max(busiest1s, inWindow);
        if (limit.windowMs === 30_000) busiest30s = Math.max(busiest30s, inWindow);
        if (inWindow > limit.sends) isOver = true;
      }
      if (isOver) over++;
    }
  }
  return { over, busiest1s, busiest30s };
}

/** How many of the sorted times fall in (times[i] - windowMs, times[i]]. */
function countFrom(times: number[], i: number, windowMs: number): number {
  let n = 0;
  for (let j = i; j >= 0 && times[i] - times[j] < windowMs; j--) n++;
  return n;
}

function parse(body: string): Record<string, any> {
  try {
    return JSON.parse(body || '{}') as Record<string, any>;
  } catch {
    return {};
  }
}

/** A small seeded generator (mulberry32): the same throttled sends on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
