import { fuzz, seedFrom } from './harness';
import { startRemoteTarget, type RemoteTarget } from './remote';

// FUZZ_SEED / FUZZ_COUNT repeat or lengthen a run; `npm run fuzz` is the longer one. The bot runs in a child process
// (real startBot, sandbox mode, FAST timing), so generating and sending use the other core.
const SEED = seedFrom(process.env.FUZZ_SEED);
const COUNT = Number(process.env.FUZZ_COUNT ?? 10_000);
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY ?? 16);

describe('fuzzing /api/messages and /api/alerts over HTTP (real startBot, sandbox mode)', () => {
  let t: RemoteTarget;
  beforeAll(async () => {
    t = await startRemoteTarget();
  }, 60_000);
  afterAll(() => t?.close());

  it(`answers ${COUNT} hostile inputs without a 5xx, a crash, or a change to Azure or the restore records`, async () => {
    const before = await t.inspect();
    const result = await fuzz(t, { seed: SEED, count: COUNT, concurrency: CONCURRENCY });
    // The figures the issue asks to record: count, seed, duration, answers by status.
    process.stdout.write(
      `fuzz: seed=${result.seed} count=${result.count} durationMs=${result.durationMs} statuses=${JSON.stringify(result.statuses)}\n`,
    );
    if (process.env.FUZZ_VERBOSE) process.stdout.write(`${JSON.stringify({ kinds: result.kinds, ms: result.ms })}\n`);
    expect(result.failures.slice(0, 5)).toEqual([]);
    expect(t.exited()).toBeUndefined();
    expect(result.count).toBe(COUNT);
    expect(Object.values(result.statuses).reduce((a, b) => a + b, 0)).toBe(COUNT);
    const after = await t.inspect();
    expect(after.polluted).toBe(false);
    expect(after.snapshot).toBe(before.snapshot);
    // Still serving.
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  }, 180_000);
});
