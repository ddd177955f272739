import { durationLabel, jobOperationLabel, jobStatusLabel } from '../../src/dialogs/jobs/format';
import { nearest } from '../../src/dialogs/suggest';
import { dictionary, t } from '../../src/i18n';

/** Issue 20, point 10 and the zh-TW section: plurals, durations, job words, secrets, and the typo distance. */
describe('first-hour wording', () => {
  it('pluralises in English and needs no plural in Chinese', () => {
    expect(t('en', 'enable.confirm.button', { count: 1 })).toBe('Enable backup for 1 VM');
    expect(t('en', 'enable.confirm.button', { count: 2 })).toBe('Enable backup for 2 VMs');
    expect(t('en', 'check.result.bad', { count: 1 })).toMatch(/^1 check failed\./);
    expect(t('en', 'check.result.bad', { count: 2 })).toMatch(/^2 checks failed\./);
    expect(t('en', 'jobs.list.intro', { count: 1, failed: 0 })).toMatch(/^1 job in the last 7 days/);
    expect(t('zh-TW', 'enable.confirm.button', { count: 2 })).toBe('為 2 部 VM 啟用備份');
    const raw = (['en', 'zh-TW'] as const).flatMap((l) =>
      Object.entries(dictionary(l)).filter(([, text]) => /\((s|es)\)/.test(text)),
    );
    expect(raw).toEqual([]);
  });

  it('shows job durations as people say them', () => {
    expect(durationLabel('en', '00:05:00.0000000')).toBe('5 min');
    expect(durationLabel('en', '00:04:31')).toBe('5 min');
    expect(durationLabel('en', '00:00:12.5')).toBe('under a minute');
    expect(durationLabel('en', '1.02:03:04')).toBe('26 h 3 min');
    expect(durationLabel('zh-TW', '00:20:00')).toBe('20 分鐘');
    expect(durationLabel('en', 'PT5M')).toBe('PT5M');
    expect(durationLabel('en', undefined)).toBeUndefined();
  });

  it('translates job statuses and operations, and keeps unknown ones as Azure names them', () => {
    expect(`${jobStatusLabel('zh-TW', 'Failed')} · ${jobOperationLabel('zh-TW', 'Backup')}`).toBe('失敗 · 備份');
    expect(`${jobStatusLabel('zh-TW', 'Completed')} · ${jobOperationLabel('zh-TW', 'ConfigureBackup')}`).toBe(
      '已完成 · 設定備份',
    );
    expect(jobStatusLabel('en', 'CompletedWithWarnings')).toBe('Completed with warnings');
    expect(jobOperationLabel('en', 'SomethingNew')).toBe('SomethingNew');
  });

  it('says 祕密 for Key Vault secrets, never 密碼 (password)', () => {
    const zh = Object.values(dictionary('zh-TW')).join('\n');
    expect(zh).not.toContain('密碼');
    for (const key of [
      'command.grantAccess',
      'grant.confirm.why',
      'grant.fact.secrets',
      'grant.result.verified',
    ] as const)
      expect(dictionary('zh-TW')[key]).toContain('祕密');
  });

  it('says the translationese items of the issue as a Taiwanese engineer would', () => {
    expect(t('zh-TW', 'enable.confirm.intro')).not.toContain('以下正是');
    expect(t('zh-TW', 'grant.confirm.title', { keyVault: 'kv-ade-rbac' })).toBe(
      '確認：授與 Azure 備份對 kv-ade-rbac 的存取權',
    );
    expect(t('zh-TW', 'check.row.permission')).toBe('Azure 備份的存取權');
    expect(
      t('zh-TW', 'enable.policy.choice', { name: 'DefaultPolicy', isDefault: ' (保存庫的預設原則)', schedule: '每天' }),
    ).toBe('DefaultPolicy (保存庫的預設原則)：每天');
  });

  it('suggests the one name a typo is near, and nothing when two are as near or none is', () => {
    const vms = ['vm-db-01', 'vm-web-01', 'vm-app-02', 'vm-legacy-01'];
    expect(nearest('vm-db01', vms)).toBe('vm-db-01');
    expect(nearest('VM-WEB-1', vms)).toBe('vm-web-01');
    expect(nearest('vm-ap-02', vms)).toBe('vm-app-02');
    expect(nearest('vm-db-01', vms)).toBeUndefined(); // exact: nothing to suggest
    expect(nearest('vm-nope-99', vms)).toBeUndefined();
    expect(nearest('vm-a', ['vm-ab', 'vm-ac'])).toBeUndefined();
  });
});
