import { inspect } from 'node:util';
import { readRecoveryPoint, RecoveryPointOperations } from '../../src/azure/recoveryPoints';
import { startTestAzure, type TestAzure } from '../support/azure';
import { itemOf } from '../support/restore';

describe('recovery points', () => {
  let azure: TestAzure;
  let points: RecoveryPointOperations;
  beforeAll(async () => {
    azure = await startTestAzure();
    points = new RecoveryPointOperations(azure.clients);
  });
  afterAll(() => azure.close());

  it("lists vm-db-01's fourteen daily points newest first, all restorable from a template", async () => {
    const list = await points.list(itemOf('vm-db-01'));
    expect(list).toHaveLength(14);
    const times = list.map((p) => p.time.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(list.every((p) => p.templateRestorable && !p.legacyKeyAndSecret && p.encrypted)).toBe(true);
  });

  it('filters by date on the server, in Azure Backup date format', async () => {
    const to = new Date();
    const from = new Date(to.getTime() - 3.5 * 24 * 3600 * 1000);
    const mark = azure.sandbox.log.mark();
    const recent = await points.list(itemOf('vm-db-01'), { from, to });
    expect(recent.length).toBeGreaterThanOrEqual(3);
    expect(recent.length).toBeLessThanOrEqual(4);
    const [request] = azure.requestsSince(mark);
    expect(decodeURIComponent(request.path + '?' + (request as { query?: string }).query)).toMatch(
      /startDate eq '\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} (AM|PM)'/,
    );
  });

  it("marks vm-legacy-01's 2017 points: no template, key and secret in the point itself", async () => {
    const old = await points.list(itemOf('vm-legacy-01'), {
      from: new Date('2017-01-01T00:00:00Z'),
      to: new Date('2017-12-31T00:00:00Z'),
    });
    expect(old).toHaveLength(2);
    expect(old.every((p) => !p.templateRestorable && p.legacyKeyAndSecret)).toBe(true);
    expect(old[0].time.toISOString()).toBe('2017-03-22T22:30:00.000Z');
  });

  it('reads a legacy point with its key and secret, which never print', async () => {
    const [legacy] = await points.list(itemOf('vm-legacy-01'), {
      from: new Date('2017-01-01'),
      to: new Date('2017-12-31'),
    });
    const summary = await points.get(itemOf('vm-legacy-01'), legacy.name);
    expect(summary).toMatchObject({ name: legacy.name, legacyKeyAndSecret: true, templateRestorable: false });
    const { keyAndSecret } = await readRecoveryPoint(azure.clients, itemOf('vm-legacy-01'), legacy.name);
    expect(keyAndSecret?.keyBackup).toBeTruthy();
    expect(keyAndSecret?.secretData).toBeTruthy();
    const printed = JSON.stringify({ keyAndSecret }) + inspect(keyAndSecret);
    expect(printed).not.toContain(keyAndSecret!.keyBackup!);
    expect(printed).not.toContain(keyAndSecret!.secretData!);
    expect(printed).toContain(keyAndSecret!.secretUrl);
  });
});
