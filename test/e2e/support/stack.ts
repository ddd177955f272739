import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './paths';

/** What `npm start` printed: where each part of the running stack listens. */
export interface Stack {
  botUrl: string;
  /** The sandbox's ARM origin (also serves the /_sandbox admin routes). */
  armUrl: string;
  operatorUrl: string;
  approverUrl: string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 8_000;

/**
 * Runs the real `npm start` (sandbox + bot + two Agents Playgrounds) with its own free ports and its own SQLite file,
 * in its own process group so that stopping it ends every process it started, the Playgrounds included.
 */
export async function startStack(logFile: string): Promise<Stack> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ade-e2e-'));
  const log = createWriteStream(logFile);
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(await freePort()),
      SQLITE_PATH: path.join(dataDir, 'bot.sqlite'),
      PLAYGROUND_OPERATOR_PORT: '0',
      PLAYGROUND_APPROVER_PORT: '0',
      // The failed-backup watcher's shortest interval (default 5 min), so a failure is posted within seconds.
      WATCH_INTERVAL_SECONDS: '10',
    },
  });
  const killGroup = () => signalGroup(child, 'SIGKILL');
  // Should jest itself go down before afterAll, the stack goes with it.
  process.once('exit', killGroup);
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });

  const stop = async () => {
    process.removeListener('exit', killGroup);
    signalGroup(child, 'SIGTERM');
    if (!(await groupGone(child, STOP_GRACE_MS))) {
      signalGroup(child, 'SIGKILL');
      await groupGone(child, STOP_GRACE_MS);
    }
    log.end();
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const banner = await readBanner(child, logFile);
    return { ...banner, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Waits for the start-up banner and reads the URLs off it. */
function readBanner(child: ChildProcess, logFile: string): Promise<Omit<Stack, 'stop'>> {
  return new Promise((resolve, reject) => {
    let out = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`npm start ${why}; its output is in ${logFile}:\n${out.slice(-2000)}`));
    };
    const timer = setTimeout(
      () => fail(`printed no Playground URLs within ${START_TIMEOUT_MS / 1000} s`),
      START_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (!/Press Ctrl-C to stop everything/.test(out)) return;
      const url = (label: RegExp) => label.exec(out)?.[1];
      const botEndpoint = url(/Bot endpoint\s+(\S+)/);
      const armUrl = url(/Sandbox Azure\s+(\S+)/);
      const operatorUrl = url(/Operator \([^)]*\)\s+(http\S+)/);
      const approverUrl = url(/Approver \([^)]*\)\s+(http\S+)/);
      if (!botEndpoint || !armUrl || !operatorUrl || !approverUrl) return fail('printed a banner without every URL');
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve({ botUrl: botEndpoint.replace(/\/api\/messages$/, ''), armUrl, operatorUrl, approverUrl });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.once('exit', (code, signal) => fail(`exited (${signal ?? `code ${code}`}) before it was ready`));
  });
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group has no process left.
  }
}

/** True once no process of the child's group is left (checked with signal 0), false at the deadline. */
async function groupGone(child: ChildProcess, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    try {
      process.kill(-child.pid!, 0);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** A port free right now, for the bot (its PORT setting has no "any port" value). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
