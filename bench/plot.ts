/**
 * The plot of the turn-cost scenario, written by hand as SVG: turn latency (p50 and p95, log scale) against the
 * number of concurrent conversations (log scale), for the bot and the echo floor.
 */
export interface PlotPoint {
  concurrency: number;
  p50?: number;
  p95?: number;
}

export interface PlotSeries {
  label: string;
  color: string;
  points: PlotPoint[];
}

const W = 720;
const H = 440;
const M = { left: 70, right: 170, top: 40, bottom: 56 };

export function latencyPlot(series: PlotSeries[], title: string, marks: { ms: number; label: string }[] = []): string {
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p.concurrency)))].sort((a, b) => a - b);
  const ys = [...series.flatMap((s) => s.points.flatMap((p) => [p.p50, p.p95])), ...marks.map((m) => m.ms)].filter(
    (v): v is number => !!v && v > 0,
  );
  if (xs.length === 0 || ys.length === 0) return emptyPlot(title);
  const [x0, x1] = [Math.log10(Math.min(...xs)), Math.log10(Math.max(...xs))];
  const y0 = Math.floor(Math.log10(Math.min(...ys)));
  const y1 = Math.ceil(Math.log10(Math.max(...ys)));
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const px = (c: number) => M.left + (x1 === x0 ? pw / 2 : ((Math.log10(c) - x0) / (x1 - x0)) * pw);
  const py = (ms: number) => M.top + ph - ((Math.log10(ms) - y0) / Math.max(1, y1 - y0)) * ph;

  const parts: string[] = [];
  parts.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="white"/>`);
  parts.push(text(W / 2 - M.right / 2 + M.left / 2, 22, title, 'middle', 15, 'bold'));
  for (let e = y0; e <= y1; e++) {
    const y = py(10 ** e);
    parts.push(`<line x1="${M.left}" y1="${y}" x2="${M.left + pw}" y2="${y}" stroke="#ddd"/>`);
    parts.push(text(M.left - 8, y + 4, label(10 ** e), 'end', 11));
  }
  for (const c of xs) {
    const x = px(c);
    parts.push(`<line x1="${x}" y1="${M.top}" x2="${x}" y2="${M.top + ph}" stroke="#eee"/>`);
    parts.push(text(x, M.top + ph + 18, String(c), 'middle', 11));
  }
  for (const m of marks) {
    const y = py(m.ms);
    parts.push(`<line x1="${M.left}" y1="${y}" x2="${M.left + pw}" y2="${y}" stroke="#888" stroke-dasharray="2 3"/>`);
    parts.push(text(M.left + pw - 4, y - 4, m.label, 'end', 10));
  }
  parts.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  parts.push(text(M.left + pw / 2, H - 14, 'concurrent conversations (log scale)', 'middle', 12));
  parts.push(
    `<text x="18" y="${M.top + ph / 2}" transform="rotate(-90 18 ${M.top + ph / 2})" text-anchor="middle" font-family="sans-serif" font-size="12">turn latency, ms (log scale)</text>`,
  );

  let legendY = M.top + 10;
  for (const s of series) {
    for (const [key, dash] of [
      ['p50', ''],
      ['p95', '6 4'],
    ] as const) {
      const pts = s.points.filter((p) => p[key] && p[key]! > 0).map((p) => `${px(p.concurrency)},${py(p[key]!)}`);
      if (pts.length === 0) continue;
      parts.push(
        `<polyline points="${pts.join(' ')}" fill="none" stroke="${s.color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
      );
      for (const p of pts) {
        const [x, y] = p.split(',');
        parts.push(`<circle cx="${x}" cy="${y}" r="3" fill="${s.color}"/>`);
      }
      const lx = M.left + pw + 16;
      parts.push(
        `<line x1="${lx}" y1="${legendY}" x2="${lx + 28}" y2="${legendY}" stroke="${s.color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
      );
      parts.push(text(lx + 34, legendY + 4, `${s.label} ${key}`, 'start', 12));
      legendY += 20;
    }
  }
  return svg(parts);
}

function emptyPlot(title: string): string {
  return svg([
    `<rect x="0" y="0" width="${W}" height="${H}" fill="white"/>`,
    text(W / 2, 22, title, 'middle', 15, 'bold'),
    text(W / 2, H / 2, 'No data: the scenario was not available in this run.', 'middle', 13),
  ]);
}

const svg = (parts: string[]) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">\n${parts.join('\n')}\n</svg>\n`;

function text(x: number, y: number, s: string, anchor: string, size: number, weight = 'normal'): string {
  const escaped = s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<text x="${x}" y="${y}" text-anchor="${anchor}" font-family="sans-serif" font-size="${size}" font-weight="${weight}">${escaped}</text>`;
}

const label = (ms: number) => (ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`);
