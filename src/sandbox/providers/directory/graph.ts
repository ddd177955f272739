import { randomUUID } from 'node:crypto';
import type { SandboxRequest, SandboxResponse } from '../../http/types';

/** Microsoft Graph v1.0 conventions: its own error shape (innerError with ids) and OData annotations. */
export const GRAPH_BASE = 'https://graph.microsoft.com/v1.0';

export function graphError(req: SandboxRequest, status: number, code: string, message: string): SandboxResponse {
  return {
    status,
    body: {
      error: {
        code,
        message,
        innerError: {
          date: new Date().toISOString().replace(/\.\d{3}Z$/, ''),
          'request-id': randomUUID(),
          'client-request-id': String(req.headers['client-request-id'] ?? randomUUID()),
        },
      },
    },
  };
}

export const resourceNotFound = (req: SandboxRequest, id: string): SandboxResponse =>
  graphError(
    req,
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );

/** Applies `$select` (comma-separated property names); `id` is always kept, as Graph does. */
export function select<T extends object>(req: SandboxRequest, item: T): Partial<T> {
  const raw = req.query.get('$select');
  if (!raw) return item;
  const wanted = new Set(['id', ...raw.split(',').map((s) => s.trim())]);
  return Object.fromEntries(Object.entries(item).filter(([k]) => wanted.has(k))) as Partial<T>;
}

/** Parses `$filter` clauses `prop eq 'value'` joined by `and`; undefined when the syntax is beyond that. */
export function parseGraphFilter(filter: string | null): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  if (!filter) return out;
  for (const clause of filter.split(/\s+and\s+/i)) {
    const m = /^\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*$/i.exec(clause);
    if (!m) return undefined;
    out[m[1]] = m[2].replace(/''/g, "'");
  }
  return out;
}
