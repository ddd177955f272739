import { fuzz, seedFrom, snapshot, startFuzzTarget, type FuzzTarget } from './harness';

// FUZZ_SEED / FUZZ_COUNT repeat or lengthen a run; `npm run fuzz` is the longer one.
const SEED = seedFrom(process.env.FUZZ_SEED);
const COUNT = Number(process.env.FUZZ_COUNT ?? 10_000);

describe('fuzzing /api/messages and /api/alerts over HTTP (real startBot, sandbox mode)', () => {
  let t: FuzzTarget;
  beforeAll(async () => {
    t = await startFuzzTarget();
  });
  afterAll(() => t?.close());

  it(`answers ${COUNT} hostile inputs without a 5xx, a crash, or a change to Azure or the restore records`, async () => {
    const before = await snapshot(t);
    const result = await fuzz(t, { seed: SEED, count: COUNT, concurrency: 12 });
    // The figures the issue asks to record: count, seed, duration, answers by status.
    process.stdout.write(`fuzz: seed=${result.seed} count=${result.count} durationMs=${result.durationMs} statuses=${JSON.stringify(result.statuses)}\n`);
    if (process.env.FUZZ_VERBOSE) process.stdout.write(`${JSON.stringify({ kinds: result.kinds, ms: result.ms })}\n`);
    expect(result.failures.slice(0, 5)).toEqual([]);
    expect(result.count).toBe(COUNT);
    expect(Object.values(result.statuses).reduce((a, b) => a + b, 0)).toBe(COUNT);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await snapshot(t)).toBe(before);
    // Still serving: health, and a plain `help` gets its card.
    expect((await fetch(`${t.bot.url}/healthz`)).status).toBe(200);
  }, 120_000);
});
