import https from 'node:https';
import type { TestAzure } from '../support/azure';

/** Shared names and a raw HTTPS call for the Recovery Services sandbox tests. */
export const VAULT = 'rsv-prod-eastasia';
export const RG = 'rg-backup';
export const SUB = '22222222-2222-4222-8222-222222222222';
export const VAULT_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.RecoveryServices/vaults/${VAULT}`;
export const API = 'api-version=2023-06-01';

export const names = (vm: string, rg = 'rg-app') => ({
  container: `iaasvmcontainer;iaasvmcontainerv2;${rg};${vm}`,
  item: `vm;iaasvmcontainerv2;${rg};${vm}`,
  vmId: `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/${vm}`,
});

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** A request straight to the ARM listener (admin routes, or an ARM call with a token the test minted). */
export function raw(
  azure: TestAzure,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown } = {},
): Promise<RawResponse> {
  const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${azure.sandbox.endpoints.arm}${path}`,
      {
        method,
        ca: azure.sandbox.ca,
        headers: {
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : undefined });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Polls `check` until it returns a value (the sandbox settles its clock on every request). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('Timed out waiting for the sandbox.');
    await new Promise((r) => setTimeout(r, 20));
  }
}
