import { renderCard, type AdaptiveCardJson } from '../../cards/render';
import { t, type Locale, type MessageKey } from '../../i18n';
import type { PostureFinding, PostureReport } from '../../notifications/posture';

/** `2026-01-05 10:12 UTC` */
const formatTime = (iso: string) => `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** Lines a card holds before "…and N more" (a card stays well under Teams' size limit). */
export const MAX_LINES = 15;

const FIX: Record<PostureFinding['kind'], { verb: string; label: MessageKey; color: string }> = {
  permissionDrift: { verb: 'grantAccess.start', label: 'flow.fix.grant', color: 'Attention' },
  encryptedAfterProtection: { verb: 'grantAccess.start', label: 'flow.fix.grant', color: 'Warning' },
  noGrant: { verb: 'grantAccess.start', label: 'flow.fix.grant', color: 'Warning' },
  pastRpo: { verb: 'backupNow.start', label: 'flow.fix.backupNow', color: 'Warning' },
  unprotectedEncrypted: { verb: 'enableBackup.start', label: 'flow.fix.enable', color: 'Default' },
  bekOnly: { verb: 'check.start', label: 'flow.fix.check', color: 'Default' },
  rehearsalFailed: { verb: 'rehearsal.start', label: 'rehearsal.fix.rehearse', color: 'Attention' },
  neverRehearsed: { verb: 'rehearsal.start', label: 'rehearsal.fix.rehearse', color: 'Default' },
};

/** cards/posture.report.json: one line per finding, each with the flow that fixes it, pre-filled. */
export function postureCard(l: Locale, report: PostureReport, rpoHours: number): AdaptiveCardJson {
  const shown = report.findings.slice(0, MAX_LINES);
  const count = report.findings.length;
  return renderCard('posture.report', {
    title: report.vault ? t(l, 'posture.titleVault', { vault: report.vault }) : t(l, 'posture.title'),
    summary: count
      ? t(l, 'posture.summary', { vms: report.vms, count, reads: report.reads })
      : t(l, 'posture.clean', { vms: report.vms, reads: report.reads }),
    findings: shown.map((f) => ({
      text: t(l, `posture.${f.kind}`, {
        vm: f.vm.name,
        keyVault: f.keyVault?.name ?? '',
        hours: rpoHours,
        last: f.lastSuccess ? formatTime(f.lastSuccess) : t(l, 'posture.never'),
        step: f.rehearsal?.failedStep ? t(l, `rehearsal.stepName.${f.rehearsal.failedStep}` as MessageKey) : '',
        when: f.rehearsal?.at ? formatTime(f.rehearsal.at) : '',
      }),
      color: FIX[f.kind].color,
      verb: FIX[f.kind].verb,
      fixLabel: t(l, FIX[f.kind].label),
      vm: f.vm.name,
      keyVault: f.keyVault?.name ?? '',
    })),
    more: count > MAX_LINES ? t(l, 'posture.more', { count: count - MAX_LINES }) : '',
  });
}
