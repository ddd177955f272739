import type { Request, Response } from 'express';
import type { Logger } from '../../log';
import type { JobEvent } from '../types';
import { tokenMatches, type EntraWebhookVerifier } from './auth';
import { commonAlertSchema, interpret } from './schema';

/** The common alert schema caps a payload at 256 KB. */
export const MAX_ALERT_BYTES = 256 * 1024;

export interface AlertIntakeDeps {
  /** ALERT_WEBHOOK_TOKEN: the secret in the webhook URL (`?token=`). */
  token?: string;
  /** The action group's secure webhook (Microsoft Entra token), when configured. */
  entra?: EntraWebhookVerifier;
  ingest(events: JobEvent[]): Promise<{ accepted: number; duplicates: number }>;
  /**
   * Whether the bot manages (and can read) an Azure subscription (issue 17): an alert about a vault in another
   * subscription is refused and logged, never posted. Absent: every alert is taken.
   */
  isManagedSubscription?(subscriptionId: string): Promise<boolean>;
  logger: Logger;
  maxBytes?: number;
}

type Answer = { status: number; body: Record<string, unknown>; log: Record<string, unknown> };

/**
 * POST /api/alerts: Azure Monitor alerts (common alert schema) from an action group webhook. Authenticated before
 * the body is read (webhooks cannot set headers: a token in the query, or a secure webhook's bearer token); then
 * JSON only (415), at most 256 KB (413), the schema (400), Azure Backup job alerts only (422). Accepted alerts join
 * the same stream as the watcher (202), so a job both report is posted once. No input makes it answer 5xx; only a
 * store that is down does (503, which Azure Monitor retries). The token is never logged.
 */
export function alertIntake(deps: AlertIntakeDeps) {
  const maxBytes = deps.maxBytes ?? MAX_ALERT_BYTES;
  return async (req: Request, res: Response): Promise<void> => {
    let answer: Answer;
    try {
      answer = await handle(req, deps, maxBytes);
    } catch (err) {
      deps.logger.error({ err }, 'alert intake failed');
      answer = {
        status: 503,
        body: { error: 'Unavailable', message: 'The alert could not be stored; retry later.' },
        log: {},
      };
      res.setHeader('retry-after', '60');
    }
    deps.logger.info({ status: answer.status, ...answer.log }, 'alert intake');
    res.status(answer.status).json(answer.body);
  };
}

async function handle(req: Request, deps: AlertIntakeDeps, maxBytes: number): Promise<Answer> {
  const bad = (status: number, error: string, message: string, extra: Record<string, unknown> = {}): Answer => ({
    status,
    body: { error, message, ...extra },
    log: { reason: error },
  });
  const byToken = tokenMatches(req.query.token, deps.token);
  if (!byToken && !(deps.entra && (await deps.entra.verify(req.headers.authorization)))) {
    return bad(401, 'Unauthorized', 'Missing or wrong token.');
  }
  if (!req.is(['application/json', 'application/*+json'])) {
    return bad(415, 'UnsupportedMediaType', 'Send the alert as application/json (the common alert schema).');
  }
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > maxBytes) return bad(413, 'PayloadTooLarge', `Alerts are at most ${maxBytes} bytes.`);
  const raw = await readBody(req, maxBytes);
  if (raw === 'tooLarge') return bad(413, 'PayloadTooLarge', `Alerts are at most ${maxBytes} bytes.`);

  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return bad(400, 'BadRequest', 'The body is not valid JSON.');
  }
  const parsed = commonAlertSchema.safeParse(json);
  if (!parsed.success) {
    // Paths and messages only: never the values sent.
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
    return bad(400, 'BadRequest', 'The body is not an Azure Monitor common alert schema alert.', { issues });
  }
  const result = interpret(parsed.data);
  if (result.kind === 'unsupported') return bad(422, 'UnsupportedAlert', result.reason);
  if (result.kind === 'invalid') return bad(400, 'BadRequest', result.reason);
  if (result.kind === 'ignored')
    return { status: 202, body: { status: 'ignored', message: result.reason }, log: { reason: 'ignored' } };
  const sub = result.event.subscriptionId;
  if (sub && deps.isManagedSubscription && !(await deps.isManagedSubscription(sub))) {
    return {
      ...bad(422, 'UnmanagedSubscription', 'The alert is about a vault in a subscription this bot does not manage.'),
      log: { reason: 'UnmanagedSubscription', subscription: sub, vault: result.event.vault },
    };
  }
  const { accepted } = await deps.ingest([result.event]);
  const status = accepted ? 'accepted' : 'duplicate';
  return {
    status: 202,
    body: { status },
    log: { outcome: status, vault: result.event.vault, jobId: result.event.jobId },
  };
}

/** The body, reading no more than `max` bytes (an already-parsed body is re-serialised to be measured). */
function readBody(req: Request, max: number): Promise<Buffer | 'tooLarge'> {
  if (Buffer.isBuffer(req.body)) return Promise.resolve(req.body.length > max ? 'tooLarge' : req.body);
  if ((req as Request & { _body?: boolean })._body) {
    const again = Buffer.from(JSON.stringify(req.body ?? null));
    return Promise.resolve(again.length > max ? 'tooLarge' : again);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.off('data', onData);
        req.resume();
        resolve('tooLarge');
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}
