import { ProtectionOperations } from '../../src/azure/protection';
import { explain } from '../../src/azure/troubleshooting';
import { VmOperations } from '../../src/azure/vms';
import { startTestAzure, type TestAzure } from '../support/azure';
import { armCalls } from '../support/azureOps';

/** A sandbox that asks clients to wait 5 s between polls, as Azure Backup asks for 60 s. */
describe('following an operation', () => {
  let azure: TestAzure;
  beforeAll(async () => {
    azure = await startTestAzure({ timing: { retryAfterSeconds: 5, lroMs: 30 } });
  });
  afterAll(() => azure.close());

  it('waits the Retry-After the service asks for, and stops when the abort signal fires', async () => {
    const vm = await new VmOperations(azure.clients).get('vm-db-01', 'rg-app');
    const controller = new AbortController();
    const mark = azure.sandbox.log.mark();
    const started = Date.now();
    const run = new ProtectionOperations(azure.clients).triggerBackup(
      { vm, retainUntil: new Date(Date.now() + 86_400_000) },
      { abortSignal: controller.signal },
    );
    setTimeout(() => controller.abort(), 300);
    const err = await run.catch((e) => e);
    expect(err?.name).toBe('AbortError');
    expect(Date.now() - started).toBeLessThan(2000);
    // The backup was accepted, and no poll went out before the 5 s Retry-After elapsed.
    const calls = armCalls(azure, mark);
    expect(calls.filter((c) => c.startsWith('POST '))).toHaveLength(1);
    expect(calls.filter((c) => /operationsStatus|backupOperations/i.test(c))).toEqual([]);
    expect(explain(err, 'en').code).toBe('OperationCanceled');
  });
});
