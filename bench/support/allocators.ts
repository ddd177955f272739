/** `npx tsx bench/support/allocators.ts <file.heapprofile>`: bytes allocated by function (self), the top 40, in MiB. */
import { readFileSync } from 'node:fs';

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

const root = (JSON.parse(readFileSync(process.argv[2], 'utf8')) as { head: HeapNode }).head;
const bytes = new Map<string, number>();
const walk = (n: HeapNode, path: string[]) => {
  const u = n.callFrame.url.replace(/^.*\/node_modules\/\.cache\/bench-dist\//, '/');
  const short = u.includes('node_modules/')
    ? u.slice(u.lastIndexOf('node_modules/') + 13)
    : u.replace(/^.*\/(src|bench)\//, '$1/');
  const label = `${n.callFrame.functionName || '(anonymous)'} ${short}${u ? `:${n.callFrame.lineNumber + 1}` : ''}`;
  // Attributed to the nearest frame of ours (src/) or the frame itself.
  const ours = [...path, label].reverse().find((l) => l.includes(' src/')) ?? '(none of ours)';
  const key = `${label}   <= ${ours}`;
  if (n.selfSize) bytes.set(key, (bytes.get(key) ?? 0) + n.selfSize);
  for (const c of n.children) walk(c, [...path, label]);
};
walk(root, []);
const total = [...bytes.values()].reduce((a, b) => a + b, 0);
console.log(`total sampled ${(total / 2 ** 20).toFixed(0)} MiB`);
for (const [k, v] of [...bytes.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40)) {
  console.log(`${(v / 2 ** 20).toFixed(1).padStart(7)}  ${k}`);
}
