/** Percentile by nearest rank (p in 0..100) of unsorted samples; undefined when there are none. */
export function percentile(samples: readonly number[], p: number): number | undefined {
  if (samples.length === 0) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function median(samples: readonly number[]): number | undefined {
  if (samples.length === 0) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function max(samples: readonly number[]): number | undefined {
  return samples.length ? samples.reduce((a, b) => (b > a ? b : a), -Infinity) : undefined;
}

/** The median of each field over repeats (fields missing in a repeat are left out of that field's median). */
export function medianOf<T extends Record<string, number | undefined>>(repeats: readonly T[]): T {
  const keys = new Set(repeats.flatMap((r) => Object.keys(r)));
  const out: Record<string, number | undefined> = {};
  for (const k of keys) {
    out[k] = median(repeats.map((r) => r[k]).filter((v): v is number => typeof v === 'number'));
  }
  return out as T;
}

/** a / b, when both are known and b is not zero. */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a !== undefined && b !== undefined && b > 0 ? a / b : undefined;
}

export const round = (v: number | undefined, digits = 0): number | undefined =>
  v === undefined ? undefined : Math.round(v * 10 ** digits) / 10 ** digits;

/** A table cell: '-' for unknown, else the number with the given digits. */
export function cell(v: number | undefined, digits = 0, suffix = ''): string {
  return v === undefined || !Number.isFinite(v) ? '-' : `${v.toFixed(digits)}${suffix}`;
}

/** Counts by key, largest first. */
export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return Object.fromEntries([...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}
