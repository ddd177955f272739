/**
 * `npx tsx bench/support/callers.ts <file.cpuprofile> [frame name] [depth]`: self time by function, and, for the
 * named frame (e.g. writeLatin1String), the call paths that lead to it with their share of its self time.
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

const [file, wanted, depthArg] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const depth = Number(depthArg ?? 6);
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n: Node) => {
  const u = n.callFrame.url.replace(/^.*\/node_modules\/\.cache\/bench-dist\//, '/');
  const short = u.includes('node_modules/')
    ? u.slice(u.lastIndexOf('node_modules/') + 13)
    : u.replace(/^.*\/(src|bench)\//, '$1/');
  return `${n.callFrame.functionName || '(anonymous)'} ${short}${u ? `:${n.callFrame.lineNumber + 1}` : ''}`;
};
const self = new Map<string, number>();
const paths = new Map<string, number>();
profile.samples.forEach((id, i) => {
  const ms = (profile.timeDeltas[i] ?? 0) / 1000;
  const n = nodes.get(id)!;
  self.set(label(n), (self.get(label(n)) ?? 0) + ms);
  if (wanted && n.callFrame.functionName === wanted) {
    const chain: string[] = [];
    for (let x = parent.get(id); x !== undefined && chain.length < depth; x = parent.get(x)) {
      const pn = nodes.get(x)!;
      if (pn.callFrame.url.startsWith('node:') && !chain.length) continue;
      chain.push(label(pn));
    }
    const k = chain.join(' < ');
    paths.set(k, (paths.get(k) ?? 0) + ms);
  }
});
const top = (m: Map<string, number>, k: number) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(([p, v]) => `${v.toFixed(0).padStart(6)}  ${p}`);
console.log(wanted ? top(paths, 15).join('\n') : top(self, 40).join('\n'));
