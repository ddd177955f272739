import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CARDS_DIR } from '../../src/cards/render';

// No Docker engine on these machines: the file's shape is checked instead (what a reviewer would check by eye).
const ROOT = path.resolve(__dirname, '../..');
const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

/** Instructions with continuation lines joined, comments dropped; split by stage (FROM). */
const instructions = dockerfile
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const args = Object.fromEntries(
  instructions.filter((l) => /^ARG \w+=/.test(l)).map((l) => l.slice(4).split('=') as [string, string]),
);
const stages: { from: string; name?: string; lines: string[] }[] = [];
for (const line of instructions) {
  const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
  if (from)
    stages.push({ from: from[1].replace(/\$\{(\w+)\}/g, (_, a: string) => args[a] ?? ''), name: from[2], lines: [] });
  else stages.at(-1)?.lines.push(line);
}
const runtime = stages.at(-1)!;

describe('Dockerfile', () => {
  it('is multi-stage on a Node 24 base image, every stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.from).toMatch(/^node:24(\.|-|$)/);
  });

  it('installs production dependencies with npm ci --omit=dev, with a toolchain to build better-sqlite3', () => {
    const deps = stages.find((s) => s.lines.some((l) => /npm ci --omit=dev/.test(l)))!;
    expect(deps).toBeDefined();
    expect(deps.lines.join('\n')).toMatch(/apt-get install[^\n]*\bg\+\+/);
    expect(deps.lines.join('\n')).toMatch(/require\('better-sqlite3'\)/); // the native module loads
    expect(runtime.lines.some((l) => /^COPY --from=\S+ .*node_modules/.test(l))).toBe(true);
    expect(runtime.lines.some((l) => /apt-get|npm (ci|install)/.test(l))).toBe(false); // no toolchain ships
  });

  it('runs node dist/index.js as a non-root user, in live mode', () => {
    const user = runtime.lines.findIndex((l) => /^USER /.test(l));
    expect(user).toBeGreaterThanOrEqual(0);
    expect(runtime.lines[user]).not.toMatch(/^USER (root|0)\b/);
    expect(runtime.lines.at(-1)).toBe('CMD ["node", "dist/index.js"]');
    expect(runtime.lines.join('\n')).toMatch(/AZURE_MODE=live/);
  });

  it('checks health on /healthz at the configured port', () => {
    const check = runtime.lines.find((l) => l.startsWith('HEALTHCHECK'));
    expect(check).toMatch(/CMD .*\/healthz/);
    expect(check).toMatch(/process\.env\.PORT/);
  });

  it('ships what the bot reads at run time: dist, the card templates beside it, package.json', () => {
    const copies = runtime.lines.filter((l) => l.startsWith('COPY')).join('\n');
    expect(copies).toMatch(/\/app\/dist \.\/dist/);
    expect(copies).toMatch(/package\.json \.\//);
    expect(path.relative(ROOT, CARDS_DIR)).toBe('cards'); // dist/cards/render.js resolves ../../cards
    expect(copies).toMatch(/ cards \.\/cards/);
  });

  it('.dockerignore keeps secrets, local state and node_modules out of the build context', () => {
    for (const entry of ['node_modules', '.git', '.data', 'env/.env.*.user', '*.sqlite', 'dist']) {
      expect(ignored).toContain(entry);
    }
    // …but not what the stages copy.
    for (const needed of ['src', 'cards', 'package.json', 'package-lock.json', '.npmrc', 'tsconfig.json']) {
      expect(ignored).not.toContain(needed);
    }
  });
});
