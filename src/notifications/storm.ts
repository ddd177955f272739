import { explain } from '../azure';
import type { JobEvent } from './types';

/** Per conversation: failures in the current window, and the storm (digest) it turned into, if any. */
export interface StormState {
  windowStart: string;
  count: number;
  /** The failures posted as cards in this window before the threshold (seed the digest's groups). */
  carded: { vault: string; vm: string; error: string; at: string }[];
  /** Set once the threshold is passed: the digest card's key; the storm lasts until `until`. */
  digest?: { key: string; until: string };
}

export type Route = { to: 'card' } | { to: 'digest'; key: string; startsStorm: boolean };

/**
 * Where one more failure for a conversation goes. Up to `threshold` failures within `windowMs` get their own card;
 * past that the conversation is in a storm and everything goes to one digest, until `windowMs` passes with no
 * failure (each failure extends the storm, so a long incident stays one digest).
 */
export function routeFailure(
  state: StormState | undefined,
  failure: { vault: string; vm: string; error: string; at: string },
  now: number,
  storm: { threshold: number; windowMs: number },
): { state: StormState; route: Route } {
  const iso = new Date(now).toISOString();
  const until = new Date(now + storm.windowMs).toISOString();
  if (state?.digest && Date.parse(state.digest.until) >= now) {
    return {
      state: { ...state, count: state.count + 1, digest: { ...state.digest, until } },
      route: { to: 'digest', key: state.digest.key, startsStorm: false },
    };
  }
  const fresh = !state || state.digest || now - Date.parse(state.windowStart) > storm.windowMs;
  const current: StormState = fresh ? { windowStart: iso, count: 0, carded: [] } : state!;
  const count = current.count + 1;
  if (count <= storm.threshold) {
    return { state: { ...current, count, carded: [...current.carded, failure] }, route: { to: 'card' } };
  }
  const key = `digest|${current.windowStart}`;
  return { state: { ...current, count, digest: { key, until } }, route: { to: 'digest', key, startsStorm: true } };
}

/** The error a failure is grouped under: its name where Azure gave one, else its number, else its words. */
export function errorLabel(event: Pick<JobEvent, 'error'>): string {
  const e = event.error;
  if (!e) return 'Unknown';
  // A job's errorTitle names the entity (AzureIaaSVMErrorInfo), not the error: the catalogue's name comes first.
  const known = explain(e).azureName;
  return known || (e.code !== undefined ? String(e.code) : e.title) || e.message.slice(0, 80) || 'Unknown';
}
