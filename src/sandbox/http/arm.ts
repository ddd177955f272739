import type { Operation } from '../engine';
import { badRequest } from './errors';
import type { ProviderContext, SandboxRequest, SandboxResponse } from './types';

/** /subscriptions/{sub}/resourceGroups/{rg} */
export const rgId = (sub: string, rg: string): string => `/subscriptions/${sub}/resourceGroups/${rg}`;

/** A resource id under a resource group: /subscriptions/{sub}/resourceGroups/{rg}/providers/{type}/{name} */
export const resourceId = (sub: string, rg: string, type: string, name: string): string =>
  `${rgId(sub, rg)}/providers/${type}/${name}`;

/** The absolute URL of a path on the listener that received `req`, with the request's api-version. */
export function absoluteUrl(req: SandboxRequest, path: string, extraQuery: Record<string, string> = {}): string {
  const url = new URL(path, req.origin);
  const v = req.query.get('api-version');
  if (v) url.searchParams.set('api-version', v);
  for (const [k, val] of Object.entries(extraQuery)) url.searchParams.set(k, val);
  return url.toString();
}

/**
 * 202 Accepted for a long-running operation, with absolute Location / Azure-AsyncOperation URLs and Retry-After,
 * as ARM sends them. `locationPath` and `asyncPath` are the operation-result and operation-status paths.
 */
export function accepted(
  req: SandboxRequest,
  ctx: ProviderContext,
  paths: { location?: string; asyncOperation?: string },
  body: unknown = undefined,
): SandboxResponse {
  const headers: Record<string, string> = { 'Retry-After': String(ctx.timing.retryAfterSeconds) };
  if (paths.location) headers.Location = absoluteUrl(req, paths.location);
  if (paths.asyncOperation) headers['Azure-AsyncOperation'] = absoluteUrl(req, paths.asyncOperation);
  return { status: 202, headers, body };
}

/** The body of an Azure-AsyncOperation poll. */
export function operationStatusBody(op: Operation): Record<string, unknown> {
  const body: Record<string, unknown> = { id: op.id, name: op.id, status: op.status, startTime: op.startTime };
  if (op.endTime) body.endTime = op.endTime;
  if (op.error) body.error = op.error;
  if (op.properties) body.properties = op.properties;
  return body;
}

/**
 * One page of a list, with an absolute nextLink (api-version and $skipToken included) when more remain,
 * so the SDK's listNext, which sends the link verbatim, comes back here.
 */
export function page<T>(req: SandboxRequest, items: T[], pageSize: number): { value: T[]; nextLink?: string } {
  const token = req.query.get('$skipToken') ?? req.query.get('$skiptoken');
  const start = token ? Number.parseInt(token, 10) : 0;
  if (!Number.isFinite(start) || start < 0)
    throw badRequest('InvalidSkipToken', `The skip token '${token}' is invalid.`);
  const value = items.slice(start, start + pageSize);
  if (start + pageSize >= items.length) return { value };
  const url = new URL(req.path, req.origin);
  req.query.forEach((v, k) => {
    if (k.toLowerCase() !== '$skiptoken') url.searchParams.set(k, v);
  });
  url.searchParams.set('$skipToken', String(start + pageSize));
  return { value, nextLink: url.toString() };
}

/**
 * Parses the OData `$filter` subset Azure Backup accepts: clauses `name eq 'value'` joined by `and`.
 * Unknown syntax is a 400, as the service does.
 */
export function parseEqFilter(filter: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!filter || filter.trim() === '') return out;
  const clauses = filter.split(/\s+and\s+/i);
  for (const clause of clauses) {
    const m = /^\s*([A-Za-z]+)\s+eq\s+'([^']*)'\s*$/i.exec(clause);
    if (!m) throw badRequest('BMSUserErrorInvalidFilter', `The filter clause '${clause.trim()}' is not supported.`);
    out[m[1].toLowerCase()] = m[2];
  }
  return out;
}

/** Parses Azure Backup's filter date format `yyyy-MM-dd hh:mm:ss tt` (12-hour clock, UTC). Also accepts ISO 8601. */
export function parseBackupDate(value: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{1,2}):(\d{2}):(\d{2}) ?(AM|PM)?$/i.exec(value.trim());
  if (m) {
    let hour = Number(m[4]);
    const ampm = m[7]?.toUpperCase();
    if (ampm === 'PM' && hour < 12) hour += 12;
    if (ampm === 'AM' && hour === 12) hour = 0;
    return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), hour, Number(m[5]), Number(m[6]));
  }
  const t = Date.parse(value);
  if (Number.isNaN(t))
    throw badRequest(
      'BMSUserErrorInvalidDateFormat',
      `The date '${value}' is not in the expected format 'yyyy-MM-dd hh:mm:ss tt'.`,
    );
  return t;
}

export const ok = (body: unknown, status = 200): SandboxResponse => ({ status, body });
export const noContent = (): SandboxResponse => ({ status: 204 });
