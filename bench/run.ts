/**
 * `npm run bench`: every scenario of issue 9 in one run on this machine, the bot over HTTP (sandbox for Azure, a
 * Bot Connector stand-in for replies), then the table printed and written to bench/results/ (latest.json,
 * latest.md, latency.svg). `--quick` runs small sizes, for trying the bench itself.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { latencyPlot } from './plot';
import { markdown, type LevelSummary, type Results } from './report';
import { callEconomy } from './scenarios/callEconomy';
import { runSweep } from './scenarios/runSweep';
import { estateCalls } from './scenarios/estate';
import { slowAzure } from './scenarios/slowAzure';
import { storm, type StormResult } from './scenarios/storm';
import { LEVEL_WINDOW_MS, runLevel, TURN_TIMEOUT_MS, type LevelRun } from './scenarios/turnCost';
import { Connector } from './support/connector';
import { medianOf, ratio } from './support/stats';

const QUICK = process.argv.includes('--quick');
const BUDGET_MS = 14 * 60_000;
const SETTINGS = QUICK
  ? {
      levels: [1, 5],
      growth: 10,
      estate: [100, 1000],
      repeats: 1,
      storm: { jobs: 200, vaults: 10, conversations: 2 },
      throttleShare: 0.2,
    }
  : {
      levels: [1, 10, 50, 200],
      growth: 400,
      estate: [100, 1000, 10000],
      repeats: 3,
      storm: { jobs: 5000, vaults: 200, conversations: 20 },
      throttleShare: 0.2,
    };
const RESULTS = path.join(__dirname, 'results');

async function main(): Promise<void> {
  const started = Date.now();
  const deadline = started + BUDGET_MS;
  const loadStart = os.loadavg();
  const notes: string[] = [];
  const log = (s: string) => process.stderr.write(`[bench ${Math.round((Date.now() - started) / 1000)}s] ${s}\n`);
  const connector = await new Connector().start();
  const levels = [...SETTINGS.levels, SETTINGS.growth];
  const runs: { bot: LevelRun[][]; echo: LevelRun[][] } = { bot: [], echo: [] };
  const levelMs = new Map<number, number>();
  let invokes: number | undefined;

  /** One repeat of the given levels, bot and echo each in a fresh process per level. */
  const turnCostRepeat = async (rep: number, which: number[]) => {
    const repeat: { bot: LevelRun[]; echo: LevelRun[] } = { bot: [], echo: [] };
    for (const n of which) {
      const t0 = Date.now();
      // The bot goes first while the floor still needs its number of turns; then the order alternates (drift).
      const order: ('bot' | 'echo')[] = invokes === undefined || rep % 2 === 0 ? ['bot', 'echo'] : ['echo', 'bot'];
      for (const target of order) {
        log(`turn cost, repeat ${rep + 1}: ${target}, ${n} conversations`);
        const result = await runLevel(target, n, connector, { invokes, tag: `r${rep}` });
        if (target === 'bot') invokes ??= result.invokesPerFlow;
        repeat[target].push(result);
      }
      levelMs.set(n, Math.max(levelMs.get(n) ?? 0, Date.now() - t0));
    }
    runs.bot.push(repeat.bot);
    runs.echo.push(repeat.echo);
  };

  try {
    await turnCostRepeat(0, levels);

    log('call economy');
    const calls = await callEconomy(connector).catch((err: Error) => ({ notAvailable: err.message }));
    log(`estate: the flows at ${SETTINGS.estate.join(', ')} VMs`);
    const estate = await estateCalls(connector, SETTINGS.estate).catch((err: Error) => ({ notAvailable: err.message }));
    log('slow Azure');
    const slow = await slowAzure(connector)
      .then((flows) => ({ latencyMs: 2000, flows }))
      .catch((err: Error) => ({ notAvailable: err.message }));

    const storms: StormResult[] = [];
    const sizes = [SETTINGS.storm, scale(SETTINGS.storm, 2)];
    for (const [k, size] of sizes.entries()) {
      log(`storm: ${size.jobs} failed jobs, ${size.vaults} vaults, ${size.conversations} conversations`);
      storms.push(await storm(connector, size, SETTINGS.throttleShare, `s${k}`));
    }

    log('run-engine sweep: 10,000 finished runs in the store');
    const sweep = await runSweep(QUICK ? 1000 : 10_000);

    // More repeats while they fit: each level whose last run fits in the time left, cheapest first.
    for (let rep = 1; rep < SETTINGS.repeats; rep++) {
      const fit: number[] = [];
      let left = deadline - Date.now();
      for (const n of [...levels].sort((p, q) => (levelMs.get(p) ?? 0) - (levelMs.get(q) ?? 0))) {
        const cost = (levelMs.get(n) ?? 0) * 1.2;
        if (cost < left) {
          fit.push(n);
          left -= cost;
        }
      }
      if (fit.length < levels.length) {
        const skipped = levels.filter((n) => !fit.includes(n));
        notes.push(
          `Turn cost, repeat ${rep + 1}: ${skipped.join(', ')} conversations left out, to stay within ${BUDGET_MS / 60000} minutes.`,
        );
      }
      if (fit.length === 0) break;
      await turnCostRepeat(
        rep,
        levels.filter((n) => fit.includes(n)),
      );
    }

    const results: Results = {
      generatedAt: new Date().toISOString(),
      durationSeconds: (Date.now() - started) / 1000,
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        node: process.version,
        loadAverageStart: loadStart,
        loadAverageEnd: os.loadavg(),
        commit: gitCommit(),
      },
      settings: {
        ...SETTINGS,
        quick: QUICK,
        invokesPerFlow: invokes,
        turnTimeoutMs: TURN_TIMEOUT_MS,
        levelWindowMs: LEVEL_WINDOW_MS,
      },
      turnCost: summarizeLevels(levels, SETTINGS.growth, runs),
      slowAzure: slow,
      callEconomy: calls,
      storm: storms,
      runSweep: sweep,
      estate,
      notes: [...notes, ...standingNotes()],
    };
    const md = markdown(results);
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(path.join(RESULTS, QUICK ? 'quick.json' : 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(path.join(RESULTS, QUICK ? 'quick.md' : 'latest.md'), md);
    writeFileSync(
      path.join(RESULTS, QUICK ? 'quick.svg' : 'latency.svg'),
      latencyPlot(
        [
          {
            label: 'bot',
            color: '#c0392b',
            points: results.turnCost.filter((l) => l.bot?.turns).map((l) => ({ concurrency: l.concurrency, ...l.bot })),
          },
          {
            label: 'echo floor',
            color: '#2471a3',
            points: results.turnCost
              .filter((l) => l.echo?.turns)
              .map((l) => ({ concurrency: l.concurrency, ...l.echo })),
          },
        ],
        'Turn latency vs concurrent conversations (enable backup)',
      ),
    );
    process.stdout.write(`${md}\n`);
  } finally {
    await connector.close();
  }
}

/** Medians over the repeats, per level and target; the ratios of those medians. */
function summarizeLevels(
  levels: number[],
  growth: number,
  runs: { bot: LevelRun[][]; echo: LevelRun[][] },
): LevelSummary[] {
  return levels.map((n) => {
    const all = (target: 'bot' | 'echo') =>
      runs[target].map((rep) => rep.find((l) => l.concurrency === n)).filter((l): l is LevelRun => !!l);
    const median = (target: 'bot' | 'echo'): LevelRun | undefined => {
      const reps = all(target).filter((l) => l.available);
      if (reps.length === 0) return all(target)[0];
      const numeric = medianOf(
        reps.map(
          ({ target: _t, problems: _p, available: _a, ...rest }) =>
            rest as unknown as Record<string, number | undefined>,
        ),
      );
      return {
        ...(numeric as unknown as LevelRun),
        target,
        concurrency: n,
        available: true,
        problems: [...new Set(reps.flatMap((r) => r.problems))],
        topBotFiles: reps[0].topBotFiles,
        // Not a median: the memory of the repeat whose RSS peaked highest.
        memory: reps
          .map((r) => r.memory)
          .filter((m) => m !== undefined)
          .sort((a, b) => b.rss - a.rss)[0],
      };
    };
    const bot = median('bot');
    const echo = median('echo');
    return {
      concurrency: n,
      growth: n === growth,
      bot,
      echo,
      repeats: {
        bot: all('bot').filter((l) => l.available).length,
        echo: all('echo').filter((l) => l.available).length,
      },
      ratio: {
        p50: ratio(bot?.p50, echo?.p50),
        p95: ratio(bot?.p95, echo?.p95),
        p99: ratio(bot?.p99, echo?.p99),
        turnsPerSec: ratio(bot?.turnsPerSec, echo?.turnsPerSec),
        cpuMsPerTurn: ratio(bot?.cpuMsPerTurn, echo?.cpuMsPerTurn),
        botCpuMsPerTurn: ratio(bot?.botCpuMsPerTurn, echo?.cpuMsPerTurn),
      },
    };
  });
}

const scale = (s: { jobs: number; vaults: number; conversations: number }, k: number) => ({
  jobs: s.jobs * k,
  vaults: s.vaults * k,
  conversations: s.conversations * k,
});

/** What every reader of the tables should know. */
function standingNotes(): string[] {
  return [
    "Turn cost: the bot runs in its own process in live mode, reaching the local Azure in another process through its endpoints, CA and managed identity, as it reaches Azure; the bot's CPU and memory are its own, the sandbox process's CPU is shown beside them. Slow Azure, call economy and storms: the bot runs with the sandbox inside its process, as `npm start` runs it (a restore in live mode needs key vaults under vault.azure.net). The load generator and the connector stand-in run in the bench process. The echo floor runs in its own process on the same adapter and HTTP stack.",
    "Turn latency is one HTTP request to /api/messages, from sending it to having read the answer (a message turn includes the bot posting its reply card to the connector; a card action returns its card in the invoke response). Peak RSS is the kernel's high-water mark of the bot process during that level (reset before it).",
    'Azure timing in the sandbox: operations 1.5 s, jobs 4 s, Retry-After 1 s (real Azure Backup asks for 60 s), so poll counts are what these durations give; the fixed calls do not depend on them.',
  ];
}

function gitCommit(): string | undefined {
  try {
    return execSync('git rev-parse HEAD', { cwd: path.join(__dirname, '..'), stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return undefined;
  }
}

main().catch((err: Error) => {
  process.stderr.write(`bench failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
