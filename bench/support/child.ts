import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import type { SandboxInfo } from '../../test/support/processes';
import type { ChildOptions, Ready } from './botProcess';
import type { SandboxChildOptions } from './sandboxProcess';

/** Linux's USER_HZ: /proc reports CPU time in these ticks (100 on every mainstream architecture). */
const CLOCK_TICKS = 100;

type Reply = { id?: number; ok: boolean; value?: unknown; error?: string };

/**
 * The parent's handle on a bench child process (a bot, the echo floor, the local Azure): its readiness report, its
 * CPU time and memory from `/proc`, commands over IPC.
 */
export class ProcessChild<R> {
  private nextId = 1;
  private readonly pending = new Map<number, (m: Reply) => void>();

  protected constructor(
    protected readonly proc: ChildProcess,
    readonly ready: R,
  ) {
    proc.on('message', (m: Reply) => {
      if (m.id === undefined) return;
      this.pending.get(m.id)?.(m);
      this.pending.delete(m.id);
    });
  }

  /** Forks `script` (in this folder) with its options and waits for its `{type: 'ready'}` message. */
  protected static async fork<R>(
    script: string,
    options: unknown,
    what: string,
    run: { file?: string; execArgv?: string[] } = {},
  ): Promise<[ChildProcess, R]> {
    const proc = fork(run.file ?? path.join(__dirname, script), [JSON.stringify(options)], {
      execArgv: [...(run.file ? [] : ['--import', 'tsx']), ...(run.execArgv ?? [])],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = await new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what} did not start within 60 s`)), 60_000);
      proc.once('exit', (code) => reject(new Error(`${what} exited (${code}) before it was ready`)));
      proc.on('message', ({ type, ...m }: { type?: string }) => {
        if (type !== 'ready') return;
        clearTimeout(timer);
        resolve(m as R);
      });
    });
    return [proc, ready];
  }

  /** Peak resident set size of the process since start or the last `resetPeak()`, in MiB (VmHWM). */
  peakRssMb(): number | undefined {
    return this.status('VmHWM');
  }

  /** Resident set size now, in MiB (VmRSS). */
  rssMb(): number | undefined {
    return this.status('VmRSS');
  }

  /** CPU time the process has used so far (user + system), in ms. */
  cpuMs(): number | undefined {
    try {
      const stat = readFileSync(`/proc/${this.proc.pid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th, in ticks.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
    } catch {
      return undefined;
    }
  }

  /** Starts a new peak-RSS window (Linux: writing 5 to clear_refs resets VmHWM to the current RSS). */
  resetPeak(): void {
    try {
      writeFileSync(`/proc/${this.proc.pid}/clear_refs`, '5');
    } catch {
      // Not Linux, or not allowed: the peak then counts from the process start.
    }
  }

  private status(field: 'VmHWM' | 'VmRSS'): number | undefined {
    try {
      const status = readFileSync(`/proc/${this.proc.pid}/status`, 'utf8');
      const kb = Number(new RegExp(`${field}:\\s+(\\d+)\\s+kB`).exec(status)?.[1]);
      return Number.isFinite(kb) ? kb / 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  call<T = unknown>(cmd: string): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (m) => (m.ok ? resolve(m.value as T) : reject(new Error(m.error))));
      this.proc.send({ id, cmd });
    });
  }

  async stop(): Promise<void> {
    // Gone already (exited, or killed by a signal: then exitCode stays null): 'exit' will not fire again.
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    await Promise.race([this.call('stop').catch(() => undefined), new Promise((r) => setTimeout(r, 10_000))]);
    if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
    await exited;
  }
}

/** A bot process (or the echo floor): its URL and, when the local Azure runs inside it, the sandbox's admin routes. */
export class BotChild extends ProcessChild<Ready> {
  private agent?: https.Agent;

  private constructor(proc: ChildProcess, ready: Ready) {
    super(proc, ready);
    if (ready.ca) this.agent = new https.Agent({ ca: ready.ca, keepAlive: true });
  }

  /** `compiled`: run the compiled child (see botRun); by default only when BENCH_COMPILED=1. */
  static async start(options: ChildOptions, compiled = process.env.BENCH_COMPILED === '1'): Promise<BotChild> {
    const [proc, ready] = await ProcessChild.fork<Ready>('botProcess.ts', options, 'the bot process', botRun(compiled));
    return new BotChild(proc, ready);
  }

  get url(): string {
    return this.ready.url;
  }

  /** A request to the sandbox's admin routes ({arm}/_sandbox/...): no token, loopback, the sandbox's CA. */
  admin<T = any>(method: string, route: string, body?: unknown): Promise<T> {
    const arm = this.ready.arm;
    if (!arm) return Promise.reject(new Error('this process has no sandbox'));
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = https.request(
        `${arm}${route}`,
        { method, agent: this.agent, headers: payload ? { 'content-type': 'application/json' } : {} },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if ((res.statusCode ?? 500) >= 300) reject(new Error(`${method} ${route}: ${res.statusCode} ${text}`));
            else resolve((text ? JSON.parse(text) : undefined) as T);
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  override call<T = unknown>(
    cmd: 'notifyCards' | 'profileStart' | 'profileStop' | 'memoryStart' | 'memoryStop' | 'stop',
  ): Promise<T> {
    return super.call<T>(cmd);
  }

  override async stop(): Promise<void> {
    this.agent?.destroy();
    await super.stop();
  }
}

/** The local Azure in its own process (support/sandboxProcess.ts): what a live-mode bot needs to reach it. */
export class SandboxChild extends ProcessChild<SandboxInfo> {
  static async start(options: SandboxChildOptions): Promise<SandboxChild> {
    const execArgv = (process.env.BENCH_SANDBOX_NODE_FLAGS ?? '').split(' ').filter(Boolean);
    const [proc, ready] = await ProcessChild.fork<SandboxInfo>('sandboxProcess.ts', options, 'the sandbox process', {
      execArgv,
    });
    return new SandboxChild(proc, ready);
  }
}

/**
 * How the bot and echo processes are run: from TypeScript through tsx (as `npm start` runs), or `compiled`: from
 * JavaScript compiled into node_modules/.cache/bench-dist/ by bench/buildChild.sh (built once per bench run), as the
 * container image and App Service run `node dist/index.js`. tsx's loader thread, transpile cache and source maps then stay out of the
 * measured process (about 100 MiB of RSS, on the bot and the echo floor alike). BENCH_BOT_NODE_FLAGS adds V8/Node
 * flags to both (e.g. `--max-semi-space-size=16`); BENCH_SANDBOX_NODE_FLAGS, to the local Azure's process.
 */
function botRun(compiled: boolean): { file?: string; execArgv?: string[] } {
  const execArgv = (process.env.BENCH_BOT_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  return { file: compiled ? compiledChild() : undefined, execArgv };
}

let built = false;

/** The compiled child's entry point, built on first use (BENCH_SKIP_BUILD=1: use what was built). */
function compiledChild(): string {
  if (!built && process.env.BENCH_SKIP_BUILD !== '1') {
    execFileSync(path.resolve(__dirname, '../buildChild.sh'), { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  built = true;
  return path.resolve(__dirname, '../../node_modules/.cache/bench-dist/bench/support/botProcess.js');
}
