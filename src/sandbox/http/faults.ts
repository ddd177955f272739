import { randomUUID } from 'node:crypto';
import type { Surface } from './types';

/**
 * Fault injection, per route. A rule matches on route id (exact, or a prefix ending in '*') and/or method and
 * surface, and fires for the next `times` matching requests (default: until removed).
 */
export interface FaultRule {
  id: string;
  routeId?: string;
  method?: string;
  surface?: Surface;
  kind: 'throttle' | 'error' | 'latency' | 'drop';
  /** throttle: Retry-After seconds (default 1). */
  retryAfterSeconds?: number;
  /** error: status code (default 500). */
  status?: number;
  /** latency: added milliseconds before the request is served. */
  latencyMs?: number;
  /** How many more requests it applies to; undefined = every one. */
  times?: number;
  /** How many requests it has hit. */
  hits: number;
}

export type FaultRuleInput = Omit<FaultRule, 'id' | 'hits'>;

export class Faults {
  private rules: FaultRule[] = [];

  add(input: FaultRuleInput): FaultRule {
    const rule: FaultRule = { ...input, id: randomUUID(), hits: 0 };
    this.rules.push(rule);
    return rule;
  }

  remove(id: string): void {
    this.rules = this.rules.filter((r) => r.id !== id);
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return [...this.rules];
  }

  /** The rules that apply to this request, consuming one use of each. Latency rules come first. */
  take(request: { routeId?: string; method: string; surface: Surface }): FaultRule[] {
    const hit = this.rules.filter((r) => matches(r, request));
    for (const r of hit) {
      r.hits++;
      if (r.times !== undefined) r.times--;
    }
    this.rules = this.rules.filter((r) => r.times === undefined || r.times > 0);
    return hit.sort((a, b) => (a.kind === 'latency' ? -1 : 0) - (b.kind === 'latency' ? -1 : 0));
  }
}

function matches(rule: FaultRule, req: { routeId?: string; method: string; surface: Surface }): boolean {
  if (rule.surface && rule.surface !== req.surface) return false;
  if (rule.method && rule.method.toUpperCase() !== req.method) return false;
  if (rule.routeId) {
    if (!req.routeId) return false;
    if (rule.routeId.endsWith('*')) return req.routeId.startsWith(rule.routeId.slice(0, -1));
    return rule.routeId === req.routeId;
  }
  return true;
}
