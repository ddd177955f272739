/**
 * "Did you mean …?" for typed names and commands: the candidate nearest to what was typed, by edit distance
 * (insert, delete, substitute, or swap two neighbours: `enabel` -> `enable`), case-insensitive. Only a candidate
 * clearly nearest is offered: within `max` edits and no tie with another candidate at the same distance.
 */
export function nearest(typed: string, candidates: readonly string[], max = 2): string | undefined {
  const text = typed.trim().toLowerCase();
  if (!text) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  let tie = false;
  for (const c of new Set(candidates)) {
    const d = distance(text, c.toLowerCase(), max);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
      tie = false;
    } else if (d === bestDistance && c.toLowerCase() !== best?.toLowerCase()) tie = true;
  }
  return best !== undefined && bestDistance > 0 && bestDistance <= max && !tie ? best : undefined;
}

/** Optimal string alignment distance, giving up (returning max + 1) once every path is past `max`. */
export function distance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        rows[0][j] = j;
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
      rows[i][j] = d;
      rowMin = Math.min(rowMin, d);
    }
    if (i > 0 && rowMin > max) return max + 1;
  }
  return rows[a.length][b.length];
}
