/**
 * When a protected item's backup is overdue (issue 20: no false "no recent backup" alarm).
 *
 * The RPO clock starts at the item's last successful backup or at its protection, whichever is later, and never
 * before: a VM protected nine minutes ago has not missed anything. Protection here is the start of the item's latest
 * ConfigureBackup job — the job Azure Backup runs when protection is enabled, resumed, or given another policy — since
 * the protected item itself carries no protection time: AzureIaaSVMProtectedItem has lastBackupTime,
 * lastBackupStatus, lastRecoveryPoint, protectedItemDataId, protectionState (IRPending until the first backup) and
 * extendedInfo (oldestRecoveryPoint, recoveryPointCount, policyInconsistent), but no "protected since"
 * (azure-rest-api-specs specification/recoveryservicesbackup/resource-manager/Microsoft.RecoveryServices/stable/
 * 2016-12-01/examples/AzureIaasVm/Compute_ProtectedItem_Get.json, and the AzureIaaSVMProtectedItem / ProtectedItem
 * models of @azure/arm-recoveryservicesbackup 12). Job operations include ConfigureBackup (JobOperationType in the
 * same SDK). A re-protected item and a policy change restart the clock the same way.
 *
 * The item is overdue when both hold:
 * - more than RPO_HOURS have passed since the clock started, and
 * - the first backup its policy schedules after the clock started is overdue: its scheduled time plus the slack the
 *   RPO setting leaves beyond a daily schedule (RPO_HOURS − 24 h, 2 h by default) has passed. For a daily policy
 *   the first condition decides; for a weekly one, this one does (a weekly item is not late a day after its backup).
 * An item whose protection is older than the look-back window (no ConfigureBackup job in it) started its clock at the
 * latest when the window starts, which is already more than RPO_HOURS ago.
 */

export interface BackupSchedule {
  frequency: 'Daily' | 'Weekly';
  /** 'HH:mm' UTC */
  time: string;
  /** Weekly: the days of the week ('Sunday' … 'Saturday'). */
  days?: string[];
}

export interface RpoInputs {
  /** End of the last successful backup (ISO). */
  lastSuccess?: string;
  /** Start of the latest ConfigureBackup job (ISO): protection, re-protection or a policy change. */
  protectedAt?: string;
  schedule?: BackupSchedule;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** The first run the schedule makes strictly after `after` (ms since epoch), or undefined for a schedule it cannot read. */
export function nextScheduledRun(after: number, schedule: BackupSchedule): number | undefined {
  const m = /^(\d{1,2}):(\d{2})/.exec(schedule.time);
  if (!m) return undefined;
  const days =
    schedule.frequency === 'Weekly'
      ? new Set((schedule.days ?? []).map((d) => WEEKDAYS.indexOf(d.toLowerCase())).filter((d) => d >= 0))
      : undefined;
  if (days && !days.size) return undefined;
  const start = new Date(after);
  for (let i = 0; i <= 7; i++) {
    const at = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate() + i, +m[1], +m[2]);
    if (at <= after) continue;
    if (!days || days.has(new Date(at).getUTCDay())) return at;
  }
  return undefined;
}

/**
 * When the RPO clock started and when the item becomes overdue (ms since epoch). `windowStart` is the start of the
 * look-back window the inputs were read from (the clock's latest possible start when neither time is known).
 */
export function rpoDeadline(
  item: RpoInputs,
  rpoMs: number,
  windowStart: number,
): { clockStart: number; deadline: number; firstDue?: number } {
  const times = [item.lastSuccess, item.protectedAt].filter((x): x is string => !!x).map((x) => Date.parse(x));
  const clockStart = times.length ? Math.max(...times) : windowStart;
  const byRpo = clockStart + rpoMs;
  const next = item.schedule ? nextScheduledRun(clockStart, item.schedule) : undefined;
  if (next === undefined) return { clockStart, deadline: byRpo };
  const firstDue = next + Math.max(0, rpoMs - DAY);
  return { clockStart, deadline: Math.max(byRpo, firstDue), firstDue };
}
