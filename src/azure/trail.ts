import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { HttpClient } from '@azure/core-rest-pipeline';

/**
 * The trail of the bot's writes in Azure. Every request that changes something (PUT, PATCH, POST, DELETE) carries an
 * `x-ms-client-request-id` — the SDK pipeline's own per-request id, kept on its retries — and ARM records it in the
 * Activity Log event's `httpRequest.clientRequestId`
 * (https://learn.microsoft.com/azure/azure-monitor/essentials/activity-log-schema, "httpRequest").
 * Code that audits a change runs the Azure call inside `trackWrites`, and the audit entry keeps the ids, so a person
 * can go from `audit` to the exact event in the Activity Log.
 */
export const CLIENT_REQUEST_ID = 'x-ms-client-request-id';

const WRITES = new Set(['PUT', 'PATCH', 'POST', 'DELETE']);

interface Scope {
  ids: string[];
  parent?: Scope;
}

const scopes = new AsyncLocalStorage<Scope>();
const counters = new AsyncLocalStorage<{ requests: number }[]>();

/** Runs `fn`, counting every Azure request it makes (reads too) into `counter.requests`: budgets and call tests. */
export function countRequests<T>(counter: { requests: number }, fn: () => Promise<T>): Promise<T> {
  return counters.run([...(counters.getStore() ?? []), counter], fn);
}

/**
 * Runs `fn`, collecting the client request ids of the writes it makes into `ids` (also when it throws: a failed
 * write is in the Activity Log too). Scopes nest: an outer scope sees the writes of inner ones.
 */
export function trackWrites<T>(ids: string[], fn: () => Promise<T>): Promise<T> {
  return scopes.run({ ids, parent: scopes.getStore() }, fn);
}

function record(id: string): void {
  for (let s = scopes.getStore(); s; s = s.parent) if (!s.ids.includes(id)) s.ids.push(id);
}

/** The HTTP client under every Azure SDK client: makes sure each write carries a client request id, and records it. */
export function trailHttpClient(inner: HttpClient): HttpClient {
  return {
    sendRequest: (request) => {
      for (const c of counters.getStore() ?? []) c.requests++;
      if (WRITES.has(request.method)) {
        let id = request.headers.get(CLIENT_REQUEST_ID);
        if (!id) {
          id = request.requestId || randomUUID();
          request.headers.set(CLIENT_REQUEST_ID, id);
        }
        record(id);
      }
      return inner.sendRequest(request);
    },
  };
}
