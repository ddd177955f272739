import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAzure, type AzureSettings } from '../../src/azure';
import type { ApprovalRecord } from '../../src/bot/approvals/types';
import { planRehearsal } from '../../src/dialogs/rehearsal/plan';
import type { RehearsalCheckpoint } from '../../src/runs/rehearsalRun';
import { planHash } from '../../src/runs/restorePlan';
import type { RunRecord } from '../../src/runs/types';
import { SANDBOX_USERS } from '../../src/sandboxUsers';
import { RecordSigner, SqliteStorage, storeOn } from '../../src/store';
import {
  freePort,
  liveAzureEnv,
  Processes,
  testAzureSettings,
  testSigningKey,
  type SandboxInfo,
} from '../support/processes';
import { REHEARSAL_NETWORK } from '../support/rehearsal';

/**
 * A rehearsal survives the bot process being killed (SIGKILL), as a restore does: the bot (src/index.ts, live mode)
 * and the sandbox are real processes. Killed right after it triggered the restore, restarted, killed again once it
 * was making the VM, restarted: the run ends with exactly one restore job, and nothing is left in the rehearsal
 * resource group or the staging container.
 */

jest.setTimeout(240_000);

describe('a rehearsal survives the bot process being killed', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ade-rh-kill-'));
  const sqlitePath = path.join(dir, 'bot.sqlite');
  const procs = new Processes();
  let sandbox: SandboxInfo;
  let settings: AzureSettings;
  const signing = testSigningKey();
  const start = (name: string, env: Record<string, string>) =>
    procs.start(name, 'test/support/liveReplica.ts', { ...env, ...signing.env });
  const kill = (child: ChildProcess) => procs.kill(child);
  const until = <T>(what: string, check: () => T | undefined | Promise<T | undefined>, ms?: number) =>
    procs.until(what, check, ms, 25);
  const readRun = async (runId: string): Promise<RunRecord<RehearsalCheckpoint> | undefined> => {
    const store = storeOn(new SqliteStorage(sqlitePath));
    try {
      return (await store.records<RunRecord<RehearsalCheckpoint>>('runs').get(runId))?.value;
    } finally {
      await store.close();
    }
  };
  const botEnv = (port: number): Record<string, string> => ({
    ...liveAzureEnv(sandbox),
    PORT: String(port),
    LOG_LEVEL: 'info',
    SQLITE_PATH: sqlitePath,
    BOT_APP_ID: '0b0b0b0b-0000-4000-8000-000000000001',
    BOT_APP_PASSWORD: 'not-used',
    WATCH_INTERVAL_SECONDS: String(24 * 3600),
    REHEARSAL_SUBNET: `${REHEARSAL_NETWORK.resourceGroup}/${REHEARSAL_NETWORK.vnet}/${REHEARSAL_NETWORK.subnet}`,
    REHEARSAL_CHECK_TIMEOUT_MINUTES: '2',
  });

  beforeAll(async () => {
    sandbox = await procs.startSandbox(dir);
    settings = testAzureSettings(sandbox);
  });
  afterAll(async () => {
    await procs.stopAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resumes after each kill, with one restore job, and leaves nothing behind', async () => {
    const azure = createAzure(settings);
    const restoreJobs = async () =>
      (await azure.jobs.list('rsv-prod-eastasia', { operation: 'Restore' })).filter((j) => j.vmName === 'vm-db-01');
    const before = (await restoreJobs()).length;

    // An approved rehearsal request, as the approval flow leaves it, signed with the bot's key.
    const requestId = 'rehearsal-kill-test';
    const planned = await planRehearsal(azure, { vmName: 'vm-db-01', networks: [REHEARSAL_NETWORK], requestId });
    if (!('plan' in planned)) throw new Error(`no plan: ${planned.refused}`);
    const { operator, approver } = SANDBOX_USERS;
    const now = new Date().toISOString();
    const record: ApprovalRecord = {
      id: requestId,
      status: 'approved',
      plan: planned.plan,
      planHash: planHash(planned.plan),
      requester: { aadObjectId: operator.aadObjectId, name: operator.name },
      createdAt: now,
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      decision: { by: { aadObjectId: approver.aadObjectId, name: approver.name }, at: now },
      cards: {},
      locales: { requester: 'en', approvers: 'en' },
      retries: 0,
      updatedAt: now,
    };
    const seed = storeOn(new SqliteStorage(sqlitePath), { signer: new RecordSigner(signing.key) });
    await seed.signed<ApprovalRecord>('restore-approvals').create(requestId, record);
    await seed.close();
    const runId = `rehearsal:${requestId}`;

    // 1. Killed after it asked Azure to restore (before or after Azure named the job).
    const first = start('bot-1', botEnv(await freePort()));
    await until('the restore to be triggered', async () => {
      const run = await readRun(runId);
      return run?.checkpoint.triggeredAt ? run : undefined;
    });
    await kill(first);

    // 2. Restarted, killed again once it is making the VM (or checking it).
    const second = start('bot-2', botEnv(await freePort()));
    await until(
      'the restarted bot to make the VM',
      async () => {
        const run = await readRun(runId);
        return run && (['createVm', 'checks', 'cleanup'].includes(run.step) || run.status !== 'running')
          ? run
          : undefined;
      },
      150_000,
    );
    await kill(second);
    console.log(`second kill at step ${(await readRun(runId))?.step}`);

    // 3. Restarted once more: it resumes from the checkpoint, checks, cleans up, reports.
    start('bot-3', botEnv(await freePort()));
    const done = await until(
      'the run to end',
      async () => {
        const run = await readRun(runId);
        return run && run.status !== 'running' ? run : undefined;
      },
      150_000,
    );
    expect(done.error).toBeUndefined();
    expect(done).toMatchObject({ status: 'succeeded', checkpoint: { result: 'passed' } });
    expect((await restoreJobs()).length).toBe(before + 1);
    // Nothing left: the rehearsal group holds its network only, and the VM, NIC and disks it recorded are gone.
    const left: string[] = [];
    for await (const d of azure.restore.clients.compute.disks.listByResourceGroup('rg-rehearsal')) left.push(d.id!);
    for await (const v of azure.restore.clients.compute.virtualMachines.list('rg-rehearsal')) left.push(v.id!);
    for await (const n of azure.restore.clients.network.networkInterfaces.list('rg-rehearsal')) left.push(n.id!);
    expect(left).toEqual([]);
    expect(done.checkpoint.cleanup).toMatchObject({ left: [], stagingDeleted: true });
  });
});
