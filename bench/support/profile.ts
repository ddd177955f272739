import { readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import v8 from 'node:v8';

/** Where a process's CPU went while the profiler ran, by who was on the stack. */
export interface CpuSplit {
  /** Milliseconds sampled with the local Azure (src/sandbox) on the stack: Azure's work, not the bot's. */
  sandboxMs: number;
  /** Everything else on a stack: the bot, its SDKs, botbuilder, Node's HTTP and TLS. */
  botMs: number;
  /** Garbage collection (either side's garbage). */
  gcMs: number;
  /** The bot-side source files with the most self time (ms), for finding where a turn goes. */
  topBotFiles: Record<string, number>;
  /** Self time by function (name, file:line), every module included (ms, the top 25): bench/profile.md. */
  topFrames?: Record<string, number>;
  /** Self time by package (`node_modules/<pkg>`, `src/<dir>`, `node:<internal>`), the top 15 (ms). */
  topPackages?: Record<string, number>;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber?: number };
  children?: number[];
}

/** A V8 sampling profiler on this process (1 ms samples): `start()`, then `stop()` for the split. */
export class CpuProfiler {
  private readonly session = new Session();

  /** `everySide`: top frames and packages count the local Azure's frames too (for the sandbox's own process). */
  constructor(private readonly everySide = false) {}

  async start(): Promise<void> {
    this.session.connect();
    await this.post('Profiler.enable');
    await this.post('Profiler.setSamplingInterval', { interval: 1000 });
    await this.post('Profiler.start');
  }

  async stop(): Promise<CpuSplit> {
    const { profile } = await this.post('Profiler.stop');
    this.session.disconnect();
    // BENCH_CPUPROFILE_DIR: the raw profile too (open it in Chrome DevTools, or bench/support/callers.ts).
    const dir = process.env.BENCH_CPUPROFILE_DIR;
    if (dir) writeFileSync(path.join(dir, `${process.pid}.cpuprofile`), JSON.stringify(profile));
    return split(profile, this.everySide);
  }

  private post(method: string, params?: object): Promise<any> {
    return new Promise((resolve, reject) =>
      this.session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))),
    );
  }
}

function split(
  profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] },
  everySide: boolean,
): CpuSplit {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const side = new Map<number, 'sandbox' | 'bot' | 'gc' | 'idle'>();
  const sideOf = (id: number): 'sandbox' | 'bot' | 'gc' | 'idle' => {
    const known = side.get(id);
    if (known) return known;
    const name = nodes.get(id)!.callFrame.functionName;
    let result: 'sandbox' | 'bot' | 'gc' | 'idle' =
      name === '(garbage collector)' ? 'gc' : name === '(idle)' ? 'idle' : 'bot';
    for (let x: number | undefined = id; x !== undefined && result === 'bot'; x = parent.get(x)) {
      if (fromCompiled(nodes.get(x)!.callFrame.url).includes('/src/sandbox/')) result = 'sandbox';
    }
    side.set(id, result);
    return result;
  };
  const ms = { sandbox: 0, bot: 0, gc: 0, idle: 0 };
  const files = new Map<string, number>();
  const frames = new Map<string, number>();
  const packages = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const s = sideOf(id);
    ms[s] += us / 1000;
    const frame = nodes.get(id)!.callFrame;
    const url = fromCompiled(frame.url);
    if (s === 'bot' || s === 'gc' || (everySide && s === 'sandbox')) {
      add(
        frames,
        `${frame.functionName || '(anonymous)'} ${shortUrl(url)}${url ? `:${(frame.lineNumber ?? 0) + 1}` : ''}`,
        us / 1000,
      );
      add(packages, packageOf(url, frame.functionName), us / 1000);
    }
    if (s === 'bot' && url.includes('/src/')) {
      const file = url.slice(url.indexOf('/src/') + 1);
      files.set(file, (files.get(file) ?? 0) + us / 1000);
    }
  });
  const topBotFiles = Object.fromEntries(
    [...files.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([f, v]) => [f, Math.round(v)]),
  );
  return {
    sandboxMs: ms.sandbox,
    botMs: ms.bot,
    gcMs: ms.gc,
    topBotFiles,
    topFrames: top(frames, 25),
    topPackages: top(packages, 15),
  };
}

const top = (m: Map<string, number>, n: number): Record<string, number> =>
  Object.fromEntries(
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => [k, Math.round(v)]),
  );

/** The compiled child's files (support/child.ts) as the sources they come from: `…/bench-dist/src/x.js` → `/src/x.js`. */
const fromCompiled = (url: string) => url.replace(/^.*\/node_modules\/\.cache\/bench-dist\//, '/');

/** A file path from the repo's root (or node_modules/…, node:…). */
function shortUrl(compiledUrl: string): string {
  const url = fromCompiled(compiledUrl);
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + 1);
  const src = url.indexOf('/src/');
  if (src >= 0) return url.slice(src + 1);
  return url.replace(/^file:\/\//, '');
}

/** Who a frame belongs to: an npm package, a folder of ours, a Node internal, or the VM itself. */
function packageOf(compiledUrl: string, fn: string): string {
  const url = fromCompiled(compiledUrl);
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return `node_modules/${rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  const src = url.indexOf('/src/');
  if (src >= 0)
    return url
      .slice(src + 1)
      .split('/')
      .slice(0, 2)
      .join('/');
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  return fn.startsWith('(') ? fn : '(native)';
}

/** What the process's memory held when its resident size was highest (MiB): `process.memoryUsage()` and V8's spaces. */
export interface MemoryPeak {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** V8 heap spaces at that moment: space name → [size, used] in MiB. */
  spaces: Record<string, [number, number]>;
  /** Size of everything resident outside V8's heap (RSS − heapTotal − external): code, native modules, malloc. */
  outsideHeap: number;
  /** V8 heap in use after a full collection at the end of the level (MiB; only with --expose-gc). */
  liveHeapAfterGc?: number;
  /** Event loop delay over the level (ms): how long ready work waited for the loop (sync work, GC, no CPU). */
  eventLoopDelayMs?: { p50: number; p99: number; max: number };
  /** The most active handles of each kind at once over the level (process.getActiveResourcesInfo()). */
  mostHandles?: Record<string, number>;
  /** Open sockets of the process at the end of the level (Linux). */
  sockets?: number;
}

/** Samples `process.memoryUsage()` every 200 ms and keeps the sample with the highest RSS. */
export class MemorySampler {
  private peak?: MemoryPeak;
  private readonly timer = setInterval(() => this.sample(), 200);
  private readonly delay = monitorEventLoopDelay({ resolution: 10 });

  private session?: Session;

  constructor() {
    this.timer.unref();
    this.delay.enable();
    this.sample();
    // BENCH_HEAPPROFILE_DIR: V8's sampling heap profiler over the level, collected objects included (what allocates).
    if (process.env.BENCH_HEAPPROFILE_DIR) {
      this.session = new Session();
      this.session.connect();
      this.session.post('HeapProfiler.startSampling', {
        samplingInterval: 64 * 1024,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
    }
  }

  /** Writes the heap profile (BENCH_HEAPPROFILE_DIR), if one was taken. */
  async writeHeapProfile(): Promise<void> {
    const session = this.session;
    const dir = process.env.BENCH_HEAPPROFILE_DIR;
    if (!session || !dir) return;
    const profile = await new Promise<unknown>((resolve, reject) =>
      session.post('HeapProfiler.stopSampling', (err, res) => (err ? reject(err) : resolve(res.profile))),
    );
    session.disconnect();
    writeFileSync(path.join(dir, `${process.pid}.heapprofile`), JSON.stringify(profile));
  }

  stop(): MemoryPeak | undefined {
    clearInterval(this.timer);
    this.delay.disable();
    this.sample();
    const ms = (ns: number) => Math.round(ns / 1e5) / 10;
    const loop = { p50: ms(this.delay.percentile(50)), p99: ms(this.delay.percentile(99)), max: ms(this.delay.max) };
    // With --expose-gc (BENCH_BOT_NODE_FLAGS), the heap still in use after a full collection: the live data.
    const gc = (globalThis as { gc?: () => void }).gc;
    let liveHeap: number | undefined;
    if (gc) {
      gc();
      liveHeap = Math.round((process.memoryUsage().heapUsed / MIB) * 10) / 10;
    }
    return (
      this.peak && {
        ...this.peak,
        sockets: openSockets(),
        liveHeapAfterGc: liveHeap,
        eventLoopDelayMs: loop,
        mostHandles: this.handles,
      }
    );
  }

  /** The most of each kind of active handle seen at once (TLSWrap: TLS connections; TCPSocketWrap: TCP ones). */
  private readonly handles: Record<string, number> = {};

  private sample(): void {
    const counts: Record<string, number> = {};
    for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
    for (const [kind, n] of Object.entries(counts)) this.handles[kind] = Math.max(this.handles[kind] ?? 0, n);
    const m = process.memoryUsage();
    if (this.peak && m.rss <= this.peak.rss * MIB) return;
    const mb = (v: number) => Math.round((v / MIB) * 10) / 10;
    this.peak = {
      rss: mb(m.rss),
      heapTotal: mb(m.heapTotal),
      heapUsed: mb(m.heapUsed),
      external: mb(m.external),
      arrayBuffers: mb(m.arrayBuffers),
      spaces: Object.fromEntries(
        v8.getHeapSpaceStatistics().map((s) => [s.space_name, [mb(s.space_size), mb(s.space_used_size)]]),
      ),
      outsideHeap: mb(m.rss - m.heapTotal - m.external),
    };
  }
}

const MIB = 1024 * 1024;

function openSockets(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:');
      } catch {
        return false;
      }
    }).length;
  } catch {
    return undefined;
  }
}
