import { AzureClients } from '../../src/azure/clients';
import { ApprovedCredential } from '../../src/azure/identity';
import type { AzureSettings } from '../../src/azure/settings';
import { startSandbox, type Sandbox, type SandboxOptions, type SandboxTiming } from '../../src/sandbox';
import { identityEnvironment, sandboxAzureSettings } from '../../src/sandbox/settings';

/** Fast timings for tests: LROs and jobs finish in tens of milliseconds, Retry-After 0. */
export const FAST: SandboxTiming = { lroMs: 30, jobMs: 80, retryAfterSeconds: 0 };

export interface TestAzure {
  sandbox: Sandbox;
  settings: AzureSettings;
  credential: ApprovedCredential;
  clients: AzureClients;
  /** Requests the sandbox served since `mark` (take `sandbox.log.mark()` first). */
  requestsSince(mark: number): { method: string; path: string; routeId?: string; status: number }[];
  close(): Promise<void>;
}

/**
 * A fresh sandbox and the real SDK clients pointed at it, as the product builds them.
 * `identity` picks the managed identity the credential runs as.
 */
export async function startTestAzure(
  opts: { identity?: string; timing?: Partial<SandboxTiming>; botAccess?: SandboxOptions['botAccess'] } = {},
): Promise<TestAzure> {
  const sandbox = await startSandbox({ timing: { ...FAST, ...opts.timing }, botAccess: opts.botAccess });
  Object.assign(process.env, identityEnvironment(sandbox));
  const settings = sandboxAzureSettings(sandbox, opts.identity);
  const credential = new ApprovedCredential(settings);
  const clients = new AzureClients(settings, credential);
  return {
    sandbox,
    settings,
    credential,
    clients,
    requestsSince: (mark) => sandbox.log.since(mark).filter((e) => e.surface !== 'identity'),
    close: () => sandbox.close(),
  };
}
