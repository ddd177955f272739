import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createPipelineRequest } from '@azure/core-rest-pipeline';
import { generate } from 'selfsigned';
import { MAX_SOCKETS_PER_HOST, trustingHttpClient } from '../../src/http/azureHttp';

/** An HTTPS server on loopback that holds each answer until told to, counting the connections it accepted. */
async function holdingServer() {
  const pems = await generate([{ name: 'commonName', value: 'azureHttp test' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
    ],
  } as never);
  const held: (() => void)[] = [];
  let connections = 0;
  const server = https.createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    held.push(() => res.end(JSON.stringify({ path: req.url })));
  });
  server.on('secureConnection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    ca: pems.cert,
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('the Azure clients’ HTTP client', () => {
  it('keeps a burst of requests to one host within a bounded set of connections, and answers every request', async () => {
    const server = await holdingServer();
    const client = trustingHttpClient(server.ca);
    const burst = MAX_SOCKETS_PER_HOST * 3;
    try {
      const answers = Array.from({ length: burst }, (_, i) =>
        client.sendRequest(createPipelineRequest({ url: `${server.url}/item/${i}`, method: 'GET' })),
      );
      // Answer as requests arrive: the server sees at most the bound at once, and the rest come over the same ones.
      let answered = 0;
      while (answered < burst) {
        await new Promise((r) => setImmediate(r));
        const next = server.held.shift();
        if (next) {
          next();
          answered++;
        }
      }
      const responses = await Promise.all(answers);
      expect(responses.map((r) => r.status)).toEqual(Array(burst).fill(200));
      expect(responses.map((r) => JSON.parse(r.bodyAsText ?? '{}').path)).toEqual(
        Array.from({ length: burst }, (_, i) => `/item/${i}`),
      );
      expect(server.connections()).toBeLessThanOrEqual(MAX_SOCKETS_PER_HOST);
    } finally {
      await server.close().catch(() => undefined);
    }
  });
});
