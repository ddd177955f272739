import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { HttpClient, PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';
import { annotate, countMetric, inSpan, recordDuration } from '../telemetry';

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
      let id = request.headers.get(CLIENT_REQUEST_ID) ?? undefined;
      if (WRITES.has(request.method)) {
        if (!id) {
          id = request.requestId || randomUUID();
          request.headers.set(CLIENT_REQUEST_ID, id);
        }
        record(id);
      }
      return traced(request, id, () => inner.sendRequest(request));
    },
  };
}

/**
 * One span per Azure request, with ARM's throttling headers (`x-ms-ratelimit-remaining-*`,
 * https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling) as attributes.
 * The URL is recorded without its query string (a SAS token lives there); no header but the ones named here.
 */
async function traced(
  request: PipelineRequest,
  clientRequestId: string | undefined,
  send: () => Promise<PipelineResponse>,
): Promise<PipelineResponse> {
  const url = new URL(request.url);
  const started = Date.now();
  const base = { 'http.request.method': request.method, 'server.address': url.hostname };
  return inSpan(
    `azure ${request.method}`,
    { ...base, 'url.path': url.pathname, 'azure.client_request_id': clientRequestId },
    async (span) => {
      const response = await send();
      const throttle: Record<string, number> = {};
      if (span.isRecording())
        for (const [name, value] of response.headers) {
          const m = /^x-ms-ratelimit-remaining-(.+)$/i.exec(name);
          if (m && Number.isFinite(Number(value)))
            throttle[`azure.ratelimit.remaining.${m[1].toLowerCase()}`] = Number(value);
        }
      annotate(span, {
        'http.response.status_code': response.status,
        'azure.request_id': response.headers.get('x-ms-request-id'),
        ...throttle,
      });
      const status =
        response.status >= 500 ? '5xx' : response.status === 429 ? '429' : response.status >= 400 ? '4xx' : 'ok';
      countMetric('azure.requests', { ...base, status });
      recordDuration('azure.request.duration', Date.now() - started, base);
      return response;
    },
  );
}
