import { createAzure } from '../../src/azure';
import { readPosture } from '../../src/notifications/posture';
import { startTestAzure, type TestAzure } from '../support/azure';

// Posture against the sandbox world (real SDK clients): every case has its resident, and the cost is counted from
// the sandbox's request log, not estimated.
describe('posture', () => {
  let azure: TestAzure;
  beforeAll(async () => {
    azure = await startTestAzure();
  });
  afterAll(() => azure.close());

  const deps = () => ({ azure: createAzure(azure.settings), allowBekOnly: false, rpoHours: 26 });
  const byKind = (findings: { kind: string; vm: { name: string } }[]) => {
    const out: Record<string, string[]> = {};
    for (const f of findings) (out[f.kind] ??= []).push(f.vm.name);
    return out;
  };

  it('finds what will fail, by kind, across the subscription', async () => {
    const mark = azure.sandbox.log.mark();
    const report = await readPosture(deps());
    const found = byKind(report.findings);
    expect(found.permissionDrift).toEqual(['vm-drift-01']);
    expect(found.encryptedAfterProtection).toEqual(['vm-lateenc-01']);
    expect(found.noGrant).toEqual(['vm-nogrant-01']);
    expect(found.bekOnly).toEqual(['vm-bek-01']);
    expect(found.pastRpo).toEqual(['vm-nogrant-01']);
    expect(found.unprotectedEncrypted).toEqual(
      expect.arrayContaining(['vm-web-01', 'vm-app-02', 'vm-rbac-01', 'vm-noagent-01', 'vm-sea-01']),
    );
    expect(found.unprotectedEncrypted).not.toContain('vm-plain-01');
    // Healthy protected VMs are not mentioned.
    for (const vm of ['vm-db-01', 'vm-legacy-01', 'vm-softkey-01'])
      expect(report.findings.map((f) => f.vm.name)).not.toContain(vm);
    const drift = report.findings.find((f) => f.kind === 'permissionDrift')!;
    expect(drift.keyVault?.name).toBe('kv-ade-revoked');
    // Reads only, and the count is the sandbox's own.
    const requests = azure.requestsSince(mark);
    expect(requests.every((r) => r.method === 'GET' || r.routeId === 'backupStatus.get')).toBe(true);
    expect(report.reads).toBe(requests.length);
    // The cost per VM the README quotes (docs/on-call.md): at most 4 ARM reads per VM plus a fixed part.
    const perVm = report.reads / report.vms;
    expect(perVm).toBeLessThanOrEqual(4);
    if (process.env.POSTURE_COST) console.log({ vms: report.vms, reads: report.reads, perVm });
  });

  it('for one vault: only its protected VMs, fewer reads', async () => {
    const report = await readPosture(deps(), { vault: 'rsv-prod-eastasia' });
    const names = report.findings.map((f) => f.vm.name);
    expect(names).toContain('vm-drift-01');
    expect(names).not.toContain('vm-web-01'); // unprotected: not the vault's
    expect(report.vms).toBeLessThan((await readPosture(deps())).vms);
  });
});
