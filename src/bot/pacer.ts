/** One of Teams' limits for a bot in one conversation: at most `max` operations in any `windowMs`. */
export interface RateWindow {
  windowMs: number;
  max: number;
}

/**
 * Teams' documented per-conversation limits for a bot (posts and edits alike): 7 in 1 s, 8 in 2 s, 60 in 30 s,
 * 1,800 in an hour. Above them Teams answers 429; a storm of failed backups must not get there.
 */
export const TEAMS_CONVERSATION_LIMITS: readonly RateWindow[] = [
  { windowMs: 1_000, max: 7 },
  { windowMs: 2_000, max: 8 },
  { windowMs: 30_000, max: 60 },
  { windowMs: 3_600_000, max: 1_800 },
];

/**
 * Paces sends per conversation so every window of every limit holds. The caller sends to one conversation one at a
 * time: `wait(key)`, sleep that long, send, and `record(key)` once the send has been answered. A send reaches Teams
 * after it starts and before its answer, so spacing each start from the earlier answers keeps Teams' windows too,
 * however the network delays each one; a small margin covers the clocks.
 */
export class Pacer {
  private readonly sent = new Map<string, number[]>();
  private readonly longestMs: number;

  constructor(
    private readonly limits: readonly RateWindow[] = TEAMS_CONVERSATION_LIMITS,
    private readonly marginMs = 50,
    private readonly now: () => number = Date.now,
  ) {
    this.longestMs = Math.max(...limits.map((l) => l.windowMs));
  }

  /** Milliseconds to wait before the next send to `key` keeps within every limit (0: send now). */
  wait(key: string): number {
    const times = this.sent.get(key);
    if (!times) return 0;
    const now = this.now();
    let at = now;
    for (const { windowMs, max } of this.limits) {
      // The send `max` back must have left the window by the time this one goes.
      if (times.length >= max) at = Math.max(at, times[times.length - max] + windowMs + this.marginMs);
    }
    return at - now;
  }

  /** A send to `key` has just been answered. */
  record(key: string): void {
    const now = this.now();
    const times = this.sent.get(key) ?? [];
    times.push(now);
    while (times.length && times[0] <= now - this.longestMs) times.shift();
    this.sent.set(key, times);
  }
}
