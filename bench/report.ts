import type { RunSweepResult } from './scenarios/runSweep';
import type { FlowCalls } from './scenarios/callEconomy';
import type { EstateRun } from './scenarios/estate';
import type { SlowFlow } from './scenarios/slowAzure';
import type { StormResult } from './scenarios/storm';
import type { LevelRun } from './scenarios/turnCost';
import { cell, ratio } from './support/stats';

/** One concurrency level: the medians over repeats, per target, and the bot-to-floor ratios. */
export interface LevelSummary {
  concurrency: number;
  growth: boolean;
  bot?: LevelRun;
  echo?: LevelRun;
  repeats: { bot: number; echo: number };
  ratio: {
    p50?: number;
    p95?: number;
    p99?: number;
    turnsPerSec?: number;
    cpuMsPerTurn?: number;
    botCpuMsPerTurn?: number;
  };
}

export interface Results {
  generatedAt: string;
  durationSeconds: number;
  machine: {
    cpus: number;
    cpuModel: string;
    node: string;
    loadAverageStart: number[];
    loadAverageEnd: number[];
    commit?: string;
  };
  settings: Record<string, unknown>;
  turnCost: LevelSummary[];
  slowAzure: { latencyMs: number; flows: SlowFlow[] } | { notAvailable: string };
  callEconomy: FlowCalls[] | { notAvailable: string };
  storm: StormResult[];
  /** The run engine's sweep with many finished runs stored (bench/scenarios/runSweep.ts). */
  runSweep?: RunSweepResult;
  /** Issue 17: the call-economy flows at estates of 100, 1,000 and 10,000 VMs (absent in older results). */
  estate?: EstateRun[] | { notAvailable: string };
  notes: string[];
}

const ms = (v?: number) => cell(v, v !== undefined && v < 10 ? 1 : 0);
const x = (v?: number) => cell(v, 1, '×');
const pct = (v?: number) => cell(v === undefined ? undefined : v * 100, 0, '%');
const secs = (v?: number) => cell(v === undefined ? undefined : v / 1000, 1, ' s');

/** The Markdown the README quotes: one table per scenario, growth last. */
export function markdown(r: Results): string {
  const out: string[] = [];
  out.push(`# Benchmark results`);
  out.push('');
  out.push(
    `${r.generatedAt}, ${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}` +
      `${r.machine.commit ? `, commit ${r.machine.commit.slice(0, 10)}` : ''}; load average ${r.machine.loadAverageStart.map((l) => l.toFixed(1)).join('/')} at the start, ` +
      `${r.machine.loadAverageEnd.map((l) => l.toFixed(1)).join('/')} at the end; the run took ${Math.round(r.durationSeconds)} s. ` +
      'All figures from this one run, on this machine; times are medians over the repeats shown.',
  );
  out.push('');

  const timeout = Number(r.settings.turnTimeoutMs ?? 0);
  const lat = (v?: number) => (v !== undefined && timeout && v >= timeout ? `≥${timeout}` : ms(v));
  const trio = (l?: LevelRun) => (l?.available ? `${lat(l.p50)} / ${lat(l.p95)} / ${lat(l.p99)}` : 'not available');
  out.push('## 1. Turn cost: enable backup over HTTP, bot vs the echo floor');
  out.push('');
  out.push(
    '| conversations | bot p50 / p95 / p99 ms | echo p50 / p95 / p99 ms | ratio p50 / p95 | turns/s bot / echo | CPU ms per turn: bot process / echo | Azure (sandbox process) CPU ms per turn | bot turns over 5 s / not answered in ' +
      `${timeout / 1000} s | flow to final card p50 | peak RSS bot / echo MiB | flows ok | repeats |`,
  );
  out.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const l of r.turnCost) {
    const b = l.bot;
    const e = l.echo;
    out.push(
      `| ${l.concurrency}${l.growth ? ' (2×)' : ''} | ${trio(b)} | ${trio(e)} | ${x(l.ratio.p50)} / ${x(l.ratio.p95)} | ` +
        `${cell(b?.turnsPerSec)} / ${cell(e?.turnsPerSec)} | ${cell(b?.cpuMsPerTurn, 1)} / ${cell(e?.cpuMsPerTurn, 1)} | ${cell(b?.azureCpuMsPerTurn, 1)} | ` +
        `${b?.available ? `${cell(b.overInvokeLimit)} / ${cell(b.unanswered)}` : '-'} | ${secs(b?.flowP50Ms)} | ` +
        `${cell(b?.peakRssMb)} / ${cell(e?.peakRssMb)} | ${b?.available ? `${cell(b.succeeded)}/${b.concurrency}` : '-'} | ${l.repeats.bot} / ${l.repeats.echo} |`,
    );
  }
  out.push('');
  out.push(
    'The bot runs in live mode against the local Azure in its own process (endpoints, CA, managed identity, as it ' +
      "reaches Azure): the bot process's CPU is the bot's own (with its Azure SDK clients, botbuilder, HTTP and TLS), " +
      "and the sandbox process's CPU is Azure's work, shown beside it. The bot's CPU per turn against the floor:",
  );
  out.push('');
  for (const l of r.turnCost) {
    const b = l.bot;
    if (!b?.available || b.cpuMsPerTurn === undefined) continue;
    const files = Object.entries(b.topBotFiles ?? {})
      .slice(0, 4)
      .map(([f, v]) => `${f} ${v} ms`)
      .join(', ');
    // Live mode never loads src/sandbox into the bot process; a share here would mean Azure's work is counted again.
    const share = b.sandboxShare ? `, ${pct(b.sandboxShare)} of it with src/sandbox on the stack` : '';
    out.push(
      `- ${l.concurrency} conversation(s): ${cell(b.cpuMsPerTurn, 1)} ms (${x(l.ratio.cpuMsPerTurn)} the echo floor's ${cell(l.echo?.cpuMsPerTurn, 1)} ms${share}); ` +
        `the sandbox process ${cell(b.azureCpuMsPerTurn, 1)} ms${files ? `; most self time in ${files}` : ''}.`,
    );
  }
  out.push('', 'What the bot process held at its RSS peak (the highest repeat), from `process.memoryUsage()`:', '');
  for (const l of r.turnCost) {
    const m = l.bot?.memory;
    if (!m) continue;
    const space = (name: string) => cell(m.spaces[name]?.[0]);
    out.push(
      `- ${l.concurrency} conversation(s): RSS ${cell(m.rss)} MiB = V8 heap ${cell(m.heapTotal)} (young generation ` +
        `${space('new_space')}, old ${space('old_space')}, large objects ${space('large_object_space')}; ` +
        `${cell(m.heapUsed)} in use) + external ${cell(m.external)} + outside the heap ${cell(m.outsideHeap)}; ` +
        `event loop delay p99 ${cell(m.eventLoopDelayMs?.p99)} ms.`,
    );
  }
  const problems = [...new Set(r.turnCost.flatMap((l) => l.bot?.problems ?? []))];
  if (problems.length) out.push('', ...problems.map((p) => `- bot: ${p}`));
  out.push('');

  out.push('## 2. Slow Azure: 2 s on every ARM request, one flow at a time');
  out.push('');
  if ('notAvailable' in r.slowAzure) out.push(`Not available: ${r.slowAzure.notAvailable}`);
  else {
    out.push(
      '| flow | turns | slowest message | slowest card action | turns over 5 s | card updates | flow to final card | result |',
    );
    out.push('|---|---:|---:|---:|---:|---:|---:|---|');
    for (const f of r.slowAzure.flows) {
      out.push(
        `| ${f.flow} | ${f.turns} | ${ms(f.maxMessageMs)} | ${ms(f.maxInvokeMs)} | ${f.overLimit} | ${f.updates} | ${secs(f.flowMs)} | ${resultText(f)} |`,
      );
    }
  }
  out.push('');

  out.push('## 3. Azure call economy: ARM requests per completed flow');
  out.push('');
  if ('notAvailable' in r.callEconomy) out.push(`Not available: ${r.callEconomy.notAvailable}`);
  else {
    out.push(
      '| flow | ARM requests | of which polls | minimal besides polls (required / with optional steps) | extra | other requests | by route (bot) | result |',
    );
    out.push('|---|---:|---:|---:|---:|---|---|---|');
    for (const f of r.callEconomy) {
      const fixed = f.arm - f.polls;
      const extra = f.minimal ? fixed - f.minimal.withOptional : undefined;
      const routes = Object.entries(f.byRoute)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      const other = Object.entries(f.other)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      out.push(
        `| ${f.flow} | ${f.completed ? f.arm : '-'} | ${f.completed ? f.polls : '-'} | ${f.minimal ? `${f.minimal.required} / ${f.minimal.withOptional}` : '-'} | ` +
          `${f.completed && extra !== undefined ? (extra > 0 ? `+${extra}` : String(extra)) : '-'} | ${f.completed ? other || '-' : '-'} | ${f.completed ? routes : '-'} | ${resultText(f)} |`,
      );
    }
  }
  out.push('');

  out.push(...estateSection(r));

  out.push('## 4. Storm: failed backups to digests, the connector answering 429 to a share of sends');
  out.push('');
  out.push(
    '| failed jobs / vaults / conversations | 429 share | every digest posted | every digest complete | posts / updates | 429s | duplicates | unaccounted | ARM calls | sends over Teams limits (busiest 1 s / 30 s) | result |',
  );
  out.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const s of r.storm) {
    out.push(
      `| ${s.jobs} / ${s.vaults} / ${s.conversations} | ${Math.round(s.throttleShare * 100)}% | ${secs(s.digestAllMs)} | ${secs(s.completeAllMs)} | ` +
        `${s.posts} / ${s.updates} | ${s.throttled} | ${s.duplicates} | ${s.unaccounted} | ${s.armCalls} | ${s.overTeamsLimits} (${s.busiest1s} / ${s.busiest30s}) | ${s.problem ?? 'ok'} |`,
    );
  }
  out.push('');

  out.push('## 5. Growth: 2× the size');
  out.push('');
  out.push(...growth(r));
  if (r.notes.length) out.push('', '## Notes', '', ...r.notes.map((n) => `- ${n}`));
  out.push('');
  return out.join('\n');
}

/** Section 3b: ARM and Resource Graph requests per flow against the size of the estate (flat is the goal). */
function estateSection(r: Results): string[] {
  if (!r.estate) return [];
  const sizes = 'notAvailable' in r.estate ? [] : r.estate.map((e) => e.vms.toLocaleString('en-US'));
  const out = [`## 3b. Estate scale: requests per flow at ${sizes.join(', ') || 'each size'} VMs`, ''];
  if ('notAvailable' in r.estate) return [...out, `Not available: ${r.estate.notAvailable}`, ''];
  const runs = r.estate;
  out.push(
    `| flow | ${runs.map((e) => `${e.vms.toLocaleString('en-US')} VMs: requests (polls) / look-ups`).join(' | ')} | result |`,
  );
  out.push(`|---|${runs.map(() => '---:').join('|')}|---|`);
  for (const [i, f] of runs[0].flows.entries()) {
    const cells = runs.map((e) => {
      const g = e.flows[i];
      return g?.succeeded ? `${g.arm} (${g.polls}) / ${g.lookups}` : '-';
    });
    const bad = runs.map((e) => e.flows[i]).find((g) => g && !g.succeeded);
    out.push(`| ${f.flow} | ${cells.join(' | ')} | ${bad ? resultText({ ...bad, completed: false }) : 'ok'} |`);
  }
  out.push(
    '',
    'Requests: what the sandbox served on its ARM listener (Resource Graph included, Graph left out) from the command ' +
      'to the final card; polls are status reads, whose number follows how long Azure takes. Look-ups: requests that ' +
      'find a VM or key vault by name (resourceGraph.resources, or resources.list, virtualMachines.listAll or ' +
      'keyVault.vaults.listBySubscription were they used). The estate spreads over five subscriptions, all managed ' +
      'by the bot (the three seeded ones it can read and two estate subscriptions): the seeded residents plus ' +
      'filler VMs, round-robin (src/sandbox/world/estate.ts).',
    '',
  );
  return out;
}

function resultText(f: { completed: boolean; succeeded: boolean; problem?: string }): string {
  if (f.succeeded) return 'ok';
  return (f.problem ?? (f.completed ? 'completed, not succeeded' : 'not completed')).replace(/\|/g, '/').slice(0, 200);
}

function growth(r: Results): string[] {
  const lines: string[] = [];
  const base = r.turnCost.filter((l) => !l.growth).at(-1);
  const big = r.turnCost.find((l) => l.growth);
  if (base?.bot?.available && big?.bot?.available) {
    lines.push(
      `- Turn cost, ${base.concurrency} → ${big.concurrency} conversations: bot p50 ${x(ratio(big.bot.p50, base.bot.p50))}, ` +
        `p95 ${x(ratio(big.bot.p95, base.bot.p95))}, turns/s ${x(ratio(big.bot.turnsPerSec, base.bot.turnsPerSec))}, ` +
        `CPU per turn ${x(ratio(big.bot.cpuMsPerTurn, base.bot.cpuMsPerTurn))}, peak RSS ${x(ratio(big.bot.peakRssMb, base.bot.peakRssMb))}, ` +
        `Azure (sandbox process) CPU per turn ${x(ratio(big.bot.azureCpuMsPerTurn, base.bot.azureCpuMsPerTurn))}; ` +
        `echo p50 ${x(ratio(big.echo?.p50, base.echo?.p50))}, CPU per turn ${x(ratio(big.echo?.cpuMsPerTurn, base.echo?.cpuMsPerTurn))}.`,
    );
  } else lines.push('- Turn cost at 2×: not available (see the turn-cost table).');
  const [s1, s2] = r.storm;
  if (s1 && s2 && s1.completeAllMs !== undefined && s2.completeAllMs !== undefined) {
    lines.push(
      `- Storm, ${s1.jobs} → ${s2.jobs} failed jobs: time to every digest complete ${x(ratio(s2.completeAllMs, s1.completeAllMs))}, ` +
        `messages ${x(ratio(s2.posts + s2.updates, s1.posts + s1.updates))}, ARM calls ${x(ratio(s2.armCalls, s1.armCalls))}.`,
    );
  } else lines.push('- Storm at 2×: not comparable (see the storm table).');
  return lines;
}
