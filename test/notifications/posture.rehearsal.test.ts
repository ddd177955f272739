import { createAzure } from '../../src/azure';
import { postureCard } from '../../src/bot/posture/card';
import { readPosture, type RehearsalStanding } from '../../src/notifications/posture';
import { startTestAzure, type TestAzure } from '../support/azure';
import { textsOf } from '../support/bot';
import { ids } from '../support/restore';

/** Posture with rehearsals configured: encrypted, protected VMs never rehearsed or failing are findings. */
describe('posture: restore rehearsals', () => {
  let azure: TestAzure;
  beforeAll(async () => {
    azure = await startTestAzure();
  });
  afterAll(() => azure.close());

  it('names the VMs whose last rehearsal failed and those never rehearsed, with a Rehearse button', async () => {
    const results: RehearsalStanding[] = [
      { vmId: ids(azure).vm('vm-db-01'), status: 'passed', endedAt: '2026-03-13T10:00:00Z' },
      {
        vmId: ids(azure).vm('vm-agentdown-01'),
        status: 'failed',
        failedStep: 'checks',
        endedAt: '2026-03-13T11:00:00Z',
      },
    ];
    const report = await readPosture(
      { azure: createAzure(azure.settings), allowBekOnly: false, rpoHours: 26, rehearsals: async () => results },
      { vault: 'rsv-prod-eastasia' },
    );
    const of = (kind: string) => report.findings.filter((f) => f.kind === kind).map((f) => f.vm.name);
    expect(of('rehearsalFailed')).toEqual(['vm-agentdown-01']);
    expect(of('neverRehearsed')).toContain('vm-legacy-01');
    expect(of('neverRehearsed')).not.toContain('vm-db-01');
    expect(of('neverRehearsed')).not.toContain('vm-agentdown-01');
    const card = postureCard('en', report, 26);
    const text = textsOf(card).join('\n');
    expect(text).toMatch(/vm-agentdown-01\*\*: its last restore rehearsal failed at Checks/);
    expect(text).toMatch(/vm-legacy-01\*\* has never been restored in a rehearsal/);
    expect(JSON.stringify(card)).toMatch(/"verb":"rehearsal.start","data":\{"vm":"vm-agentdown-01"\}/);
    expect(textsOf(postureCard('zh-TW', report, 26)).join('\n')).toMatch(/最近一次還原演練在「檢查」失敗/);
  });

  it('says nothing about rehearsals when they are not configured', async () => {
    const report = await readPosture(
      { azure: createAzure(azure.settings), allowBekOnly: false, rpoHours: 26 },
      { vault: 'rsv-prod-eastasia' },
    );
    expect(report.findings.filter((f) => /ehears/.test(f.kind))).toEqual([]);
  });
});
