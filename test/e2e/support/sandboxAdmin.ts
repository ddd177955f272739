import https from 'node:https';

/**
 * Calls one of the sandbox's admin routes ({arm}/_sandbox/..., no token, loopback only): the demo controls a person
 * trying the bot uses too. The sandbox makes a new self-signed certificate at every start and `npm start` does not
 * print it, so this one loopback call does not verify it.
 */
export function sandboxAdmin(armUrl: string, route: string, body: unknown): Promise<Record<string, unknown>> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL(route, armUrl),
      {
        method: 'POST',
        rejectUnauthorized: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () => {
          if ((res.statusCode ?? 500) >= 300) reject(new Error(`POST ${route} answered ${res.statusCode}: ${text}`));
          else resolve(text ? (JSON.parse(text) as Record<string, unknown>) : {});
        });
      },
    );
    req.once('error', reject);
    req.end(payload);
  });
}
