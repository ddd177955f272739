import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { TurnContext } from 'botbuilder';
import type { Logger } from './log';

export interface Health {
  status: 'ok' | 'degraded' | 'failing';
  mode: string;
  version: string;
  store: { state: string };
  azure: { identity: unknown };
}

export interface ServerDeps {
  /** The Bot Framework adapter: authenticates the request, then runs the turn. */
  adapter: { process(req: Request, res: Response, logic: (ctx: TurnContext) => Promise<void>): Promise<void> };
  handleTurn: (ctx: TurnContext) => Promise<void>;
  health: () => Promise<Health>;
  logger: Logger;
  /** More routes on the same server (the alert intake, POST /api/alerts, plugs in here). */
  routes?: (app: express.Express) => void;
  /**
   * Live mode: the only channels whose activities are taken (`msteams`). Identity and tenant are read from activity
   * fields; a Web Chat or Direct Line client could claim anyone's aadObjectId. Others get 403 before the adapter
   * runs, with no state read; `refused` records it (the audit trail).
   */
  channels?: { allowed: string[]; refused(info: { channelId: string; type: string; from?: string }): void };
}

/**
 * HTTP: POST /api/messages (Teams, through the adapter), GET /healthz. Bad requests get a 4xx JSON answer and never
 * reach the bot or take the process down.
 */
export function createHttpApp(deps: ServerDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Plugged-in routes read their own bodies (the alert intake authenticates first, then reads at most 256 KB).
  deps.routes?.(app);
  app.use(express.json({ limit: '1mb' }));

  app.post('/api/messages', async (req, res, next) => {
    if (!isActivityShaped(req.body)) {
      res.status(400).json({ error: 'BadRequest', message: 'The body is not a Bot Framework activity.' });
      return;
    }
    const channelId = String(req.body.channelId);
    if (deps.channels && !deps.channels.allowed.includes(channelId)) {
      const from = (req.body.from as { aadObjectId?: unknown } | undefined)?.aadObjectId;
      const info = {
        channelId: channelId.slice(0, 64),
        type: String(req.body.type).slice(0, 64),
        from: typeof from === 'string' ? from.slice(0, 64) : undefined,
      };
      deps.logger.warn(info, 'channel refused');
      deps.channels.refused(info);
      res.status(403).json({ error: 'Forbidden', message: 'This bot takes activities from Microsoft Teams only.' });
      return;
    }
    try {
      await deps.adapter.process(req, res, deps.handleTurn);
    } catch (err) {
      next(err);
    }
  });

  // Unauthenticated: only ok / degraded. What is wrong (the store, the identity and its error text, object ids) goes
  // to the log, once per change, where only operators of the host read it.
  let lastDetail = '';
  app.get('/healthz', async (_req, res, next) => {
    try {
      const health = await deps.health();
      const detail = JSON.stringify(health);
      if (detail !== lastDetail) {
        lastDetail = detail;
        if (health.status === 'ok') deps.logger.info({ health }, 'health');
        else deps.logger.warn({ health }, 'health degraded');
      }
      res.status(health.status === 'failing' ? 503 : 200).json({ status: health.status === 'ok' ? 'ok' : 'degraded' });
    } catch (err) {
      next(err);
    }
  });

  app.use((_req, res) => {
    res.status(404).json({ error: 'NotFound' });
  });
  // Malformed JSON, bodies too large, and anything unexpected: a JSON error, logged without the body.
  app.use((err: Error & { status?: number; type?: string }, req: Request, res: Response, _next: NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) deps.logger.error({ err, path: req.path }, 'request failed');
    else deps.logger.info({ path: req.path, status, reason: err.type ?? err.message }, 'bad request');
    if (res.headersSent) return;
    const message = err.type === 'entity.parse.failed' ? 'The body is not valid JSON.' : 'The request failed.';
    res.status(status).json({ error: status === 500 ? 'InternalError' : 'BadRequest', message });
  });
  return app;
}

// Fields botbuilder and the turn read as strings (or objects) before any handler can catch a wrong type.
const STRING_FIELDS = ['type', 'id', 'serviceUrl', 'channelId', 'locale', 'name', 'text', 'replyToId', 'action'];
const OBJECT_FIELDS = ['from', 'recipient', 'conversation', 'channelData'];

/** An object with a string `type`, and every field above of its type when present; a serviceUrl that is http(s). */
function isActivityShaped(body: unknown): boolean {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
  const a = body as Record<string, unknown>;
  if (typeof a.type !== 'string' || a.type === '') return false;
  if (STRING_FIELDS.some((f) => a[f] != null && typeof a[f] !== 'string')) return false;
  // Every activity names its channel, conversation and recipient: teams-ai keys turn state by them. An invoke is answered in
  // this response, so one without a sender is a 400 here (a message without one gets the error card in chat).
  const idOf = (f: string) => (a[f] as { id?: unknown } | undefined)?.id;
  const keyed = a.type === 'invoke' ? ['conversation', 'recipient', 'from'] : ['conversation', 'recipient'];
  if (keyed.some((f) => typeof idOf(f) !== 'string' || idOf(f) === '')) return false;
  if (typeof a.channelId !== 'string' || a.channelId === '') return false;
  for (const f of OBJECT_FIELDS) {
    const v = a[f];
    if (v == null) continue;
    if (typeof v !== 'object' || Array.isArray(v)) return false;
    const id = (v as { id?: unknown }).id;
    if (id != null && typeof id !== 'string') return false;
  }
  return a.serviceUrl == null || /^https?:\/\/[^\s/]+/i.test(a.serviceUrl as string);
}

export interface Listening {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function listen(app: express.Express, port: number, host: string): Promise<Listening> {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host, () => resolve(s));
    s.once('error', reject);
  });
  const actual = (server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return {
    server,
    port: actual,
    url: `http://${shownHost}:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
