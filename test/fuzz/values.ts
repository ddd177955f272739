import type { Rng } from './prng';
import { anyString, oddString } from './strings';

/** Keys that try to pollute prototypes or shadow built-ins when an object is merged or indexed. */
export const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'then'];

/**
 * Any JSON value, of any type, nested up to `depth`. Objects may carry `__proto__` / `constructor` as own keys
 * (JSON.parse makes them own properties, and JSON.stringify sends them on the wire).
 */
export function anyValue(rng: Rng, depth = 3): unknown {
  const leaf = rng.weighted<() => unknown>([
    [3, () => anyString(rng)],
    [1, () => rng.pick([0, -1, 1e308, -0, 2 ** 53 + 1, 3.14, NaN])],
    [1, () => rng.chance(0.5)],
    [1, () => null],
  ]);
  if (depth <= 0 || rng.chance(0.5)) return leaf();
  if (rng.chance(0.3)) return Array.from({ length: rng.int(0, 4) }, () => anyValue(rng, depth - 1));
  return anyObject(rng, depth - 1);
}

export function anyObject(rng: Rng, depth = 2): Record<string, unknown> {
  const entries: [string, unknown][] = [];
  const n = rng.int(0, 5);
  for (let i = 0; i < n; i++) {
    const key = rng.weighted([
      [2, rng.pick(HOSTILE_KEYS)],
      [3, oddString(rng)],
      [3, rng.pick(FIELD_NAMES)],
    ]);
    entries.push([key, anyValue(rng, depth)]);
  }
  return withOwnKeys(entries);
}

/** An object holding exactly these own keys, `__proto__` included (as a JSON body parser would build it). */
export function withOwnKeys(entries: [string, unknown][]): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  for (const [k, v] of entries)
    Object.defineProperty(obj, k, { value: v, enumerable: true, writable: true, configurable: true });
  return obj;
}

/** Field names the bot's card data and payloads use, so random data sometimes lands on a real field. */
export const FIELD_NAMES = [
  'verb',
  'vm',
  'vmId',
  'vault',
  'point',
  'requestId',
  'planHash',
  'flowId',
  'step',
  'page',
  'locale',
  'language',
  'staging',
  'resourceGroup',
  'subnet',
  'vmName',
  'keyVault',
  'target',
  'policy',
  'retention',
  'jobId',
  'conversationId',
  'data',
  'id',
];

/** Replaces the value at a random path of `obj` with something of another type (or deletes it). */
export function mutate(rng: Rng, obj: unknown, times = rng.int(1, 4)): unknown {
  const copy = JSON.parse(JSON.stringify(obj)) as unknown;
  for (let i = 0; i < times; i++) mutateOnce(rng, copy);
  return copy;
}

function mutateOnce(rng: Rng, root: unknown): void {
  let node = root;
  for (let depth = 0; depth < 8; depth++) {
    if (!node || typeof node !== 'object') return;
    const keys = Object.keys(node);
    if (keys.length === 0) return;
    const key = rng.pick(keys);
    const child = (node as Record<string, unknown>)[key];
    if (child && typeof child === 'object' && rng.chance(0.6)) {
      node = child;
      continue;
    }
    const target = node as Record<string, unknown>;
    if (rng.chance(0.25)) delete target[key];
    else if (rng.chance(0.15))
      Object.defineProperty(target, rng.pick(HOSTILE_KEYS), {
        value: anyValue(rng, 2),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else target[key] = anyValue(rng, 2);
    return;
  }
}
