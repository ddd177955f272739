/** The languages the bot replies in. Add one here and give every file in ./messages a dictionary for it. */
export const LOCALES = ['en', 'zh-TW'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/**
 * Maps what users type (`zh-tw`, `中文`, `English`) and what Teams sends (`activity.locale`, e.g. `zh-TW`, `zh-Hant-HK`,
 * `en-US`) to a supported locale, or undefined.
 */
export function normalizeLocale(value: string | undefined): Locale | undefined {
  const v = value?.trim().toLowerCase().replace(/_/g, '-');
  if (!v) return undefined;
  if (v === 'en' || v.startsWith('en-') || v === 'english' || v === '英文') return 'en';
  if (/^zh-(tw|hk|mo|hant)(-|$)/.test(v) || v === 'zh' || v === '中文' || v === '繁體中文' || v === '繁中')
    return 'zh-TW';
  return undefined;
}

/** The user's own choice wins over the activity's locale (the Agents Playground always sends en-US). */
export function resolveLocale(chosen: string | undefined, activityLocale: string | undefined): Locale {
  return normalizeLocale(chosen) ?? normalizeLocale(activityLocale) ?? DEFAULT_LOCALE;
}
