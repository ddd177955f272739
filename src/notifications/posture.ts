import { countRequests, type Azure, type VmListItem, type VmSummary } from '../azure';

/**
 * Posture: what will fail before it fails. One pass over the subscription's VMs (or one vault's):
 * - `unprotectedEncrypted`: an ADE-encrypted VM that no vault protects;
 * - `permissionDrift`: a protected, encrypted VM whose key vault no longer lets Backup Management Service in, although
 *   its newest recovery point is encrypted (it worked before: the access policy or role was removed);
 * - `encryptedAfterProtection`: the same missing access, and the VM's recovery points are not encrypted — it was
 *   encrypted after backup was enabled ("If you have VMs already being backed up … and have been enabled for
 *   encryption at a later point, you must give permissions", the source document);
 * - `noGrant`: the same missing access on a protected VM without recovery points yet;
 * - `bekOnly`: a VM encrypted with a BEK alone, which the default setting refuses to back up;
 * - `pastRpo`: a protected VM without a successful backup within RPO_HOURS.
 * Calls (counted, see `reads`): the VM list (a page per 50 VMs, plus one protected-items list per vault), then per VM
 * one VM read with its instance view, one disk read for single-pass ADE and one backupStatus; per key vault one read
 * (plus one role-assignment list on RBAC vaults); per VM missing access one recovery-point list; per vault in scope one
 * Backup jobs list for the RPO.
 */
export type PostureKind =
  | 'unprotectedEncrypted'
  | 'permissionDrift'
  | 'encryptedAfterProtection'
  | 'noGrant'
  | 'bekOnly'
  | 'pastRpo'
  | 'rehearsalFailed'
  | 'neverRehearsed';

/** A VM's latest restore rehearsal (src/bot/rehearsal/results.ts keeps them in the store). */
export interface RehearsalStanding {
  vmId: string;
  status: 'running' | 'passed' | 'failed';
  failedStep?: string;
  endedAt?: string;
}

export interface PostureFinding {
  kind: PostureKind;
  vm: { id: string; name: string; resourceGroup: string };
  vault?: string;
  keyVault?: { id: string; name: string };
  /** pastRpo: the end of the last successful backup (ISO), if any within the look-back. */
  lastSuccess?: string;
  /** rehearsalFailed: the step its latest rehearsal failed at, and when. */
  rehearsal?: { failedStep?: string; at?: string };
}

export interface PostureReport {
  /** The vault the report is about, or undefined for the whole subscription. */
  vault?: string;
  vms: number;
  findings: PostureFinding[];
  /** Azure requests the report cost (all reads). */
  reads: number;
  at: string;
}

export interface PostureDeps {
  azure: Pick<Azure, 'vms' | 'keyVaults' | 'recoveryPoints' | 'jobs'>;
  allowBekOnly: boolean;
  rpoHours: number;
  now?: () => number;
  /**
   * Restore rehearsals configured: each encrypted, protected VM never rehearsed, or whose latest rehearsal failed, is
   * a finding (`neverRehearsed`, `rehearsalFailed`). Read from the store; no Azure call.
   */
  rehearsals?: () => Promise<RehearsalStanding[]>;
}

const PARALLEL = 4;
const DAY = 86_400_000;

export async function readPosture(deps: PostureDeps, scope: { vault?: string } = {}): Promise<PostureReport> {
  const counter = { requests: 0 };
  const scanned = { count: 0 };
  const now = deps.now?.() ?? Date.now();
  const findings = await countRequests(counter, async () => {
    const listed = await deps.azure.vms.list();
    const same = (a?: string, b?: string) => !!a && !!b && a.toLowerCase() === b.toLowerCase();
    const inScope = scope.vault ? listed.filter((v) => v.protected && same(v.vault, scope.vault)) : listed;
    scanned.count = inScope.length;
    const out: PostureFinding[] = [];
    const rehearsed = deps.rehearsals
      ? new Map((await deps.rehearsals()).map((r) => [r.vmId.toLowerCase(), r]))
      : undefined;
    const access = new Map<string, Promise<boolean | undefined>>();
    const granted = (vm: VmSummary) => {
      const kv = vm.encryption.keyVault!;
      const key = kv.id.toLowerCase();
      if (!access.has(key)) {
        access.set(
          key,
          deps.azure.keyVaults.getAccess(kv.id, vm.encryption.kind).then((a) => (a.exists ? a.granted : undefined)),
        );
      }
      return access.get(key)!;
    };
    await inParallel(inScope, PARALLEL, async (item: VmListItem) => {
      const vm = await deps.azure.vms.get(item.id || item.name, item.id ? undefined : item.resourceGroup);
      if (vm.deployment !== 'resourceManager') return;
      const enc = vm.encryption;
      const ref = { id: vm.id, name: vm.name, resourceGroup: vm.resourceGroup };
      const kv = enc.keyVault ? { id: enc.keyVault.id, name: enc.keyVault.name } : undefined;
      if (enc.kind === 'none') return;
      if (enc.kind === 'bek' && !deps.allowBekOnly) {
        out.push({ kind: 'bekOnly', vm: ref, vault: vm.protection?.vault, keyVault: kv });
        return;
      }
      if (!vm.protection) {
        out.push({ kind: 'unprotectedEncrypted', vm: ref, keyVault: kv });
        return;
      }
      if (rehearsed) {
        const r = rehearsed.get(vm.id.toLowerCase());
        if (!r) out.push({ kind: 'neverRehearsed', vm: ref, vault: vm.protection.vault });
        else if (r.status === 'failed')
          out.push({
            kind: 'rehearsalFailed',
            vm: ref,
            vault: vm.protection.vault,
            rehearsal: { failedStep: r.failedStep, at: r.endedAt },
          });
      }
      if (!kv || (await granted(vm)) !== false) return;
      const p = vm.protection;
      const points = await deps.azure.recoveryPoints.list(
        {
          vault: p.vault,
          vaultResourceGroup: p.vaultResourceGroup,
          containerName: p.containerName,
          protectedItemName: p.protectedItemName,
        },
        { from: new Date(now - 35 * DAY), to: new Date(now) },
      );
      const kind = !points.length ? 'noGrant' : points[0].encrypted ? 'permissionDrift' : 'encryptedAfterProtection';
      out.push({ kind, vm: ref, vault: p.vault, keyVault: kv });
    });
    out.push(...(await pastRpo(deps, inScope, now)));
    return out;
  });
  const order: PostureKind[] = [
    'permissionDrift',
    'encryptedAfterProtection',
    'noGrant',
    'pastRpo',
    'rehearsalFailed',
    'unprotectedEncrypted',
    'bekOnly',
    'neverRehearsed',
  ];
  findings.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || a.vm.name.localeCompare(b.vm.name));
  return { vault: scope.vault, vms: scanned.count, findings, reads: counter.requests, at: new Date(now).toISOString() };
}

/** Protected VMs of the scope without a successful backup within the RPO window: one Backup jobs list per vault. */
async function pastRpo(deps: PostureDeps, vms: VmListItem[], now: number): Promise<PostureFinding[]> {
  const protectedVms = vms.filter((v) => v.protected && v.vault);
  const vaults = [...new Set(protectedVms.map((v) => v.vault!))];
  const rpoMs = deps.rpoHours * 3_600_000;
  const last = new Map<string, number>();
  for (const vault of vaults) {
    const jobs = await deps.azure.jobs.list(vault, {
      operation: 'Backup',
      startTime: new Date(now - rpoMs - DAY),
      endTime: new Date(now + 60_000),
    });
    for (const j of jobs) {
      if (!/^completed/i.test(j.status) || !j.endTime) continue;
      const key = `${vault}|${j.vmName}`.toLowerCase();
      last.set(key, Math.max(last.get(key) ?? 0, j.endTime.getTime()));
    }
  }
  return protectedVms
    .filter((v) => now - (last.get(`${v.vault}|${v.name}`.toLowerCase()) ?? 0) > rpoMs)
    .map((v) => {
      const t = last.get(`${v.vault}|${v.name}`.toLowerCase());
      return {
        kind: 'pastRpo' as const,
        vm: { id: v.id, name: v.name, resourceGroup: v.resourceGroup },
        vault: v.vault,
        ...(t ? { lastSuccess: new Date(t).toISOString() } : {}),
      };
    });
}

async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
