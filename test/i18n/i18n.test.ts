import { dictionary, LOCALES, messageKeys, normalizeLocale, resolveLocale, t } from '../../src/i18n';

describe('i18n', () => {
  it('has every message in every language, none empty, placeholders kept', () => {
    for (const locale of LOCALES) {
      const dict = dictionary(locale);
      for (const key of messageKeys()) {
        expect({ locale, key, text: dict[key]?.trim() }).toEqual({ locale, key, text: expect.any(String) });
        const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
        expect({ key, placeholders: placeholders(dict[key]) }).toEqual({
          key,
          placeholders: placeholders(dictionary('en')[key]),
        });
      }
    }
  });

  it("uses Microsoft's zh-TW terms (glossary-zh-TW.md)", () => {
    const zh = Object.values(dictionary('zh-TW')).join('\n');
    for (const term of [
      '復原服務保存庫',
      '金鑰保存庫',
      '備份原則',
      '復原點',
      '金鑰和祕密',
      'VM 代理程式',
      '已加密的 VM',
    ]) {
      expect(zh).toContain(term);
    }
  });

  it('fills placeholders', () => {
    expect(t('en', 'audit.titleFor', { target: 'vm-web-01' })).toBe('Audit trail: vm-web-01');
    expect(t('zh-TW', 'error.reference', { id: 'abc' })).toBe('參考編號：abc');
  });

  it.each([
    ['zh-TW', 'zh-TW'],
    ['zh-tw', 'zh-TW'],
    ['zh-Hant-HK', 'zh-TW'],
    ['中文', 'zh-TW'],
    ['en-US', 'en'],
    ['English', 'en'],
    ['fr-FR', undefined],
    ['zh-CN', undefined],
  ])('reads %s as %s', (input, expected) => {
    expect(normalizeLocale(input)).toBe(expected);
  });

  it("prefers the user's choice, then the activity's locale, then English", () => {
    expect(resolveLocale('en', 'zh-TW')).toBe('en');
    expect(resolveLocale(undefined, 'zh-TW')).toBe('zh-TW');
    expect(resolveLocale(undefined, 'de-DE')).toBe('en');
  });
});
