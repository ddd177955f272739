import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generate } from 'selfsigned';

/** Azurite's well-known development account: public, documented, and accepted by nothing but an emulator. */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const START_TIMEOUT_MS = 20_000;

export interface Azurite {
  /** Shared-key connection string for the development account (plain HTTP). */
  connectionString: string;
  /** `http(s)://127.0.0.1:<port>/devstoreaccount1`: the account URL, path-style. */
  accountUrl: string;
  /** PEM of the certificate Azurite serves, when started with `https`. */
  caCertificate?: string;
  stop(): Promise<void>;
}

/**
 * Starts Azurite's Blob service from the npm package as a child process on a free loopback port, in memory, and
 * resolves once it listens. `https` serves a fresh self-signed certificate and turns on Azurite's OAuth check
 * (`--oauth basic`, which needs TLS): bearer tokens are then accepted by issuer, audience and lifetime.
 */
export async function startAzurite(options: { https?: boolean } = {}): Promise<Azurite> {
  const workdir = mkdtempSync(path.join(os.tmpdir(), 'ade-azurite-'));
  const args = [
    azuriteBlobBin(),
    ...['--blobHost', '127.0.0.1', '--blobPort', '0'],
    ...['--inMemoryPersistence', '--extentMemoryLimit', '64'],
    ...['--skipApiVersionCheck', '--disableTelemetry', '--silent', '--loose'],
  ];
  let caCertificate: string | undefined;
  if (options.https) {
    const pems = await generate([{ name: 'commonName', value: 'azurite test' }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: true },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
      ],
    } as never);
    caCertificate = pems.cert;
    writeFileSync(path.join(workdir, 'cert.pem'), pems.cert);
    writeFileSync(path.join(workdir, 'key.pem'), pems.private);
    args.push('--cert', path.join(workdir, 'cert.pem'), '--key', path.join(workdir, 'key.pem'), '--oauth', 'basic');
  }

  const child = spawn(process.execPath, args, { cwd: workdir, stdio: ['ignore', 'pipe', 'pipe'] });
  // Never outlive the test process, even when it ends without stop().
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  child.once('exit', () => process.off('exit', orphanGuard));
  const cleanup = () => rmSync(workdir, { recursive: true, force: true });
  let origin: string;
  try {
    origin = await listening(child);
  } catch (err) {
    await stop(child);
    cleanup();
    throw err;
  }
  const accountUrl = `${origin}/${AZURITE_ACCOUNT}`;
  return {
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${accountUrl};`,
    accountUrl,
    caCertificate,
    stop: async () => {
      await stop(child);
      cleanup();
    },
  };
}

function azuriteBlobBin(): string {
  const manifest = require.resolve('azurite/package.json');
  const bin = (JSON.parse(readFileSync(manifest, 'utf8')) as { bin: Record<string, string> }).bin['azurite-blob'];
  return path.resolve(path.dirname(manifest), bin);
}

/** Resolves with the origin Azurite prints once its socket listens ("... successfully listens on http://...:port"). */
function listening(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error('Azurite did not start listening in time')), START_TIMEOUT_MS);
    const fail = (err: Error) => {
      clearTimeout(timer);
      reject(new Error(`${err.message}\n${output.trim()}`));
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listens on (https?:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => fail(new Error(`Azurite exited (code ${code}) before listening`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * A bearer-token credential Azurite's `--oauth basic` accepts: an unsigned JWT for Storage's audience from an Entra
 * issuer (Azurite checks claims, not signatures). Records the scopes it was asked for.
 */
export function azuriteTokenCredential() {
  const scopes: string[] = [];
  return {
    scopes,
    async getToken(requested: string | string[]) {
      scopes.push(...[requested].flat());
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        aud: 'https://storage.azure.com',
        iss: 'https://sts.windows.net/11111111-1111-4111-8111-111111111111/',
        iat: now,
        nbf: now - 60,
        exp: now + 3600,
        oid: '44444444-4444-4444-8444-444444444401',
      };
      const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      return {
        token: `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`,
        expiresOnTimestamp: (now + 3600) * 1000,
      };
    },
  };
}
