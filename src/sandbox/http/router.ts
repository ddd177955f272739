import type { Route } from './types';

interface CompiledRoute {
  route: Route;
  segments: { literal?: string; param?: string }[];
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

/**
 * Matches request paths against route templates. ARM treats path segments case-insensitively
 * (the SDKs send both `/Subscriptions/` and `/subscriptions/`, `resourceGroups` and `resourcegroups`),
 * so literal segments compare lower-cased; captured parameters keep their casing.
 */
export class Router {
  private readonly compiled: CompiledRoute[] = [];

  constructor(routes: readonly Route[] = []) {
    routes.forEach((r) => this.add(r));
  }

  add(route: Route): void {
    const segments = splitPath(route.path).map((s) =>
      s.startsWith('{') && s.endsWith('}') ? { param: s.slice(1, -1) } : { literal: s.toLowerCase() },
    );
    this.compiled.push({ route, segments });
  }

  /** Routes whose path matches, regardless of method (to tell 404 from 405). */
  match(method: string, path: string): { match?: RouteMatch; pathKnown: boolean } {
    const parts = splitPath(path);
    let pathKnown = false;
    for (const c of this.compiled) {
      const params = matchSegments(c.segments, parts);
      if (!params) continue;
      pathKnown = true;
      if (c.route.method === method) return { match: { route: c.route, params }, pathKnown };
    }
    return { pathKnown };
  }

  routes(): Route[] {
    return this.compiled.map((c) => c.route);
  }
}

function matchSegments(segments: CompiledRoute['segments'], parts: string[]): Record<string, string> | undefined {
  if (segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    if (s.literal !== undefined) {
      if (s.literal !== parts[i].toLowerCase()) return undefined;
    } else if (s.param) {
      if (!parts[i]) return undefined;
      params[s.param] = parts[i];
    }
  }
  return params;
}

export function splitPath(path: string): string[] {
  return path
    .split('?')[0]
    .split('/')
    .filter((p) => p.length > 0)
    .map((p) => safeDecode(p));
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
