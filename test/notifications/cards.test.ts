import { digestCard, failureCard, rpoCard } from '../../src/bot/chatNotifications/cards';
import type { DigestCard, FailureCard, RpoCard } from '../../src/notifications';
import { adaptiveCardValidator, unresolvedBindings } from '../support/cardTemplates';
import { buttons, cardName, cardText } from './support/harness';

const delivery = { conversationId: 'c', reference: {}, version: 1, attempts: 0, createdAt: '2026-03-13T22:00:00Z' };
const failure = (locale: 'en' | 'zh-TW', change: Partial<FailureCard> = {}): FailureCard => ({
  ...delivery,
  locale,
  kind: 'failure',
  vault: 'rsv-prod-eastasia',
  vm: 'vm-nogrant-01',
  operation: 'Backup',
  count: 1,
  firstAt: '2026-03-13T22:30:00Z',
  lastAt: '2026-03-13T22:30:00Z',
  lastJobId: 'job-1',
  error: {
    code: 400105,
    title: 'UserErrorKeyVaultPermissionsNotConfigured',
    message:
      "Backup doesn't have sufficient permissions to the key vault 'kv-ade-nogrant' for backup of encrypted VMs.",
    recommendations: [],
  },
  recentJobs: ['job-1'],
  ...change,
});

// What the team reads: the failure in words, the catalogue entry, the fix, in the subscriber's language.
describe('notification cards', () => {
  const valid = adaptiveCardValidator();

  it('a failure card in Traditional Chinese uses the portal terms and keeps the fix', () => {
    const card = failureCard(failure('zh-TW'));
    expect(valid(card)).toBe(true);
    const text = cardText(card);
    expect(text).toContain('備份失敗：vm-nogrant-01');
    expect(text).toContain('金鑰保存庫');
    expect(buttons(card).map((b) => b.title)).toEqual(['授與金鑰保存庫存取權', '立即備份', '顯示作業']);
  });

  it('an alert without the key vault still offers the grant (the flow finds the key vault from the VM)', () => {
    const card = failureCard(
      failure('en', {
        error: { title: 'usererrorkeyvaultpermissionsnotconfigured', message: 'No access.', recommendations: [] },
      }),
    );
    expect(buttons(card)[0]).toEqual(
      expect.objectContaining({ verb: 'grantAccess.start', data: { keyVault: '', vm: 'vm-nogrant-01' } }),
    );
  });

  it("shows an alert's Markdown as text: a link in its description or VM name does not render as a link", () => {
    const card = failureCard(
      failure('en', {
        vm: 'vm-[x](https://evil.example)',
        error: { title: 'SomethingNew', message: '[Click to fix](https://evil.example)', recommendations: [] },
      }),
    );
    const text = cardText(card);
    expect(text).not.toMatch(/(^|[^\\])\[Click to fix(^|[^\\])\]\(/);
    expect(text).toContain('Azure says: \\[Click to fix\\]\\(https\\://evil.example\\)');
    expect(text).not.toContain('[x](https://evil.example)');
    // The button still carries the name as it is (the flow looks the VM up by it).
    expect(buttons(card).find((b) => b.verb === 'backupNow.start')?.data).toMatchObject({
      vm: 'vm-[x](https://evil.example)',
    });
  });

  it('a failure with an error the catalogue does not know still says what Azure said, and offers Back up now', () => {
    const card = failureCard(
      failure('en', { error: { title: 'SomethingNew', message: 'A new problem.', recommendations: [] } }),
    );
    expect(cardText(card)).toContain('Azure says: A new problem.');
    expect(buttons(card).map((b) => b.verb)).toEqual(['backupNow.start', 'notify.showJob']);
  });

  it('a digest stays a small valid card however many VMs and errors a storm has', () => {
    const groups: DigestCard['groups'] = {};
    const items: DigestCard['items'] = {};
    for (let i = 0; i < 400; i++) {
      groups[`e${i}|v`] = { error: `UserErrorNumber${i}`, vault: 'rsv-prod-eastasia', count: i + 1 };
      items[`v|vm-${i}`] = {
        vault: 'rsv-prod-eastasia',
        vm: `vm-${String(i).padStart(4, '0')}`,
        count: i + 1,
        lastAt: '2026-03-13T22:30:00Z',
      };
    }
    const card = digestCard({
      ...delivery,
      locale: 'en',
      kind: 'digest',
      startedAt: '2026-03-13T22:30:00Z',
      lastAt: '2026-03-13T22:40:00Z',
      total: 80_200,
      carded: 10,
      groups,
      items,
    });
    expect(valid(card)).toBe(true);
    expect(unresolvedBindings(card)).toEqual([]);
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(28 * 1024);
    const text = cardText(card);
    expect(text).toContain('80200 failed backups');
    expect(text).toContain('vm-0399'); // the worst first
    expect(text).toContain('…and 395 more VMs.');
  });

  it('an RPO card becomes "backed up again"', () => {
    const rpo: RpoCard = {
      ...delivery,
      locale: 'en',
      kind: 'rpo',
      vault: 'rsv-prod-eastasia',
      vm: 'vm-nogrant-01',
      rpoHours: 26,
      detectedAt: '2026-03-13T22:30:00Z',
    };
    expect(cardName(rpoCard(rpo))).toBe('card.notify.rpo');
    const again = rpoCard({ ...rpo, recoveredAt: '2026-03-14T01:00:00Z' });
    expect(cardText(again)).toContain('Backed up again: vm-nogrant-01');
    expect(buttons(again)).toEqual([]);
  });
});
