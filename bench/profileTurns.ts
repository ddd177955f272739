/**
 * Where a turn's CPU goes (issue 17): one turn-cost level (default 50 people, each `enable backup <their VM>`)
 * against the bot and the echo floor, each in fresh processes, with the V8 sampling profiler on (1 ms), and the top
 * frames and packages by self time written to bench/profile/<label>.json. `npx tsx bench/profileTurns.ts before 50`;
 * a third argument `bot` or `echo` runs one side only. BENCH_COMPILED=0 (through tsx), BENCH_BOT_NODE_FLAGS,
 * BENCH_SANDBOX_NODE_FLAGS (support/child.ts), BENCH_PROFILE=0 (no sampling profiler: CPU as the bench measures it),
 * BENCH_PROFILE_AZURE=1, BENCH_CPUPROFILE_DIR and BENCH_HEAPPROFILE_DIR (support/profile.ts) apply.
 * bench/profile.md sets the summaries side by side. Not part of `npm run bench` (the bench reports the same CPU).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runLevel } from './scenarios/turnCost';
import { Connector } from './support/connector';

async function main(): Promise<void> {
  const label = process.argv[2] ?? 'latest';
  // Profiled unless BENCH_PROFILE=0 (then CPU per turn as the bench measures it).
  process.env.BENCH_PROFILE ??= '1';
  const n = Number(process.argv[3] ?? 50);
  const which = process.argv[4] ?? 'both';
  const connector = await new Connector().start();
  try {
    const bot = which === 'echo' ? undefined : await runLevel('bot', n, connector, { tag: `p-${label}` });
    const echo =
      which === 'bot'
        ? undefined
        : await runLevel('echo', n, connector, { tag: `p-${label}`, invokes: bot?.invokesPerFlow ?? 4 });
    const out = {
      label,
      at: new Date().toISOString(),
      loadAverage: os.loadavg(),
      concurrency: n,
      loadAverageEnd: os.loadavg(),
      compiled: process.env.BENCH_COMPILED !== '0',
      profiled: process.env.BENCH_PROFILE === '1',
      nodeFlags: process.env.BENCH_BOT_NODE_FLAGS ?? '',
      bot: bot && pick(bot),
      echo: echo && pick(echo),
    };
    const dir = path.join(__dirname, 'profile');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${label}.json`), `${JSON.stringify(out, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } finally {
    await connector.close();
  }
}

const pick = (r: Awaited<ReturnType<typeof runLevel>>) => ({
  turns: r.turns,
  succeeded: r.succeeded,
  p50: r.p50,
  p95: r.p95,
  cpuMsPerTurn: r.cpuMsPerTurn,
  azureCpuMsPerTurn: r.azureCpuMsPerTurn,
  peakRssMb: r.peakRssMb,
  rssGrowthMb: r.rssGrowthMb,
  completed: r.completed,
  unanswered: r.unanswered,
  memory: r.memory,
  azureTopFrames: r.azureTopFrames,
  driverCpuShare: r.driverCpuShare,
  botCpuShare: r.cpuMsPerTurn !== undefined && r.turnsPerSec ? (r.cpuMsPerTurn * r.turnsPerSec) / 1000 : undefined,
  azureCpuShare:
    r.azureCpuMsPerTurn !== undefined && r.turnsPerSec ? (r.azureCpuMsPerTurn * r.turnsPerSec) / 1000 : undefined,
  problems: r.problems,
  topPackages: r.topPackages,
  topFrames: r.topFrames,
});

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
