/**
 * `npm run fuzz [count] [seed] [concurrency]` (or FUZZ_COUNT / FUZZ_SEED / FUZZ_CONCURRENCY): the long fuzz run of
 * /api/messages and /api/alerts against the real bot in sandbox mode (test/fuzz). Prints the seed, count, duration
 * and answers by status; exits 1 on any 5xx, unanswered request, prototype pollution or state change.
 */
import { fuzz, seedFrom } from '../test/fuzz/harness';
import { startRemoteTarget } from '../test/fuzz/remote';

async function main(): Promise<number> {
  const [countArg, seedArg, concurrencyArg] = process.argv.slice(2);
  const count = Number(countArg ?? process.env.FUZZ_COUNT ?? 30_000);
  const seed = seedFrom(seedArg ?? process.env.FUZZ_SEED);
  const concurrency = Number(concurrencyArg ?? process.env.FUZZ_CONCURRENCY ?? 12);
  const target = await startRemoteTarget();
  try {
    const before = await target.inspect();
    process.stdout.write(`fuzz: seed=${seed} count=${count} concurrency=${concurrency} against ${target.url}\n`);
    const result = await fuzz(target, { seed, count, concurrency });
    const after = await target.inspect();
    const changed = after.snapshot !== before.snapshot;
    const polluted = after.polluted;
    const healthy = (await fetch(`${target.url}/healthz`)).status === 200;
    process.stdout.write(
      `${JSON.stringify({ seed, count: result.count, durationMs: result.durationMs, statuses: result.statuses, kinds: result.kinds, changed, polluted, healthy }, null, 2)}\n`,
    );
    for (const f of result.failures.slice(0, 20))
      process.stdout.write(`FAIL #${f.n} ${f.kind} ${f.status ?? f.error}: ${f.sample.slice(0, 500)}\n`);
    return result.failures.length === 0 && !changed && !polluted && healthy ? 0 : 1;
  } finally {
    await target.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`fuzz failed: ${(err as Error).stack ?? err}\n`);
    process.exit(2);
  },
);
