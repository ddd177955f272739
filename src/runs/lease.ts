import { hostname } from 'node:os';
import type { RunRecord } from './types';

/** Another live replica holds the lease: it has not lapsed, and its owner is not a process known to be dead. */
export function heldByOther(
  lease: RunRecord['lease'],
  self: string,
  now: number,
  isDead: (owner: string) => boolean,
): boolean {
  if (!lease || lease.owner === self || lease.until <= now) return false;
  return !isDead(lease.owner);
}

/**
 * A lease owner `host:pid:nonce` of this host whose process is gone: a restarted bot takes its runs over at once
 * instead of waiting for the lease to lapse. Another host's owner is never presumed dead (its lease must lapse).
 */
export function deadOnThisHost(owner: string): boolean {
  const m = /^(.*):(\d+):[0-9a-f]+$/.exec(owner);
  if (!m || m[1] !== hostname()) return false;
  const pid = Number(m[2]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
