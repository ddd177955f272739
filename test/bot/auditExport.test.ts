import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { auditCsv } from '../../src/bot/auditExport/csv';
import { SANDBOX_USERS } from '../../src/sandboxUsers';
import { message, startTestBot, type TestBot } from '../support/bot';

const { operator, approver, viewer } = SANDBOX_USERS;
const LINK = /\((http:\/\/127\.0\.0\.1:\d+\/api\/exports\/[^)]+)\)/;

/** A channel conversation (no files there: the export comes as a link). */
const inChannel = (text: string, o: Parameters<typeof message>[1]) => {
  const a = message(text, o);
  return { ...a, conversation: { ...a.conversation, id: '19:ops@thread.tacv2', conversationType: 'channel' } };
};

async function seed(bot: TestBot) {
  const audit = bot.bot.store.audit;
  await audit.append({
    who: { aadObjectId: operator.aadObjectId, name: operator.name },
    action: 'backup.trigger',
    target: { kind: 'vm', name: 'vm-db-01' },
    details: { vault: 'rsv-prod-eastasia', note: '=HYPERLINK("http://evil")' },
    armRequestIds: ['3c1d7e52-9b0a-4f6e-8d21-5a4b3c2d1e0f'],
    result: 'started',
  });
  await audit.append({
    who: { aadObjectId: approver.aadObjectId, name: 'Megan, "the approver"' },
    action: 'restore.decision',
    target: { kind: 'vm', name: 'vm-db-01' },
    approval: { requestId: 'req-1', by: { aadObjectId: approver.aadObjectId } },
    result: 'approved',
  });
}

describe('audit export as a one-time link (channels, or a bot without files)', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot();
    await seed(bot);
  });
  afterAll(() => bot.close());
  const o = () => ({ serviceUrl: bot.connector.url });

  it('serves the CSV once, with every entry and its Azure request ids; then the link is spent', async () => {
    const [reply] = await bot.send(inChannel('audit export 30', o()));
    const text: string = reply.activity.text;
    expect(text).toMatch(/last 30 days \(\d+ entries\).*works once, for 10 minutes/);
    const url = LINK.exec(text)![1];
    const first = await fetch(url);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(first.headers.get('content-disposition')).toMatch(/attachment; filename="ade-backup-audit-.*-30d\.csv"/);
    const csv = await first.text();
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'time,action,result,targetKind,target,targetId,whoObjectId,whoName,approvalRequestId,approvedByObjectId,approvedByName,azureRequestIds,correlationId,details',
    );
    expect(csv).toContain('3c1d7e52-9b0a-4f6e-8d21-5a4b3c2d1e0f');
    expect(csv).toContain('"Megan, ""the approver"""');
    expect((await fetch(url)).status).toBe(410);
    // The export is audited.
    const [last] = await bot.bot.store.audit.recent({ limit: 1 });
    expect(last).toMatchObject({
      action: 'audit.export',
      who: { aadObjectId: operator.aadObjectId },
      details: { via: 'link', days: 30 },
    });
  });

  it('refuses a forged or altered link, and gives nothing away', async () => {
    const [reply] = await bot.send(inChannel('audit export', o()));
    const url = LINK.exec(reply.activity.text)![1];
    const [id, exp, sig] = url.split('/').pop()!.split('.');
    const later = `${url.slice(0, url.lastIndexOf('/') + 1)}${id}.${Number(exp) + 3600}.${sig}`;
    expect((await fetch(later)).status).toBe(404);
    expect((await fetch(url.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')))).status).toBe(404);
    expect((await fetch(`${bot.bot.url}/api/exports/nonsense`)).status).toBe(404);
    expect((await fetch(url)).status).toBe(200); // the genuine link still works once
  });

  it('answers a bad number of days clearly and a viewer politely, exporting nothing', async () => {
    const before = (await bot.bot.store.audit.recent({ limit: 100 })).length;
    const [bad] = await bot.send(inChannel('audit export lots', o()));
    expect(bad.activity.text).toMatch(/number of days from 1 to 90/);
    const [tooMany] = await bot.send(inChannel('audit export 365', o()));
    expect(tooMany.activity.text).toMatch(/from 1 to 90/);
    const [refused] = await bot.send(inChannel('audit export', { ...o(), user: viewer }));
    expect(refused.activity.text).not.toMatch(LINK);
    expect((await bot.bot.store.audit.recent({ limit: 100 })).length).toBe(before);
  });

  it('speaks Traditional Chinese', async () => {
    const [reply] = await bot.send(inChannel('audit export 2', { ...o(), locale: 'zh-TW' }));
    expect(reply.activity.text).toMatch(/最近 2 天的稽核記錄.*下載 CSV.*只能使用一次/);
  });
});

describe('audit export as a file in a personal chat (the manifest supportsFiles)', () => {
  let bot: TestBot;
  let upload: http.Server;
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  let uploadUrl: string;
  beforeAll(async () => {
    bot = await startTestBot({ TEAMS_SUPPORTS_FILES: 'true' });
    await seed(bot);
    // OneDrive's upload session stand-in.
    upload = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(201).end('{}');
      });
    });
    await new Promise<void>((r) => upload.listen(0, '127.0.0.1', r));
    uploadUrl = `http://127.0.0.1:${(upload.address() as AddressInfo).port}/upload-session`;
  });
  afterAll(async () => {
    await bot.close();
    await new Promise((r) => upload.close(r));
  });

  const consentInvoke = (exportId: string, action: 'accept' | 'decline', user = operator) => ({
    ...message('', { serviceUrl: bot.connector.url, user }),
    type: 'invoke',
    name: 'fileConsent/invoke',
    value: {
      type: 'fileUpload',
      action,
      context: { exportId },
      uploadInfo: {
        contentUrl: 'https://contoso-my.sharepoint.com/personal/alex/Documents/Applications/audit.csv',
        name: 'ade-backup-audit.csv',
        uploadUrl,
        uniqueId: '1150D938-8870-4044-9F2C-5BBDEBA70C9D',
        fileType: 'csv',
      },
    },
  });

  it('asks for consent, uploads the CSV on accept (once, to its requester), then shows the file', async () => {
    const [consent] = await bot.send(message('audit export 7', { serviceUrl: bot.connector.url }));
    const card = consent.activity.attachments[0];
    expect(card.contentType).toBe('application/vnd.microsoft.teams.card.file.consent');
    expect(card.name).toMatch(/\.csv$/);
    const exportId = card.content.acceptContext.exportId;

    // Someone else's accept (a forwarded card) gets nothing.
    const stranger = await bot.post(consentInvoke(exportId, 'accept', approver));
    expect(stranger.status).toBe(200);
    expect(received).toHaveLength(0);

    const accepted = await bot.post(consentInvoke(exportId, 'accept'));
    expect(accepted.status).toBe(200);
    expect(received).toHaveLength(1);
    expect(received[0].body).toBe(auditCsv(await entriesWithin(bot, 7)));
    const size = Buffer.byteLength(received[0].body);
    expect(card.content.sizeInBytes).toBe(size);
    expect(received[0].headers['content-range']).toBe(`bytes 0-${size - 1}/${size}`);
    const info = bot.connector.sent.at(-1)!.activity.attachments[0];
    expect(info).toMatchObject({
      contentType: 'application/vnd.microsoft.teams.card.file.info',
      name: 'ade-backup-audit.csv',
    });

    await bot.post(consentInvoke(exportId, 'accept'));
    expect(received).toHaveLength(1); // once
    expect(bot.connector.sent.at(-1)!.activity.text).toMatch(/no longer available/);
  });

  it('a decline saves nothing', async () => {
    const [consent] = await bot.send(message('audit export', { serviceUrl: bot.connector.url }));
    const exportId = consent.activity.attachments[0].content.acceptContext.exportId;
    await bot.post(consentInvoke(exportId, 'decline'));
    expect(bot.connector.sent.at(-1)!.activity.text).toBe('No file was saved.');
    await bot.post(consentInvoke(exportId, 'accept'));
    expect(received).toHaveLength(1);
  });
});

/** The entries an export of `days` holds, as the export reads them (before its own audit.export entry). */
async function entriesWithin(bot: TestBot, days: number) {
  const since = Date.now() - days * 86_400_000;
  return (await bot.bot.store.audit.recent({ limit: 1000 })).filter(
    (e) => Date.parse(e.at) >= since && e.action !== 'audit.export',
  );
}

describe('the CSV', () => {
  it('quotes what needs quoting and never lets a spreadsheet run a formula', () => {
    const csv = auditCsv([
      {
        id: '1',
        at: '2026-01-05T10:12:00.000Z',
        who: { aadObjectId: 'x', name: '=cmd|calc' },
        action: 'backup.trigger',
        target: { kind: 'vm', name: '+vm, "one"' },
        result: 'started',
      },
    ]);
    const row = csv.split('\r\n')[1];
    expect(row).toContain(",'=cmd|calc,");
    expect(row).toContain(`"'+vm, ""one"""`);
  });
});
