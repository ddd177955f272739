import type { Application } from '@microsoft/teams-ai';
import { ActivityTypes, type TurnContext } from 'botbuilder';
import { t } from '../../i18n';
import type { Logger } from '../../log';
import { refusalKey } from '../accessPolicy';
import type { CommandHandler } from '../commands';
import type { BotDeps } from '../deps';
import { sendText } from '../reply';
import type { AppTurnState } from '../state';
import { localeOf, markTurn, sender } from '../turnInfo';
import { auditCsv } from './csv';
import type { ExportLinks } from './links';

/** `audit export [days]` wiring (src/index.ts builds the links; src/bot/routes.ts registers the command). */
export interface AuditExportOptions {
  links: ExportLinks;
  /** TEAMS_SUPPORTS_FILES: the app manifest's bots[0].supportsFiles. In a personal chat the CSV is then a file. */
  supportsFiles: boolean;
  /** Upload URLs must be https; the sandbox's tests upload to a loopback http stand-in. */
  allowHttpUpload?: boolean;
}

export const DEFAULT_DAYS = 7;
export const MAX_DAYS = 90;
/** The most entries one export carries (the newest); a larger trail is exported in shorter spans. */
export const MAX_ENTRIES = 10_000;
/** How long the consent card's accept stays good. */
const CONSENT_MINUTES = 60;

/** `audit export [days]`: the trail of the last `days` days as CSV, for operators and approvers (registered before `audit`: the first command the text starts with wins). */
export function auditExport(deps: BotDeps): CommandHandler {
  return async (ctx, _state, args) => {
    const l = localeOf(ctx);
    const user = sender(ctx);
    const decision = await deps.access.can(user, 'audit');
    if (!decision.allowed) {
      markTurn(ctx, 'audit export', 'refused');
      await sendText(ctx, t(l, refusalKey(decision), { objectId: user.aadObjectId ?? '?' }));
      return;
    }
    const days = parseDays(args);
    if (days === undefined) {
      await sendText(ctx, t(l, 'auditExport.badDays', { max: MAX_DAYS, default: DEFAULT_DAYS }));
      return;
    }
    const options = deps.auditExport;
    if (!options) {
      await sendText(ctx, t(l, 'auditExport.unavailable'));
      return;
    }
    const since = Date.now() - days * 86_400_000;
    const entries = (await deps.store.audit.recent({ limit: MAX_ENTRIES })).filter((e) => Date.parse(e.at) >= since);
    const name = `ade-backup-audit-${new Date().toISOString().slice(0, 10)}-${days}d.csv`;
    const csv = auditCsv(entries);
    const personal = ctx.activity.conversation?.conversationType === 'personal';
    const who = { aadObjectId: user.aadObjectId, name: user.name };

    if (personal && options.supportsFiles) {
      const { id } = await options.links.put({ name, csv, requestedBy: user.aadObjectId }, CONSENT_MINUTES);
      await ctx.sendActivity({
        type: ActivityTypes.Message,
        text: t(l, 'auditExport.consent', { count: entries.length, days }),
        // A Teams file consent card (not an Adaptive Card): Teams asks the user, then sends fileConsent/invoke.
        // https://learn.microsoft.com/microsoftteams/platform/bots/how-to/bots-filesv4
        attachments: [
          {
            contentType: 'application/vnd.microsoft.teams.card.file.consent',
            name,
            content: {
              description: t(l, 'auditExport.description', { days }),
              sizeInBytes: Buffer.byteLength(csv, 'utf8'),
              acceptContext: { exportId: id },
              declineContext: { exportId: id },
            },
          },
        ],
      });
      await record(deps, who, 'file', entries.length, days);
      return;
    }
    if (!options.links.available) {
      await sendText(ctx, t(l, 'auditExport.noLink'));
      return;
    }
    const { id, expiresAt } = await options.links.put({ name, csv, requestedBy: user.aadObjectId });
    const url = await options.links.link(id, expiresAt);
    const minutes = Math.round((expiresAt.getTime() - Date.now()) / 60_000);
    await sendText(ctx, t(l, 'auditExport.link', { count: entries.length, days, url, minutes }));
    await record(deps, who, 'link', entries.length, days);
  };
}

/** '' = the default; a whole number of days 1–90; anything else is not a number of days. */
export function parseDays(args: string): number | undefined {
  const s = args.trim();
  if (!s) return DEFAULT_DAYS;
  if (!/^\d{1,3}$/.test(s)) return undefined;
  const n = Number(s);
  return n >= 1 && n <= MAX_DAYS ? n : undefined;
}

/** Exporting the trail is itself in the trail: who took a copy, how much and how. */
function record(
  deps: BotDeps,
  who: { aadObjectId?: string; name?: string },
  via: string,
  entries: number,
  days: number,
) {
  return deps.store.audit.append({ who, action: 'audit.export', details: { via, entries, days }, result: 'succeeded' });
}

/** The consent card's answers: upload the CSV to the user's OneDrive (accept), or drop it (decline). */
export function registerAuditExport(app: Application<AppTurnState>, deps: BotDeps): void {
  const options = deps.auditExport;
  if (!options) return;
  app.fileConsentAccept(async (ctx, _state, response) => {
    markTurn(ctx, 'fileConsent.accept');
    const l = localeOf(ctx);
    const id = String((response.context as { exportId?: unknown } | undefined)?.exportId ?? '');
    const pending = id ? await options.links.get(id) : undefined;
    // Only the person who asked may receive it; an old or used card gets a clear answer.
    if (!pending || pending.requestedBy !== sender(ctx).aadObjectId) {
      await sendText(ctx, t(l, 'auditExport.expired'));
      return;
    }
    const info = response.uploadInfo;
    if (!info?.uploadUrl || !uploadAllowed(info.uploadUrl, options.allowHttpUpload)) {
      await sendText(ctx, t(l, 'auditExport.uploadFailed'));
      return;
    }
    const claimed = await options.links.claim(id);
    if (!claimed) {
      await sendText(ctx, t(l, 'auditExport.expired'));
      return;
    }
    if (!(await upload(info.uploadUrl, claimed.csv, deps.logger))) {
      await sendText(ctx, t(l, 'auditExport.uploadFailed'));
      return;
    }
    await ctx.sendActivity({
      type: ActivityTypes.Message,
      attachments: [
        {
          contentType: 'application/vnd.microsoft.teams.card.file.info',
          contentUrl: info.contentUrl,
          name: info.name,
          content: { uniqueId: info.uniqueId, fileType: info.fileType },
        },
      ],
    });
  });
  app.fileConsentDecline(async (ctx: TurnContext, _state, response) => {
    markTurn(ctx, 'fileConsent.decline');
    const id = String((response.context as { exportId?: unknown } | undefined)?.exportId ?? '');
    if (id) await options.links.claim(id); // nothing to keep
    await sendText(ctx, t(localeOf(ctx), 'auditExport.declined'));
  });
}

function uploadAllowed(url: string, allowHttp = false): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || (allowHttp && u.protocol === 'http:' && u.hostname === '127.0.0.1');
  } catch {
    return false;
  }
}

/** One PUT of the whole file, as the consent flow asks (Content-Range covering every byte). */
async function upload(url: string, csv: string, logger: Logger): Promise<boolean> {
  const body = Buffer.from(csv, 'utf8');
  try {
    const res = await fetch(url, {
      method: 'PUT',
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-length': String(body.length),
        'content-range': `bytes 0-${Math.max(0, body.length - 1)}/${body.length}`,
      },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    if (res.ok) return true;
    logger.warn({ status: res.status }, 'audit export upload refused');
  } catch (err) {
    logger.warn({ err }, 'audit export upload failed');
  }
  return false;
}
