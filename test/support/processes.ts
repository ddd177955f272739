import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import https from 'node:https';
import { createServer } from 'node:net';
import path from 'node:path';
import type { Azure, AzureSettings } from '../../src/azure';
import { backupNamesFor } from '../../src/azure/names';
import type { ApprovalRecord } from '../../src/bot/approvals/types';
import { planHash, type RestorePlan } from '../../src/runs/restorePlan';
import { SANDBOX_USERS } from '../../src/sandboxUsers';

/**
 * Real processes for the resilience tests: the sandbox (`src/sandbox/cli.ts`) and bots, each a child `node --import
 * tsx <script>` in its own process group, output kept line by line (prefixed with its name) for failure messages.
 *
 * Why not the `tsx` binary: it runs the script in a grandchild and only relays catchable signals, so a SIGKILL of the
 * child left the script running. Here the child is the script's own process (its pid is the one in run leases), and
 * `kill` signals the whole group.
 */

export const ROOT = path.resolve(__dirname, '../..');
const MAX_LINES = 20_000;
const STOP_GRACE_MS = 8_000;

/** What `src/sandbox/cli.ts` writes to SANDBOX_ENDPOINTS_FILE: everything a bot needs to reach it. */
export interface SandboxInfo {
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

export interface OutputLine {
  name: string;
  /** Date.now() when the test process read it. */
  at: number;
  text: string;
}

/** The child processes of one test file. `stopAll()` in afterAll ends every one of them, whatever happened. */
export class Processes {
  readonly lines: OutputLine[] = [];
  private readonly children = new Set<ChildProcess>();
  private readonly orphanGuard = () => {
    for (const child of this.children) signal(child, 'SIGKILL', true);
  };

  constructor() {
    // Should the test process end without afterAll (jest killed, --forceExit), the children go with it.
    process.once('exit', this.orphanGuard);
  }

  start(name: string, script: string, env: Record<string, string>): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let partial = '';
    const keep = (chunk: Buffer) => {
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop() ?? '';
      const at = Date.now();
      for (const text of parts) if (text) this.lines.push({ name, at, text });
      if (this.lines.length > MAX_LINES) this.lines.splice(0, this.lines.length - MAX_LINES);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', (code, sig) => {
      this.lines.push({ name, at: Date.now(), text: `-- exited (${sig ?? `code ${code}`})` });
      this.children.delete(child);
    });
    this.children.add(child);
    return child;
  }

  /** Ends the process (SIGKILL by default: a crash, no shutdown code runs) and waits until it is gone. */
  async kill(child: ChildProcess, sig: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (gone(child)) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // SIGKILL takes the whole group down; a catchable signal goes to the process alone, which shuts down gracefully.
    signal(child, sig, sig === 'SIGKILL');
    const timer = setTimeout(() => signal(child, 'SIGKILL', true), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
    if (sig !== 'SIGKILL') signal(child, 'SIGKILL', true); // whatever it started and left behind
  }

  /** Stops every child still running (SIGTERM, then SIGKILL after a grace period). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.children].map((child) => this.kill(child, 'SIGTERM')));
    process.off('exit', this.orphanGuard);
  }

  /** The last lines of output, for a failure message. */
  tail(n = 40, name?: string): string {
    const lines = name ? this.lines.filter((l) => l.name === name) : this.lines;
    return lines
      .slice(-n)
      .map((l) => `[${l.name}] ${l.text}`)
      .join('\n');
  }

  /** Polls `check` until it returns a value (not undefined / false), or fails with `what` and the recent output. */
  async until<T>(
    what: string,
    check: () => T | undefined | false | Promise<T | undefined | false>,
    ms = 90_000,
    everyMs = 50,
  ): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const value = await check();
      if (value !== undefined && value !== false) return value;
      if (Date.now() > end) throw new Error(`Timed out after ${ms / 1000} s waiting for ${what}\n${this.tail()}`);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }

  /** Starts `src/sandbox/cli.ts` and resolves with the endpoints file it writes into `dir`. */
  async startSandbox(dir: string, name = 'sandbox'): Promise<SandboxInfo> {
    const endpointsFile = path.join(dir, 'sandbox.json');
    this.start(name, 'src/sandbox/cli.ts', {
      SANDBOX_ENDPOINTS_FILE: endpointsFile,
      SANDBOX_CA_FILE: path.join(dir, 'ca.pem'),
    });
    return this.until('the sandbox endpoints', () => {
      if (!existsSync(endpointsFile)) return undefined;
      try {
        return JSON.parse(readFileSync(endpointsFile, 'utf8')) as SandboxInfo;
      } catch {
        return undefined; // written but not complete yet
      }
    });
  }
}

function gone(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function signal(child: ChildProcess, sig: NodeJS.Signals, group: boolean): void {
  if (child.pid === undefined) return;
  try {
    process.kill(group ? -child.pid : child.pid, sig);
  } catch {
    // ESRCH: already gone.
  }
}

/**
 * The settings a bot in live mode takes from the environment to reach the sandbox: its endpoints, the CA file and
 * the managed-identity endpoint as App Service provides it (read by @azure/identity). Bot registration, store and
 * port are the caller's.
 */
export function liveAzureEnv(sandbox: SandboxInfo): Record<string, string> {
  return {
    AZURE_MODE: 'live',
    // Live mode requires both: where approval cards go, and the Key Vault secret records are signed with.
    APPROVERS_CONVERSATION_ID: 'approvers-conversation',
    RECORD_SIGNING_KEY_SECRET_URI: signingKeyUri(sandbox),
    AZURE_SUBSCRIPTION_ID: sandbox.subscriptionId,
    AZURE_TENANT_ID: sandbox.tenantId,
    AZURE_MANAGED_IDENTITY_CLIENT_ID: sandbox.clientId,
    AZURE_APPROVED_IDENTITY_OBJECT_ID: sandbox.objectId,
    AZURE_ARM_ENDPOINT: sandbox.arm,
    AZURE_GRAPH_ENDPOINT: sandbox.graph,
    AZURE_CA_FILE: sandbox.caFile,
    BOT_TENANT_ID: sandbox.tenantId,
    IDENTITY_ENDPOINT: sandbox.identity,
    IDENTITY_HEADER: sandbox.identityHeader,
  };
}

/** The signing key's secret in the sandbox's kv-ade-policy (which the approved identity may read and set). */
export function signingKeyUri(sandbox: SandboxInfo): string {
  return `${sandbox.keyVaults['kv-ade-policy'].replace(/\/+$/, '')}/secrets/bot-record-signing-key`;
}

/**
 * A record signing key for bots in live mode against the sandbox, handed over as TEST_RECORD_SIGNING_KEY (read by
 * test/support/liveReplica.ts). Live mode reads it from Key Vault (RECORD_SIGNING_KEY_SECRET_URI) with the challenge
 * resource verified, which the sandbox's loopback key vault origins cannot pass (see restoreRequest below); the Key
 * Vault read itself is tested in test/azure/signingKey.test.ts.
 */
export function testSigningKey(): { key: Buffer; env: Record<string, string> } {
  const key = randomBytes(32);
  return { key, env: { TEST_RECORD_SIGNING_KEY: key.toString('base64') } };
}

/**
 * Azure settings for the test process itself (to read what the bots did), as the approved identity. Points this
 * process's ManagedIdentityCredential at the sandbox's identity endpoint.
 */
export function testAzureSettings(sandbox: SandboxInfo): AzureSettings {
  Object.assign(process.env, { IDENTITY_ENDPOINT: sandbox.identity, IDENTITY_HEADER: sandbox.identityHeader });
  return {
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
}

/** A call to the sandbox's admin surface (`/_sandbox/...` on the ARM origin: no token, the sandbox's CA). */
export function sandboxAdmin<T = unknown>(
  sandbox: SandboxInfo,
  method: 'GET' | 'POST' | 'DELETE',
  route: string,
  body?: object,
): Promise<T> {
  const url = new URL(route, sandbox.arm);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise<T>((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        ca: readFileSync(sandbox.caFile, 'utf8'),
        headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 500) >= 300)
            reject(new Error(`${method} ${route} answered ${res.statusCode}: ${text}`));
          else resolve((text ? JSON.parse(text) : undefined) as T);
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * A restore request of vm-db-01 (Linux, BEK+KEK in kv-ade-policy, template path) from its newest recovery point into
 * rg-restore, as the request dialog stores it: pending, or approved as the approval flow leaves it (the operator
 * requested, the approver decided). Seeded rather than asked for in chat: in live mode the dialog's Key Vault reads
 * verify the challenge resource (vault.azure.net), which the sandbox's loopback key vault origins cannot match.
 */
export async function restoreRequest(
  sandbox: SandboxInfo,
  azure: Azure,
  o: { id: string; newVm: string; status: 'pending' | 'approved' },
): Promise<ApprovalRecord> {
  const vm = 'vm-db-01';
  const item = { vault: 'rsv-prod-eastasia', vaultResourceGroup: 'rg-backup', ...backupNamesFor('rg-app', vm) };
  const [point] = await azure.recoveryPoints.list(item);
  const rg = (name: string) => `/subscriptions/${sandbox.subscriptionId}/resourceGroups/${name}`;
  const plan: RestorePlan = {
    vm: {
      id: `${rg('rg-app')}/providers/Microsoft.Compute/virtualMachines/${vm}`,
      name: vm,
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
        id: `${rg('rg-keys')}/providers/Microsoft.KeyVault/vaults/kv-ade-policy`,
        name: 'kv-ade-policy',
        vaultUri: sandbox.keyVaults['kv-ade-policy'],
      },
      key: 'active',
      secret: 'active',
      putBack: false,
      source: 'restoreJob',
    },
    staging: {
      id: `${rg('rg-staging')}/providers/Microsoft.Storage/storageAccounts/stagingeastasia01`,
      name: 'stagingeastasia01',
    },
    targetResourceGroup: { id: rg('rg-restore'), name: 'rg-restore' },
    subnet: {
      id: `${rg('rg-app')}/providers/Microsoft.Network/virtualNetworks/vnet-app-eastasia/subnets/snet-restore`,
      vnet: 'vnet-app-eastasia',
      subnet: 'snet-restore',
      resourceGroup: 'rg-app',
    },
    newVmName: o.newVm,
    path: 'template',
  };
  const now = new Date().toISOString();
  const person = (u: { aadObjectId: string; name: string }) => ({ aadObjectId: u.aadObjectId, name: u.name });
  return {
    id: o.id,
    status: o.status,
    plan,
    planHash: planHash(plan),
    requester: person(SANDBOX_USERS.operator),
    createdAt: now,
    expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    ...(o.status === 'approved' ? { decision: { by: person(SANDBOX_USERS.approver), at: now } } : {}),
    cards: {},
    locales: { requester: 'en', approvers: 'en' },
    retries: 0,
    updatedAt: now,
  };
}

/** A port free right now (PORT has no "any port" value). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
