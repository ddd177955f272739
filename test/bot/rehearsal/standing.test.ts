import { cardOf, textsOf } from '../../support/bot';
import { startTestAzure, type TestAzure } from '../../support/azure';
import type { RehearsalCheckpoint } from '../../../src/runs/rehearsalRun';
import { approver, operator, startRestoreBot, until, type RestoreBot } from '../approvals/restoreBot';

const DAY = 86_400_000;

/** Standing rehearsals on the sandbox's controllable clock: monthly, at most N at once, revocable, expiring. */
describe('standing rehearsals', () => {
  let azure: TestAzure;
  let bot: RestoreBot;
  const now = () => azure.sandbox.engine.now();
  const month = () => new Date(now()).toISOString().slice(0, 7);
  beforeAll(async () => {
    azure = await startTestAzure();
    bot = await startRestoreBot({ azure, rehearsal: { now, maxConcurrent: 1, days: 90, checkTimeoutMs: 2000 } });
    await bot.say(approver, 'help');
  });
  afterAll(async () => {
    await bot.close();
    await azure.close();
  });

  const feature = () => bot.rehearsal!;
  const runOf = (standingId: string, vm: string) =>
    bot.runs.get<RehearsalCheckpoint>(`rehearsal:standing-${standingId}-${vm}-${month()}`);
  const ended = (standingId: string, vm: string) =>
    until(
      `the standing rehearsal of ${vm} to end`,
      async () => {
        const r = await runOf(standingId, vm);
        return r && r.status !== 'running' ? r : undefined;
      },
      30_000,
    );
  const runningRehearsals = async () =>
    (await bot.store.signed<{ kind: string; status: string }>('runs').list()).filter(
      (r) => r.value.kind === 'rehearsal' && r.value.status === 'running',
    ).length;
  const say = async (user: typeof operator, text: string) =>
    (await bot.say(user, text)).map((s) => s.activity.text ?? textsOf(cardOf(s)).join('\n')).join('\n');

  it('only an approver may set one', async () => {
    expect(await say(operator, 'rehearse monthly vm-db-01')).toMatch(/Only an approver/);
    expect(await feature().standing.active()).toEqual([]);
  });

  it('runs monthly without a new approval, once a month, on the sandbox clock', async () => {
    expect(await say(approver, 'rehearse monthly vm-db-01')).toMatch(
      /Standing rehearsal approved for vm-db-01: monthly, without a new approval each time/,
    );
    const [standing] = await feature().standing.active();
    expect(standing.scope).toEqual({ kind: 'vm', name: 'vm-db-01' });
    const first = await ended(standing.id, 'vm-db-01');
    expect(first.checkpoint).toMatchObject({ result: 'passed', standingId: standing.id });
    // The result went to the conversation it was approved in.
    await until('the result card', () =>
      bot.connector
        .to(`personal-${approver.id}`)
        .find((s) => /Rehearsal passed: vm-db-01/.test(textsOf(cardOf(s)).join('\n'))),
    );
    // Again this month: nothing new.
    expect((await feature().tick()).started).toEqual([]);
    // A month later on the sandbox clock: this month's rehearsal starts by itself.
    azure.sandbox.engine.advance(31 * DAY);
    const { started } = await feature().tick();
    expect(started).toEqual([`rehearsal:standing-${standing.id}-vm-db-01-${month()}`]);
    expect((await ended(standing.id, 'vm-db-01')).checkpoint.result).toBe('passed');
    // Shown by `rehearsals`, with who approved it and when it expires; audited.
    const list = await say(operator, 'rehearsals');
    expect(list).toMatch(/🔁 vm-db-01: monthly, approved by .*, expires /);
    const audit = await bot.audit('vm-db-01');
    expect(audit.some((e) => e.action === 'rehearsal.standing' && e.result === 'approved')).toBe(true);
    expect(audit.filter((e) => e.action === 'rehearsal.run' && e.result === 'started')).toHaveLength(2);
  });

  it('a vault-wide one respects the maximum at once, and a revoked one starts nothing more', async () => {
    await say(approver, 'rehearse monthly rsv-prod-eastasia');
    const vaultWide = (await feature().standing.active()).find((s) => s.scope.kind === 'vault')!;
    expect(vaultWide).toBeDefined();
    await until('a rehearsal of the vault to start', async () => ((await runningRehearsals()) > 0 ? true : undefined));
    // One at a time (REHEARSAL_MAX_CONCURRENT=1): a tick while one runs starts none.
    expect((await feature().tick()).started).toEqual([]);
    expect(await runningRehearsals()).toBe(1);
    // Revoked from the `rehearsals` card's button.
    const list = (await bot.say(approver, 'rehearsals')).find((s) => cardOf(s))!;
    await bot.click(
      approver,
      'rehearsal.revoke',
      { standingId: vaultWide.id },
      bot.idOf(list),
      `personal-${approver.id}`,
    );
    expect((await feature().standing.active()).map((s) => s.scope.kind)).toEqual(['vm']);
    await until(
      'the running rehearsal to end',
      async () => ((await runningRehearsals()) === 0 ? true : undefined),
      30_000,
    );
    expect((await feature().tick()).started).toEqual([]);
    const audit = await bot.audit('rsv-prod-eastasia');
    expect(audit.some((e) => e.action === 'rehearsal.standing' && e.details?.revoked === 'true')).toBe(true);
  });

  it('expires after REHEARSAL_STANDING_DAYS: no rehearsal starts, the expiry is audited', async () => {
    azure.sandbox.engine.advance(91 * DAY);
    expect((await feature().tick()).started).toEqual([]);
    expect(await feature().standing.active()).toEqual([]);
    const audit = await bot.audit('vm-db-01');
    expect(audit.some((e) => e.action === 'rehearsal.standing' && e.result === 'expired')).toBe(true);
    expect(await say(operator, 'rehearsals')).toMatch(/No standing rehearsal/);
  });
});
