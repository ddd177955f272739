import type { Rng } from './prng';

/** Odd text: lone surrogates, right-to-left marks and scripts, zero-width characters, emoji, controls, markup. */
const ODD = [
  '\ud800',
  '\udfff',
  '\ud83d',
  '\u202e',
  '\u200f',
  '\u200b',
  '\u200d',
  '\ufeff',
  '\u0000',
  '\u0007',
  '\r\n',
  '\t',
  'שלום',
  'مرحبا',
  '還原',
  '語言',
  '👩‍👩‍👧‍👦',
  '🏳️‍🌈',
  'é',
  'ﷺ',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫ',
  '${',
  '}',
  '{{x}}',
  '${$root.secret}',
  '<script>alert(1)</script>',
  '<at>ADE Backup</at>',
  '**bold**',
  '[x](javascript:alert(1))',
  '../../etc/passwd',
  "' OR 1=1 --",
  '%s%n',
  '\\',
  '"',
  '__proto__',
  'constructor',
  'prototype',
];

const WORDS = [
  'help',
  '?',
  '說明',
  'language',
  'lang zh-TW',
  'language en',
  'restore',
  'restore vm-app-01',
  'enable backup',
  'grant access',
  'grant access kv-app',
  'backup now',
  'jobs',
  'check',
  'subscribe',
  'unsubscribe',
  'subscriptions',
  'audit',
  'cancel',
  'vm-app-01',
  'rsv-prod-eastasia',
];

export function oddString(rng: Rng): string {
  const parts: string[] = [];
  const n = rng.int(1, 8);
  for (let i = 0; i < n; i++) {
    parts.push(
      rng.weighted([
        [3, rng.pick(ODD)],
        [3, rng.pick(WORDS)],
        [2, asciiJunk(rng)],
        [1, ' '],
      ]),
    );
  }
  return parts.join(rng.chance(0.5) ? ' ' : '');
}

function asciiJunk(rng: Rng): string {
  let s = '';
  const n = rng.int(0, 12);
  for (let i = 0; i < n; i++) s += String.fromCharCode(rng.int(32, 126));
  return s;
}

/** A huge string: mostly tens of KB, rarely past the 256 KB / 1 MB body limits. */
export function hugeString(rng: Rng): string {
  const size = rng.weighted([
    [20, rng.int(1_000, 20_000)],
    [4, rng.int(20_000, 100_000)],
    [1, rng.int(300_000, 1_200_000)],
  ]);
  const unit = rng.pick(['A', '€', '😀', '\u200b', 'restore ', '\ud800']);
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

export function anyString(rng: Rng): string {
  return rng.weighted([
    [6, rng.pick(WORDS)],
    [6, oddString(rng)],
    [1, hugeString(rng)],
    [1, ''],
  ]);
}
