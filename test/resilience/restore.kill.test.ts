import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createAzure, type AzureSettings } from '../../src/azure';
import { backupNamesFor } from '../../src/azure/names';
import type { ApprovalRecord } from '../../src/bot/approvals/types';
import { planHash, type RestorePlan } from '../../src/runs/restorePlan';
import type { RestoreCheckpoint } from '../../src/runs/restoreRun';
import type { RunRecord } from '../../src/runs/types';
import { SqliteStorage, storeOn } from '../../src/store';

/**
 * The bot as a real process (`tsx src/index.ts`, live mode) against the sandbox as another real process
 * (`tsx src/sandbox/cli.ts`), reaching it through configured endpoints and a CA file. An approved restore request
 * is in the store; the bot is killed (SIGKILL) right after it triggered the restore and before Azure named the job,
 * restarted, killed again while following the job, restarted: the run completes with exactly one restore job.
 */

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const VM = 'vm-db-01';
const NEW_VM = 'vm-db-01-survivor';

interface SandboxInfo {
  arm: string;
  graph: string;
  identity: string;
  identityHeader: string;
  keyVaults: Record<string, string>;
  caFile: string;
  subscriptionId: string;
  tenantId: string;
  clientId: string;
  objectId: string;
}

jest.setTimeout(240_000);

describe('a restore survives the bot process being killed', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ade-kill-'));
  const sqlitePath = path.join(dir, 'bot.sqlite');
  const children: ChildProcess[] = [];
  const output: string[] = [];
  let sandbox: SandboxInfo;
  let settings: AzureSettings;

  const start = (name: string, script: string, env: Record<string, string>): ChildProcess => {
    const child = spawn(TSX, [script], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) =>
      output.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => `[${name}] ${l}`),
      );
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    children.push(child);
    return child;
  };
  const kill = async (child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };
  const until = async <T>(
    what: string,
    check: () => T | undefined | Promise<T | undefined>,
    ms = 90_000,
  ): Promise<T> => {
    const end = Date.now() + ms;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (Date.now() > end) throw new Error(`Timed out waiting for ${what}\n${output.slice(-40).join('\n')}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const readRun = async (runId: string): Promise<RunRecord<RestoreCheckpoint> | undefined> => {
    const store = storeOn(new SqliteStorage(sqlitePath));
    try {
      return (await store.records<RunRecord<RestoreCheckpoint>>('runs').get(runId))?.value;
    } finally {
      await store.close();
    }
  };
  const botEnv = (port: number): Record<string, string> => ({
    AZURE_MODE: 'live',
    PORT: String(port),
    LOG_LEVEL: 'info',
    SQLITE_PATH: sqlitePath,
    // Live mode refuses to run anonymous; nothing calls the bot's HTTP endpoint in this test.
    BOT_APP_ID: '0b0b0b0b-0000-4000-8000-000000000001',
    BOT_APP_PASSWORD: 'not-used',
    BOT_TENANT_ID: sandbox.tenantId,
    AZURE_SUBSCRIPTION_ID: sandbox.subscriptionId,
    AZURE_TENANT_ID: sandbox.tenantId,
    AZURE_MANAGED_IDENTITY_CLIENT_ID: sandbox.clientId,
    AZURE_APPROVED_IDENTITY_OBJECT_ID: sandbox.objectId,
    AZURE_ARM_ENDPOINT: sandbox.arm,
    AZURE_GRAPH_ENDPOINT: sandbox.graph,
    AZURE_CA_FILE: sandbox.caFile,
    WATCH_INTERVAL_SECONDS: String(24 * 3600),
    // The managed-identity endpoint, as App Service provides it (read by @azure/identity).
    IDENTITY_ENDPOINT: sandbox.identity,
    IDENTITY_HEADER: sandbox.identityHeader,
  });

  beforeAll(async () => {
    const endpointsFile = path.join(dir, 'sandbox.json');
    start('sandbox', 'src/sandbox/cli.ts', {
      SANDBOX_ENDPOINTS_FILE: endpointsFile,
      SANDBOX_CA_FILE: path.join(dir, 'ca.pem'),
    });
    sandbox = await until('the sandbox endpoints', () => {
      if (!existsSync(endpointsFile)) return undefined;
      try {
        return JSON.parse(readFileSync(endpointsFile, 'utf8')) as SandboxInfo;
      } catch {
        return undefined;
      }
    });
    // This process reads the sandbox too (to build the plan, to count restore jobs), as the approved identity.
    Object.assign(process.env, { IDENTITY_ENDPOINT: sandbox.identity, IDENTITY_HEADER: sandbox.identityHeader });
    settings = {
      subscriptionId: sandbox.subscriptionId,
      tenantId: sandbox.tenantId,
      managedIdentityClientId: sandbox.clientId,
      approvedIdentity: { objectId: sandbox.objectId, tenantId: sandbox.tenantId },
      endpoints: { arm: sandbox.arm, armAudience: sandbox.arm, graph: sandbox.graph },
      caCertificate: readFileSync(sandbox.caFile, 'utf8'),
      keyVaultChallengeVerification: false,
      rbacKeyVaultRoleDefinitionId: '00482a5a-887f-4fb3-b363-3b7fe8e74483',
      retry: { maxRetries: 2, retryDelayMs: 50, maxRetryDelayMs: 500 },
    };
  });

  afterAll(async () => {
    for (const child of children.reverse()) await kill(child, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('completes the run with exactly one restore job', async () => {
    const azure = createAzure(settings);
    const item = { vault: 'rsv-prod-eastasia', vaultResourceGroup: 'rg-backup', ...backupNamesFor('rg-app', VM) };
    const restoreJobs = async () =>
      (await azure.jobs.list('rsv-prod-eastasia', { operation: 'Restore' })).filter((j) => j.vmName === VM);
    const before = (await restoreJobs()).length;

    // An approved request, as the approval flow leaves it (no cards to update: nothing listens to this bot).
    const [point] = await azure.recoveryPoints.list(item);
    const sub = `/subscriptions/${sandbox.subscriptionId}/resourceGroups`;
    const plan: RestorePlan = {
      vm: {
        id: `${sub}/rg-app/providers/Microsoft.Compute/virtualMachines/${VM}`,
        name: VM,
        resourceGroup: 'rg-app',
        location: 'eastasia',
        osType: 'Linux',
      },
      item,
      region: 'eastasia',
      recoveryPoint: {
        name: point.name,
        time: point.time.toISOString(),
        type: point.type,
        templateRestorable: true,
        legacyKeyAndSecret: false,
      },
      encryption: {
        pass: 'single',
        keyVault: {
          id: `${sub}/rg-keys/providers/Microsoft.KeyVault/vaults/kv-ade-policy`,
          name: 'kv-ade-policy',
          vaultUri: sandbox.keyVaults['kv-ade-policy'],
        },
        key: 'active',
        secret: 'active',
        putBack: false,
        source: 'restoreJob',
      },
      staging: {
        id: `${sub}/rg-staging/providers/Microsoft.Storage/storageAccounts/stagingeastasia01`,
        name: 'stagingeastasia01',
      },
      targetResourceGroup: { id: `${sub}/rg-restore`, name: 'rg-restore' },
      subnet: {
        id: `${sub}/rg-app/providers/Microsoft.Network/virtualNetworks/vnet-app-eastasia/subnets/snet-restore`,
        vnet: 'vnet-app-eastasia',
        subnet: 'snet-restore',
        resourceGroup: 'rg-app',
      },
      newVmName: NEW_VM,
      path: 'template',
    };
    const now = new Date().toISOString();
    const requestId = 'kill-test-request';
    const record: ApprovalRecord = {
      id: requestId,
      status: 'approved',
      plan,
      planHash: planHash(plan),
      requester: { aadObjectId: '00000000-0000-0000-0000-0000000000020', name: 'Alex Wilber' },
      createdAt: now,
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      decision: { by: { aadObjectId: '00000000-0000-0000-0000-0000000000021', name: 'Megan Bowen' }, at: now },
      cards: {},
      locales: { requester: 'en', approvers: 'en' },
      retries: 0,
      updatedAt: now,
    };
    const seed = storeOn(new SqliteStorage(sqlitePath));
    await seed.records<ApprovalRecord>('restore-approvals').create(requestId, record);
    await seed.close();
    const runId = `restore:${requestId}`;

    // 1. Killed after it asked Azure to restore, before Azure named the job.
    const first = start('bot-1', 'src/index.ts', botEnv(await freePort()));
    const atKill = await until('the restore to be triggered', async () => {
      const run = await readRun(runId);
      return run?.checkpoint.triggeredAt ? run : undefined;
    });
    await kill(first);
    const stored = await readRun(runId);
    // Normally Azure has not named the job yet (the dangerous window); either way one restore must come of it.
    console.log(`first kill at step ${stored?.step}, job id ${stored?.checkpoint.jobId ?? 'not yet known'}`);
    expect(atKill.status).toBe('running');

    // 2. Restarted, and killed again while it follows the job.
    const second = start('bot-2', 'src/index.ts', botEnv(await freePort()));
    await until('the restarted bot to follow the job', async () => {
      const run = await readRun(runId);
      return run && (run.step !== 'restoreDisks' || run.status !== 'running') ? run : undefined;
    });
    await kill(second);
    console.log(`second kill at step ${(await readRun(runId))?.step}`);

    // 3. Restarted once more: it resumes from the checkpoint and finishes.
    start('bot-3', 'src/index.ts', botEnv(await freePort()));
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

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
