import { DEFAULT_LOCALE, type Locale } from './locale';
import * as access from './messages/access';
import * as audit from './messages/audit';
import * as auditExport from './messages/auditExport';
import * as commands from './messages/commands';
import * as core from './messages/core';
import * as firstHour from './messages/firstHour';
import * as notifications from './messages/notifications';
import * as portal from './messages/portal';
import * as posture from './messages/posture';
import * as ownership from './messages/ownership';
import * as protect from './messages/protect';
import * as rehearsal from './messages/rehearsal';
import * as rehearsalNotify from './messages/rehearsalNotify';
import * as restore from './messages/restore';

export * from './locale';

// One dictionary per area (./messages/<area>.ts), each with an `en` and a `zhTW` object holding the same keys
// (the compiler checks). A later flow adds its own area file and spreads it in here.
const en = {
  ...core.en,
  ...commands.en,
  ...access.en,
  ...audit.en,
  ...restore.en,
  ...rehearsal.en,
  ...rehearsalNotify.en,
  ...protect.en,
  ...notifications.en,
  ...firstHour.en,
  ...auditExport.en,
  ...ownership.en,
  ...posture.en,
  ...portal.en,
};
export type MessageKey = keyof typeof en;

const dictionaries: Record<Locale, Record<MessageKey, string>> = {
  en,
  'zh-TW': {
    ...core.zhTW,
    ...commands.zhTW,
    ...access.zhTW,
    ...audit.zhTW,
    ...auditExport.zhTW,
    ...restore.zhTW,
    ...rehearsal.zhTW,
    ...rehearsalNotify.zhTW,
    ...protect.zhTW,
    ...notifications.zhTW,
    ...firstHour.zhTW,
    ...ownership.zhTW,
    ...posture.zhTW,
    ...portal.zhTW,
  },
};

export type MessageParams = Record<string, string | number>;

/**
 * The message `key` in `locale`, with `{name}` placeholders filled from `params`. A plural form is written
 * `{name|one|other}` (`{count} {count|VM|VMs}`): `one` when the parameter is 1, else `other`. Chinese needs none.
 */
export function t(locale: Locale, key: MessageKey, params: MessageParams = {}): string {
  const template = dictionaries[locale]?.[key] ?? dictionaries[DEFAULT_LOCALE][key] ?? key;
  if (!template.includes('{')) return template;
  return template
    .replace(/\{(\w+)\|([^|{}]*)\|([^|{}]*)\}/g, (whole, name: string, one: string, other: string) =>
      name in params ? (Number(params[name]) === 1 ? one : other) : whole,
    )
    .replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** For keys built at run time (an audit action code, a result): whether a message exists. */
export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

/** Every key, for the dictionary tests. */
export function messageKeys(): MessageKey[] {
  return Object.keys(en) as MessageKey[];
}

export function dictionary(locale: Locale): Readonly<Record<MessageKey, string>> {
  return dictionaries[locale];
}
