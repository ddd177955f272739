import { AzureError } from '../http/errors';
import type { FaultRuleInput } from '../http/faults';
import type { Route } from '../http/types';
import type { Provider } from './provider';

const KINDS = ['throttle', 'error', 'latency', 'drop'];

/**
 * The sandbox's own admin surface (loopback, no token): the request log, fault injection and the clock.
 * Resource-specific admin actions (making a scheduled backup fail now) live with their provider.
 */
const routes: Route[] = [
  {
    id: 'admin.requests.list',
    method: 'GET',
    path: '/_sandbox/requests',
    handler: (req, ctx) => {
      const since = Number(req.query.get('since') ?? 0);
      return { status: 200, body: { mark: ctx.log.mark(), value: ctx.log.since(Number.isFinite(since) ? since : 0) } };
    },
  },
  {
    id: 'admin.requests.clear',
    method: 'DELETE',
    path: '/_sandbox/requests',
    handler: (_req, ctx) => {
      ctx.log.clear();
      return { status: 204 };
    },
  },
  {
    id: 'admin.faults.list',
    method: 'GET',
    path: '/_sandbox/faults',
    handler: (_req, ctx) => ({ status: 200, body: { value: ctx.faults.list() } }),
  },
  {
    id: 'admin.faults.add',
    method: 'POST',
    path: '/_sandbox/faults',
    handler: (req, ctx) => {
      const input = req.body as FaultRuleInput | undefined;
      if (!input || typeof input !== 'object' || !KINDS.includes(input.kind)) {
        throw new AzureError(400, 'InvalidFault', `A fault needs "kind" (one of ${KINDS.join(', ')}).`);
      }
      return { status: 201, body: ctx.faults.add(input) };
    },
  },
  {
    id: 'admin.faults.clear',
    method: 'DELETE',
    path: '/_sandbox/faults',
    handler: (_req, ctx) => {
      ctx.faults.clear();
      return { status: 204 };
    },
  },
  {
    id: 'admin.faults.delete',
    method: 'DELETE',
    path: '/_sandbox/faults/{id}',
    handler: (req, ctx) => {
      ctx.faults.remove(req.params.id);
      return { status: 204 };
    },
  },
  {
    id: 'admin.clock.advance',
    method: 'POST',
    path: '/_sandbox/clock',
    handler: (req, ctx) => {
      const ms = Number(req.body?.advanceMs);
      if (!Number.isFinite(ms) || ms < 0)
        throw new AzureError(400, 'InvalidClock', 'Body must be {"advanceMs": <non-negative number>}.');
      ctx.engine.advance(ms);
      return { status: 200, body: { now: ctx.engine.nowIso() } };
    },
  },
];

export const admin: Provider = { name: 'admin', admin: routes };
