import { isMessageKey, t, type Locale } from '../../i18n';

/**
 * A recovery point's type as the user reads it ("application-consistent", "應用程式一致"), from Azure's
 * recoveryPointType (AppConsistent, CrashConsistent, FileSystemConsistent); any other value as Azure names it.
 */
export function pointTypeLabel(locale: Locale, type: string): string {
  const key = `restore.pointType.${type}`;
  return isMessageKey(key) ? t(locale, key) : type;
}
