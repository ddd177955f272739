import { backupAlert } from '../notifications/support/alerts';
import type { FuzzRequest } from './activities';
import type { Rng } from './prng';
import { anyString, oddString } from './strings';
import { anyValue, mutate, withOwnKeys } from './values';

/** Lone surrogates cannot be percent-encoded: send a malformed escape instead, which a server must also survive. */
const encode = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80%';
  }
};

const VMS = ['vm-app-01', 'vm-nogrant-01', 'vm-missing', 'vm-sql-01'];

/** A body for /api/alerts: right / wrong / missing / repeated tokens, broken and forged common-schema alerts. */
export function alertsRequest(rng: Rng, token: string, n: number): FuzzRequest {
  const tokenQuery = rng.weighted<string>([
    [12, `token=${encodeURIComponent(token)}`],
    [1, ''],
    [1, `token=${encodeURIComponent(token.slice(0, -1))}x`],
    [1, `token=${encodeURIComponent(token)}&token=${encodeURIComponent(token)}`],
    [1, `token[a]=${encodeURIComponent(token)}`],
    [1, `token=${encode(oddString(rng))}`],
  ]);
  const contentType = rng.weighted<string>([
    [20, 'application/json'],
    [1, 'text/plain'],
    [1, 'application/merge-patch+json'],
    [1, ''],
  ]);
  const alert = backupAlert({
    jobId: `fuzz-job-${n}`,
    vm: rng.pick(VMS),
    code: rng.chance(0.8) ? undefined : oddString(rng),
  });
  const shape = rng.weighted<string>([
    [10, 'mutated'],
    [2, 'valid'],
    [2, 'resolved'],
    [2, 'random'],
    [1, 'notJson'],
    [1, 'huge'],
    [1, 'proto'],
  ]);
  let body: string;
  if (shape === 'valid') body = JSON.stringify(alert);
  else if (shape === 'resolved') {
    alert.data.essentials.monitorCondition = rng.pick(['Resolved', 'resolved', oddString(rng)]);
    body = JSON.stringify(alert);
  } else if (shape === 'mutated') body = JSON.stringify(mutate(rng, alert, rng.int(1, 6)));
  else if (shape === 'random') body = JSON.stringify(anyValue(rng, 3) ?? null);
  else if (shape === 'notJson') body = rng.pick(['{"schemaId":', '', '\u0000', oddString(rng)]);
  else if (shape === 'huge') {
    alert.data.essentials.description = anyString(rng) + 'x'.repeat(rng.int(1_000, 400_000));
    body = JSON.stringify(alert);
  } else {
    const proto = withOwnKeys([
      ['__proto__', { polluted: 'alerts' }],
      ['constructor', { prototype: { polluted: 'alerts' } }],
    ]);
    alert.data.alertContext = withOwnKeys([
      ...Object.entries(alert.data.alertContext as object),
      ['__proto__', { polluted: 'alerts' }],
    ]);
    body = JSON.stringify({ ...alert, ...proto });
  }
  return { path: '/api/alerts', query: tokenQuery, contentType, body, kind: `alerts.${shape}` };
}
