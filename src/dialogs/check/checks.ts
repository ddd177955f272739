import { explain, UnsupportedVmError, type JobSummary, type VmSummary } from '../../azure';
import { t, type Locale } from '../../i18n';
import type { DialogDeps } from '../deps';
import { fixButtons, type StartButtons } from '../flow/cards';
import { utc } from '../shared';

export type CheckState = 'ok' | 'bad' | 'warn' | 'na';

export interface CheckRow {
  label: string;
  state: CheckState;
  detail: string;
}

const LAST_BACKUP_WINDOW_MS = 30 * 86_400_000;

/**
 * Every check of the source document and the design for one VM, green or red, with the fix buttons that apply:
 * Resource Manager, encryption type, key vault exists, Backup's permission on it, VM agent, protected, last backup.
 * Calls: the VM (vms.get), its key vault's access when encrypted, and one job list of its vault when protected.
 */
export async function runChecks(
  deps: DialogDeps,
  locale: Locale,
  vm: VmSummary,
): Promise<{ rows: CheckRow[]; buttons: StartButtons }> {
  const l = locale;
  const rows: CheckRow[] = [];
  const buttons: StartButtons = {};
  const row = (key: string, state: CheckState, detail: string) =>
    rows.push({ label: t(l, `check.row.${key}` as 'check.row.rm'), state, detail });
  const na = t(l, 'check.na');

  if (vm.deployment === 'classic') {
    const e = explain(new UnsupportedVmError('ClassicVmNotSupported', vm.name, ''), l);
    row('rm', 'bad', `${e.title}. ${e.resolution}`);
    for (const key of ['encryption', 'keyVault', 'permission', 'agent', 'protected', 'lastBackup']) row(key, 'na', na);
    return { rows, buttons };
  }
  row('rm', 'ok', t(l, 'check.rm.ok'));

  const enc = vm.encryption;
  // A BEK-only VM is refused by enable backup: no Enable backup button, the way forward instead (issue 20, point 4).
  const bekRefused = enc.kind === 'bek' && !deps.allowBekOnly;
  if (bekRefused) {
    const e = explain(new UnsupportedVmError('BekOnlyNotSupported', vm.name, ''), l);
    row('encryption', 'bad', `${e.title}. ${e.cause}`);
    const keyVault = enc.keyVault?.name ?? '<key-vault>';
    row('wayForward', 'warn', t(l, 'check.bek.wayForward', { vm: vm.name, rg: vm.resourceGroup, keyVault }));
  } else {
    const key = enc.kind === 'none' ? 'check.enc.none' : enc.kind === 'bek' ? 'check.enc.bek' : 'check.enc.bekKek';
    row(
      'encryption',
      'ok',
      t(l, key, { pass: enc.pass ? t(l, enc.pass === 'dual' ? 'enable.pass.dual' : 'enable.pass.single') : '' }),
    );
  }

  let accessGranted = false;
  if (enc.kind === 'none' || !enc.keyVault) {
    row('keyVault', 'na', t(l, 'check.kv.notNeeded'));
    row('permission', 'na', t(l, 'check.kv.notNeeded'));
  } else {
    // BEK and KEK in different vaults: secrets on the BEK's, keys on the KEK's (each vault checked for its part).
    const split = enc.kind === 'bek+kek' && enc.kekVault;
    const [bekAccess, kekAccess] = await Promise.all([
      deps.azure.keyVaults.getAccess(enc.keyVault.id, split ? 'bek' : enc.kind),
      split ? deps.azure.keyVaults.getAccess(enc.kekVault!.id, 'kek') : Promise.resolve(undefined),
    ]);
    const access = kekAccess
      ? {
          ...bekAccess,
          exists: bekAccess.exists && kekAccess.exists,
          granted: bekAccess.granted && kekAccess.granted,
          missing: [
            ...bekAccess.missing.map((m) => `${enc.keyVault!.name} ${m}`),
            ...kekAccess.missing.map((m) => `${enc.kekVault!.name} ${m}`),
          ],
        }
      : bekAccess;
    if (!access.exists) {
      row('keyVault', 'bad', t(l, 'check.kv.gone', { keyVault: enc.keyVault.name }));
      row('permission', 'na', na);
    } else {
      row(
        'keyVault',
        'ok',
        t(l, 'check.kv.exists', {
          keyVault: enc.keyVault.name,
          model: t(l, access.model === 'rbac' ? 'check.kv.rbac' : 'check.kv.policy'),
        }),
      );
      accessGranted = access.granted;
      if (access.granted) row('permission', 'ok', t(l, 'check.perm.ok'));
      else {
        row('permission', 'bad', t(l, 'check.perm.missing', { missing: missingText(l, access.missing) }));
        buttons.grant = { title: t(l, 'flow.fix.grant'), data: { vm: vm.name, keyVault: enc.keyVault.name } };
      }
    }
  }

  row(
    'agent',
    vm.agent === 'ready' ? 'ok' : vm.agent === 'not-ready' ? 'bad' : 'warn',
    t(l, `check.agent.${vm.agent}` as 'check.agent.ready'),
  );

  const p = vm.protection;
  if (!p) {
    row('protected', 'bad', t(l, 'check.protected.no'));
    row('lastBackup', 'na', na);
    if (!bekRefused) buttons.enable = { title: t(l, 'flow.fix.enable'), data: { vm: vm.name } };
    return { rows, buttons };
  }
  row('protected', 'ok', t(l, 'check.protected.yes', { vault: p.vault, policy: p.policyName ?? '-' }));
  const last = await lastBackup(deps, vm);
  if (!last) {
    row('lastBackup', 'warn', t(l, 'check.last.none'));
    buttons.backup = { title: t(l, 'flow.fix.backupNow'), data: { vm: vm.name } };
  } else if (/^Completed/i.test(last.status)) {
    row('lastBackup', 'ok', t(l, 'check.last.ok', { when: utc(last.endTime ?? last.startTime) }));
  } else if (last.status === 'Failed') {
    const e = last.errors[0] ? explain(last.errors[0], l, { vm: vm.name }) : undefined;
    const failed = t(l, 'check.last.failed', { when: utc(last.startTime), why: e?.title ?? last.status });
    // The grant this failure lacked is there now (read above): no Grant button, say so (issue 20, point 5).
    const causeGone = e?.fix?.kind === 'grantKeyVaultAccess' && accessGranted;
    row('lastBackup', 'bad', causeGone ? `${failed} ${t(l, 'jobs.detail.causeGone')}` : failed);
    if (!causeGone) Object.assign(buttons, { ...fixButtons(l, e?.fix, { vm: vm.name }), ...buttons });
    buttons.backup ??= { title: t(l, 'flow.fix.backupNow'), data: { vm: vm.name } };
  } else {
    row('lastBackup', 'warn', t(l, 'check.last.other', { when: utc(last.startTime), status: last.status }));
  }
  return { rows, buttons };
}

/** The VM's newest backup job in its vault over the last 30 days (Azure filters by operation and time, not VM). */
async function lastBackup(deps: DialogDeps, vm: VmSummary): Promise<JobSummary | undefined> {
  const p = vm.protection!;
  const jobs = await deps.azure.jobs.list(
    p.vaultResourceGroup ? { name: p.vault, resourceGroup: p.vaultResourceGroup } : p.vault,
    { operation: 'Backup', startTime: new Date(Date.now() - LAST_BACKUP_WINDOW_MS), endTime: new Date() },
  );
  return jobs
    .filter((j) => j.vmName.toLowerCase() === vm.name.toLowerCase())
    .sort((a, b) => (b.startTime?.getTime() ?? 0) - (a.startTime?.getTime() ?? 0))[0];
}

/** What Backup lacks, in the user's language: `keys:get, secrets:get` or "no role on the key vault". */
function missingText(l: Locale, missing: string[]): string {
  const one = (m: string) => {
    const [kind, perm] = m.split(':');
    if (kind === 'keys' || kind === 'secrets')
      return t(l, kind === 'keys' ? 'check.perm.keys' : 'check.perm.secrets', { perm });
    return m === 'role' ? t(l, 'check.perm.role') : m;
  };
  return missing.map(one).join(t(l, 'list.join'));
}
