import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Logger } from '../../log';
import type { Store } from '../../store';

/** A CSV waiting to be fetched (by its one-time link) or uploaded (after the user accepts the file consent card). */
export interface ExportRecord {
  name: string;
  csv: string;
  /** ISO time after which the link no longer serves it. */
  expiresAt: string;
  /** Who asked (Entra object id): the consent card's accept is honoured for that person only. */
  requestedBy?: string;
  /** Set by compare-and-set when the file was served or uploaded: a second fetch gets nothing. */
  usedAt?: string;
}

interface LinkKey {
  key: string;
}

const KEY_ID = 'link-key';

/**
 * One-time, short-lived, signed links to an audit export, served by the bot itself (`GET /api/exports/<token>`).
 * The token is `<id>.<expires>.<signature>`: the signature (HMAC-SHA256, a random key every replica reads from the
 * store) covers the id and the expiry, so a link cannot be stretched or pointed at another export; the record is
 * claimed by compare-and-set before it is served, so two fetches (or two replicas) never both get it; the CSV is
 * deleted from the store once served.
 */
export class ExportLinks {
  private key?: Buffer;

  constructor(
    private readonly deps: {
      store: Store;
      logger: Logger;
      /** The bot's public base URL (PUBLIC_URL; in sandbox mode, where it listens). Undefined: no links. */
      baseUrl: () => string | undefined;
      ttlMinutes: number;
      now?: () => Date;
    },
  ) {}

  private get records() {
    return this.deps.store.records<ExportRecord>('auditExports');
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** Whether links can be made (a base URL is known). */
  get available(): boolean {
    return !!this.deps.baseUrl();
  }

  /** Stores the export for `minutes` and returns its id. */
  async put(
    record: Omit<ExportRecord, 'expiresAt'>,
    minutes = this.deps.ttlMinutes,
  ): Promise<{ id: string; expiresAt: Date }> {
    const id = randomBytes(16).toString('hex');
    const expiresAt = new Date(this.now().getTime() + minutes * 60_000);
    await this.records.create(id, { ...record, expiresAt: expiresAt.toISOString() });
    return { id, expiresAt };
  }

  async get(id: string): Promise<ExportRecord | undefined> {
    return (await this.records.get(id))?.value;
  }

  /** Marks the export used (once): the record's content is returned to exactly one caller, then deleted. */
  async claim(id: string): Promise<ExportRecord | undefined> {
    let seen: ExportRecord | undefined;
    const now = this.now();
    const { changed } = await this.records.update(id, (cur) => {
      seen = cur;
      if (!cur || cur.usedAt || Date.parse(cur.expiresAt) <= now.getTime()) return undefined;
      return { ...cur, csv: '', usedAt: now.toISOString() };
    });
    return changed ? seen : undefined;
  }

  /** A link for a stored export. */
  async link(id: string, expiresAt: Date): Promise<string> {
    const exp = Math.floor(expiresAt.getTime() / 1000);
    const base = this.deps.baseUrl()!.replace(/\/+$/, '');
    return `${base}/api/exports/${id}.${exp}.${await this.sign(`${id}.${exp}`)}`;
  }

  /** GET /api/exports/:token — the CSV once, as a download; 404 for anything else (never says why, to a stranger). */
  handler = async (req: Request, res: Response): Promise<void> => {
    try {
      await this.serve(req, res);
    } catch (err) {
      this.deps.logger.warn({ err }, 'audit export link failed');
      if (!res.headersSent) res.status(500).type('text/plain').send('The export could not be served.');
    }
  };

  private async serve(req: Request, res: Response): Promise<void> {
    res.setHeader('cache-control', 'no-store');
    const token = String(req.params.token ?? '');
    const m = /^([0-9a-f]{32})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
    const gone = (status: number) =>
      void res.status(status).type('text/plain').send('This link has expired or was already used.');
    if (!m) return gone(404);
    const [, id, exp, sig] = m;
    if (!(await this.verify(`${id}.${exp}`, sig))) return gone(404);
    if (Number(exp) * 1000 <= this.now().getTime()) return gone(410);
    const record = await this.claim(id);
    if (!record) return gone(410);
    this.deps.logger.info({ exportId: id }, 'audit export served by link');
    res
      .status(200)
      .type('text/csv; charset=utf-8')
      .setHeader('content-disposition', `attachment; filename="${record.name}"`);
    res.send(record.csv);
  }

  private async sign(payload: string): Promise<string> {
    return createHmac('sha256', await this.signingKey())
      .update(payload)
      .digest('base64url');
  }

  private async verify(payload: string, signature: string): Promise<boolean> {
    const want = Buffer.from(await this.sign(payload));
    const got = Buffer.from(signature);
    return want.length === got.length && timingSafeEqual(want, got);
  }

  /** The key every replica signs with: created once (create-if-absent), then read. */
  private async signingKey(): Promise<Buffer> {
    if (this.key) return this.key;
    const keys = this.deps.store.records<LinkKey>('auditExportKeys');
    await keys.create(KEY_ID, { key: randomBytes(32).toString('base64') });
    const stored = await keys.get(KEY_ID);
    this.key = Buffer.from(stored!.value.key, 'base64');
    return this.key;
  }
}
