import { cardIdOf, cardOf, message, SANDBOX_USERS, startTestBot, textsOf, type TestBot } from '../support/bot';

const verbsOf = (card: any): { verb: string; data: any }[] => {
  const out: { verb: string; data: any }[] = [];
  const walk = (n: any) => {
    if (!n || typeof n !== 'object') return;
    if (n.type === 'Action.Execute') out.push({ verb: n.verb, data: n.data });
    Object.values(n).forEach(walk);
  };
  walk(card);
  return out;
};

// `posture` through the real composition and the sandbox world (vm-drift-01, vm-lateenc-01 are its posture residents).
describe('posture command', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(() => t.close());
  const o = (extra = {}) => ({ serviceUrl: t.connector.url, ...extra });

  it('reports a vault’s problems, each with its fix pre-filled, and counts its reads in the watcher’s budget', async () => {
    const before = t.bot.notifications.budget.used();
    const [sent] = await t.send(message('posture rsv-prod-eastasia', o()));
    expect(cardIdOf(sent)).toBe('card.posture.report');
    const card = cardOf(sent)!;
    const text = textsOf(card).join('\n');
    expect(text).toMatch(/Backup posture: rsv-prod-eastasia/);
    expect(text).toMatch(/vm-drift-01.*kv-ade-revoked.*no longer lets Azure Backup/);
    expect(text).toMatch(/vm-lateenc-01.*encrypted after backup was enabled/);
    expect(text).toMatch(/vm-nogrant-01.*no successful backup for more than 26 hours/);
    const fixes = verbsOf(card);
    expect(fixes).toContainEqual({
      verb: 'grantAccess.start',
      data: { vm: 'vm-drift-01', keyVault: 'kv-ade-revoked' },
    });
    expect(fixes).toContainEqual({
      verb: 'grantAccess.start',
      data: { vm: 'vm-lateenc-01', keyVault: 'kv-ade-nogrant' },
    });
    expect(fixes).toContainEqual({ verb: 'backupNow.start', data: { vm: 'vm-nogrant-01' } });
    expect(t.bot.notifications.budget.used()).toBeGreaterThan(before);
  });

  it('the subscription: encrypted VMs without backup and BEK-only VMs too, in Traditional Chinese', async () => {
    const [sent] = await t.send(message('posture', o({ locale: 'zh-TW' })));
    const text = textsOf(cardOf(sent)).join('\n');
    expect(text).toMatch(/備份狀態：我管理的所有訂用帳戶/);
    expect(text).toMatch(/已檢查 \d+ 部 VM/);
    expect(verbsOf(cardOf(sent)).map((f) => f.verb)).toEqual(
      expect.arrayContaining(['enableBackup.start', 'check.start']),
    );
  });

  it('answers an unknown vault and a viewer clearly', async () => {
    const [unknown] = await t.send(message('posture rsv-nope', o()));
    expect(unknown.activity.text).toBe('There is no Recovery Services vault named rsv-nope.');
    const [refused] = await t.send(message('posture', o({ user: SANDBOX_USERS.viewer, conversationId: 'viewer' })));
    expect(refused.activity.text).toMatch(/only/i);
    expect(cardIdOf(refused)).toBeUndefined();
  });
});
