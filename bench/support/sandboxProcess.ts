/**
 * The local Azure (src/sandbox) alone in its own process, for the turn-cost scenario: there the bot runs in live mode
 * and reaches it through its endpoints and CA, as a bot reaches Azure, so the bot process's CPU and memory are the
 * bot's own. The world changes the level needs are made here before the bot starts. Started by
 * bench/support/child.ts (SandboxChild); reports what `src/sandbox/cli.ts` writes to SANDBOX_ENDPOINTS_FILE.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSandbox, type SandboxTiming } from '../../src/sandbox';
import type { SandboxInfo } from '../../test/support/processes';
import { CpuProfiler } from './profile';
import { addBenchVms } from './world';

export interface SandboxChildOptions {
  /** VMs added to the world before the bot starts (one per conversation). */
  benchVms?: string[];
  /** Sandbox timing (how fast operations and jobs finish, Retry-After). */
  timing?: Partial<SandboxTiming>;
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as SandboxChildOptions;
  const send = (m: unknown) => process.send?.(m);
  const sandbox = await startSandbox({ timing: options.timing });
  if (options.benchVms?.length) addBenchVms(sandbox, options.benchVms);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ade-bench-azure-'));
  const caFile = path.join(dir, 'ca.pem');
  writeFileSync(caFile, sandbox.ca);
  const w = sandbox.world;
  const bot = w.identities.find((i) => i.approved);
  if (!bot) throw new Error('the sandbox world has no approved identity');
  const info: SandboxInfo = {
    ...sandbox.endpoints,
    caFile,
    subscriptionId: w.subscriptionId,
    tenantId: w.tenantId,
    clientId: bot.clientId,
    objectId: bot.objectId,
  };
  send({ type: 'ready', ...info });

  let profiler: CpuProfiler | undefined;
  process.on('message', (m: { id: number; cmd: string }) => {
    if (m.cmd === 'profileStart') {
      profiler = new CpuProfiler(true);
      void profiler.start().then(() => send({ id: m.id, ok: true }));
      return;
    }
    if (m.cmd === 'profileStop') {
      void (profiler?.stop() ?? Promise.resolve(undefined)).then((value) => send({ id: m.id, ok: true, value }));
      profiler = undefined;
      return;
    }
    if (m.cmd !== 'stop') {
      send({ id: m.id, ok: false, error: `unknown command ${m.cmd}` });
      return;
    }
    void sandbox.close().finally(() => {
      rmSync(dir, { recursive: true, force: true });
      send({ id: m.id, ok: true });
      process.exit(0);
    });
  });
}

main().catch((err: Error) => {
  process.stderr.write(`bench sandbox failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
