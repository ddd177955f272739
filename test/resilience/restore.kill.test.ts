import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAzure, type AzureSettings } from '../../src/azure';
import type { ApprovalRecord } from '../../src/bot/approvals/types';
import type { RestoreCheckpoint } from '../../src/runs/restoreRun';
import type { RunRecord } from '../../src/runs/types';
import { RecordSigner, SqliteStorage, storeOn } from '../../src/store';
import {
  freePort,
  liveAzureEnv,
  Processes,
  restoreRequest,
  testAzureSettings,
  type SandboxInfo,
  testSigningKey,
} from '../support/processes';

/**
 * The bot as a real process (`src/index.ts`, live mode) against the sandbox as another real process
 * (`src/sandbox/cli.ts`), reaching it through configured endpoints and a CA file (test/support/processes.ts). An approved restore request
 * is in the store; the bot is killed (SIGKILL) right after it triggered the restore and before Azure named the job,
 * restarted, killed again while following the job, restarted: the run completes with exactly one restore job.
 */

const VM = 'vm-db-01';
const NEW_VM = 'vm-db-01-survivor';

jest.setTimeout(240_000);

describe('a restore survives the bot process being killed', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ade-kill-'));
  const sqlitePath = path.join(dir, 'bot.sqlite');
  const procs = new Processes();
  let sandbox: SandboxInfo;
  let settings: AzureSettings;
  // The composition root as production runs it, with the record signing key handed over (testSigningKey).
  const signing = testSigningKey();
  const start = (name: string, env: Record<string, string>) =>
    procs.start(name, 'test/support/liveReplica.ts', { ...env, ...signing.env });
  const kill = (child: ChildProcess) => procs.kill(child);
  const until = <T>(what: string, check: () => T | undefined | Promise<T | undefined>, ms?: number) =>
    procs.until(what, check, ms, 25);
  const readRun = async (runId: string): Promise<RunRecord<RestoreCheckpoint> | undefined> => {
    const store = storeOn(new SqliteStorage(sqlitePath));
    try {
      return (await store.records<RunRecord<RestoreCheckpoint>>('runs').get(runId))?.value;
    } finally {
      await store.close();
    }
  };
  const botEnv = (port: number): Record<string, string> => ({
    ...liveAzureEnv(sandbox),
    PORT: String(port),
    LOG_LEVEL: 'info',
    SQLITE_PATH: sqlitePath,
    // Live mode refuses to run anonymous; nothing calls the bot's HTTP endpoint in this test.
    BOT_APP_ID: '0b0b0b0b-0000-4000-8000-000000000001',
    BOT_APP_PASSWORD: 'not-used',
    WATCH_INTERVAL_SECONDS: String(24 * 3600),
  });

  beforeAll(async () => {
    sandbox = await procs.startSandbox(dir);
    // This process reads the sandbox too (to build the plan, to count restore jobs), as the approved identity.
    settings = testAzureSettings(sandbox);
  });

  afterAll(async () => {
    await procs.stopAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('completes the run with exactly one restore job', async () => {
    const azure = createAzure(settings);
    const restoreJobs = async () =>
      (await azure.jobs.list('rsv-prod-eastasia', { operation: 'Restore' })).filter((j) => j.vmName === VM);
    const before = (await restoreJobs()).length;

    // An approved request, as the approval flow leaves it (no cards to update: nothing listens to this bot).
    const requestId = 'kill-test-request';
    const record = await restoreRequest(sandbox, azure, { id: requestId, newVm: NEW_VM, status: 'approved' });
    // Signed with the bot's key, as the approval flow writes it (an unsigned record would be refused).
    const seed = storeOn(new SqliteStorage(sqlitePath), { signer: new RecordSigner(signing.key) });
    await seed.signed<ApprovalRecord>('restore-approvals').create(requestId, record);
    await seed.close();
    const runId = `restore:${requestId}`;

    // 1. Killed after it asked Azure to restore, before Azure named the job.
    const first = start('bot-1', botEnv(await freePort()));
    const atKill = await until('the restore to be triggered', async () => {
      const run = await readRun(runId);
      return run?.checkpoint.triggeredAt ? run : undefined;
    });
    await kill(first);
    expect(alive(first.pid)).toBe(false);
    const stored = await readRun(runId);
    // Normally Azure has not named the job yet (the dangerous window); either way one restore must come of it.
    console.log(`first kill at step ${stored?.step}, job id ${stored?.checkpoint.jobId ?? 'not yet known'}`);
    expect(atKill.status).toBe('running');

    // 2. Restarted, and killed again while it follows the job.
    const second = start('bot-2', botEnv(await freePort()));
    await until('the restarted bot to follow the job', async () => {
      const run = await readRun(runId);
      return run && (run.step !== 'restoreDisks' || run.status !== 'running') ? run : undefined;
    });
    await kill(second);
    expect(alive(second.pid)).toBe(false);
    console.log(`second kill at step ${(await readRun(runId))?.step}`);

    // 3. Restarted once more: it resumes from the checkpoint and finishes.
    start('bot-3', botEnv(await freePort()));
    const done = await until(
      'the run to end',
      async () => {
        const run = await readRun(runId);
        return run && run.status !== 'running' ? run : undefined;
      },
      150_000,
    );
    expect(done).toMatchObject({ status: 'succeeded', checkpoint: { vm: { name: NEW_VM } } });
    expect((await restoreJobs()).length).toBe(before + 1);
    const vm = await azure.vms.get(NEW_VM, 'rg-restore');
    expect(vm.encryption.kind).not.toBe('none');
    const approvals = storeOn(new SqliteStorage(sqlitePath));
    const final = (await approvals.records<ApprovalRecord>('restore-approvals').get(requestId))?.value;
    const story = (await approvals.audit.recent({ target: VM, limit: 20 })).map((e) => `${e.action}:${e.result}`);
    await approvals.close();
    expect(final?.status).toBe('succeeded');
    expect(story).toEqual(expect.arrayContaining(['restore.run:started', 'restore.run:succeeded']));
  });
});

/** Whether a process with this pid exists (signal 0 checks without signalling). */
function alive(pid: number | undefined): boolean {
  try {
    process.kill(pid!, 0);
    return true;
  } catch {
    return false;
  }
}
