import { explain, trackWrites, UnsupportedVmError, type ProtectionSummary, type VmListItem } from '../azure';
import type { AdaptiveCardJson } from '../cards/render';
import { armId, subscriptionOfId } from '../cards/portal';
import { t } from '../i18n';
import { FOLLOW_BACKUP_JOB, followBackupJobId, type FollowBackupJobCheckpoint } from '../runs/followBackupJob';
import { backupConfirmCard, backupVmCard, progressCard, retentionCard, type BackupTarget } from './backupNow/cards';
import type { DialogDeps } from './deps';
import { explainCard, noticeCard } from './flow/cards';
import { choiceList, picked } from './flow/list';
import type { CardAddress, FlowDefinition, FlowRecord, Input, Outcome, Turn } from './flow/types';
import { audit, auditWho, byName, day, echo, vmChoice, withSuggestion, words, type AuditWho } from './shared';

export interface BackupState {
  /** The protected VMs the VM question offered, as listed: the answer needs no second list. */
  offered?: BackupTarget[];
  target?: BackupTarget;
  /** yyyy-MM-dd (UTC) the recovery point is kept until. */
  retainUntil?: string;
}

type Rec = FlowRecord<BackupState>;

const DAY_MS = 86_400_000;
/** Azure Backup's default for an on-demand backup, and the portal's. */
export const DEFAULT_RETENTION_DAYS = 30;
/** The portal offers on-demand retention up to 99 years. */
const MAX_RETENTION_DAYS = 99 * 365;

function limits(now = Date.now()) {
  return {
    value: day(new Date(now + DEFAULT_RETENTION_DAYS * DAY_MS)),
    min: day(new Date(now + DAY_MS)),
    max: day(new Date(now + MAX_RETENTION_DAYS * DAY_MS)),
  };
}

/**
 * `backup now [vm]`: the protected VM → how long to keep the recovery point (default 30 days) → Confirm → the
 * backup is triggered after the reply and its card follows the job to its end (a durable run), with the
 * troubleshooting entry and its fix button if it fails.
 */
export function backupNowFlow(deps: DialogDeps): FlowDefinition<BackupState> {
  return {
    name: 'backupNow',
    steps: { vm: ['backupNow.vm', 'flow.page'], retention: ['backupNow.retention'], confirm: ['backupNow.confirm'] },
    render(r, view) {
      if (r.step === 'vm') return backupVmCard(view, r.list!);
      const days = r.state.retainUntil
        ? Math.round((Date.parse(r.state.retainUntil) - Date.parse(day(new Date()))) / DAY_MS)
        : 0;
      if (r.step === 'confirm') return backupConfirmCard(view, r.state.target!, r.state.retainUntil!, days);
      return retentionCard(view, r.state.target!, limits());
    },
    act: (verb, input, r, turn) => act(deps, verb, input, r, turn),
  };
}

const targetOf = (vm: VmListItem): BackupTarget => ({
  vm: vm.name,
  resourceGroup: vm.resourceGroup,
  vault: vm.vault ?? '',
  id: vm.id,
  location: vm.location,
});

/**
 * Starts the flow. A VM named: one VM list resolves the name and Backup's status for the VM says which vault
 * protects it (nothing is listed per vault). No name, or a name that is not one VM: the protected VMs are offered.
 */
export async function startBackupNow(
  deps: DialogDeps,
  turn: Turn,
  args: string,
  data: { vm?: string } = {},
): Promise<AdaptiveCardJson> {
  const l = turn.locale;
  const name = data.vm ?? words(args)[0];
  const found = name ? (await deps.azure.vms.resolve([name]))[0] : undefined;
  if (found?.kind === 'classic') {
    return explainCard(l, explain(new UnsupportedVmError('ClassicVmNotSupported', name, ''), l), { subject: name });
  }
  if (found?.kind === 'found') {
    const vm = found.vm;
    const protection = await deps.azure.vms.getProtection(vm);
    if (!protection) {
      return explainCard(l, explain(new UnsupportedVmError('VmNotProtected', vm.name, ''), l), {
        subject: vm.name,
        links: [{ kind: 'vm', id: vm.id, name: vm.name }],
        buttons: { enable: { title: t(l, 'flow.fix.enable'), data: { vm: vm.name } } },
      });
    }
    const target = {
      vm: vm.name,
      resourceGroup: vm.resourceGroup,
      vault: protection.vault,
      vaultResourceGroup: protection.vaultResourceGroup,
      id: vm.id,
      location: vm.location,
    };
    return deps.runtime.begin(turn, 'backupNow', 'retention', { target });
  }
  // The protected VMs, from the vaults' protected items: no VM list, whatever the estate's size.
  const protectedVms = (await deps.azure.vms.listProtected()).filter((v) => v.vault).sort(byName);
  if (!found) {
    if (!protectedVms.length)
      return noticeCard(l, { title: t(l, 'backup.none.title'), text: t(l, 'backup.none.text') });
    return deps.runtime.begin(
      turn,
      'backupNow',
      'vm',
      { offered: protectedVms.map(targetOf) },
      choiceList(protectedVms.map(vmChoice)),
    );
  }
  const matches =
    found.kind === 'ambiguous'
      ? protectedVms.filter((v) => found.matches.some((m) => m.id.toLowerCase() === v.id.toLowerCase()))
      : protectedVms;
  const notice =
    found.kind === 'ambiguous'
      ? t(l, 'flow.ambiguous', { name })
      : { problem: withSuggestion(l, t(l, 'backup.unknown', { name: echo(name) }), name, protectedVms) };
  return deps.runtime.begin(
    turn,
    'backupNow',
    'vm',
    { offered: matches.map(targetOf) },
    choiceList(matches.map(vmChoice)),
    notice,
  );
}

async function act(deps: DialogDeps, verb: string, input: Input, r: Rec, turn: Turn): Promise<Outcome<BackupState>> {
  const l = turn.locale;
  switch (verb) {
    case 'backupNow.vm': {
      const choice = picked(r.list!, input)?.[0];
      // The VM as the question listed it (records from before the list was kept: listed again).
      const offered = r.state.offered ?? (await deps.azure.vms.listProtected()).map(targetOf);
      const target = choice && offered.find((v) => v.id === choice.value);
      if (!target?.vault) return { kind: 'reask', problem: t(l, 'flow.notOffered') };
      return { kind: 'next', record: { ...r, step: 'retention', state: { target }, list: undefined } };
    }
    case 'backupNow.retention': {
      const value = typeof input.retainUntil === 'string' ? input.retainUntil.trim() : '';
      const { min, max } = limits();
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value)) || value < min || value > max) {
        return { kind: 'reask', problem: t(l, 'backup.retention.invalid', { min, max }) };
      }
      return { kind: 'next', record: { ...r, step: 'confirm', state: { ...r.state, retainUntil: value } } };
    }
    default: {
      // backupNow.confirm
      const target = r.state.target!;
      const retainUntil = r.state.retainUntil!;
      const who = auditWho(turn);
      return {
        kind: 'end',
        card: progressCard(l, {
          ...progressIds(target),
          vm: target.vm,
          vault: target.vault,
          retainUntil,
          status: 'starting',
        }),
        after: (card) => triggerAndFollow(deps, { target, retainUntil, locale: l, who }, card),
      };
    }
  }
}

/**
 * After the reply: trigger the backup (Azure answers with an operation that names the Backup job), write the audit
 * entry, and start the durable run that follows the job and updates this card until the job ends.
 */
async function triggerAndFollow(
  deps: DialogDeps,
  w: { target: BackupTarget; retainUntil: string; locale: string; who: AuditWho },
  card: CardAddress,
): Promise<void> {
  const { target, retainUntil } = w;
  const locale = w.locale === 'zh-TW' ? 'zh-TW' : 'en';
  // The VM's id, when known, says which subscription (issue 17: audit entries carry it).
  const auditTarget = { kind: 'vm' as const, name: target.vm, ...(target.id ? { id: target.id } : {}) };
  let jobId: string;
  let vault: string;
  let vaultId: string | undefined;
  const armRequestIds: string[] = [];
  try {
    // The one re-read before acting: is the VM still protected, and by which vault and item.
    const item = await protectionNow(deps, target);
    if (!item) {
      throw new UnsupportedVmError(
        'VmNotProtected',
        target.vm,
        `'${target.vm}' is not protected: enable backup first.`,
      );
    }
    // End of the chosen day (UTC): the recovery point is kept through that date.
    ({ jobId, vault } = await trackWrites(armRequestIds, () =>
      deps.azure.protection.triggerBackup({ item, retainUntil: new Date(`${retainUntil}T23:59:00Z`) }),
    ));
    vaultId = armId.vault(item.vaultResourceGroup, vault, item.vaultSubscriptionId ?? subscriptionOfId(target.id));
  } catch (err) {
    await audit(deps, w.who, {
      action: 'backup.trigger',
      target: auditTarget,
      details: { vault: target.vault },
      result: 'failed',
      armRequestIds,
    });
    if (card.activityId) {
      await deps.cards.updateCard(
        card,
        progressCard(locale, {
          ...progressIds(target),
          vm: target.vm,
          vault: target.vault,
          retainUntil,
          status: 'error',
          error: err,
        }),
      );
    }
    return;
  }
  await audit(deps, w.who, {
    action: 'backup.trigger',
    target: auditTarget,
    details: { vault, job: jobId, retainUntil },
    result: 'started',
    armRequestIds,
  });
  const checkpoint: FollowBackupJobCheckpoint = {
    vault,
    jobId,
    vm: target.vm,
    vmId: progressIds(target).vmId,
    vaultId,
    card,
    locale,
    who: w.who.who,
    correlationId: w.who.correlationId,
    retainUntil,
    status: 'InProgress',
  };
  const run = await deps.runs.start(FOLLOW_BACKUP_JOB, followBackupJobId(vault, jobId), checkpoint);
  await showBackupRun(deps, run.checkpoint);
}

/** The ARM ids a progress card links to (the vault's only when its resource group is known). */
const progressIds = (target: BackupTarget) => ({
  vmId: target.id ?? armId.vm(target.resourceGroup, target.vm),
  // Backup protects a VM from a vault in the VM's own subscription.
  vaultId: armId.vault(target.vaultResourceGroup, target.vault, subscriptionOfId(target.id)),
});

/** Backup's status for the VM now: one call (records from before the VM's id and region were kept read the VM). */
async function protectionNow(deps: DialogDeps, target: BackupTarget): Promise<ProtectionSummary | undefined> {
  const { id, location } = target;
  if (id && location) {
    return deps.azure.vms.getProtection({ id, name: target.vm, resourceGroup: target.resourceGroup, location });
  }
  return (await deps.azure.vms.get(target.id || target.vm, target.id ? undefined : target.resourceGroup)).protection;
}

/** The followed job's card, updated in place (the run kind's onChange). */
export async function showBackupRun(
  deps: Pick<DialogDeps, 'cards'>,
  c: FollowBackupJobCheckpoint,
  runError?: { code: string; message: string },
): Promise<void> {
  if (!c.card.activityId) return;
  const locale = c.locale === 'zh-TW' ? 'zh-TW' : 'en';
  const status = runError ? 'error' : c.status;
  const error = runError ? Object.assign(new Error(runError.message), { code: runError.code }) : c.error;
  await deps.cards.updateCard(c.card, progressCard(locale, { ...c, status, error }));
}

/** The audit entry for a followed job's end. */
export async function backupJobFinished(deps: Pick<DialogDeps, 'store'>, c: FollowBackupJobCheckpoint): Promise<void> {
  const ok = /^Completed/i.test(c.status);
  await deps.store.audit.append({
    who: c.who,
    correlationId: c.correlationId,
    action: 'backup.job',
    target: { kind: 'vm', name: c.vm },
    details: { vault: c.vault, job: c.jobId, status: c.status, ...(c.error?.title ? { error: c.error.title } : {}) },
    result: ok ? 'succeeded' : 'failed',
  });
}
