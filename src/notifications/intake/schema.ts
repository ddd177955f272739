import { z } from 'zod';
import type { JobEvent } from '../types';

const text = (max = 4000) => z.string().max(max);
const isoTime = text(64).refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO date-time');

/**
 * Azure Monitor's common alert schema, as an action group webhook posts it (backup-alerts.md). `essentials` is
 * documented field by field; Azure Backup's `alertContext` is not, so only the fields used are checked and the rest
 * passes through.
 */
export const commonAlertSchema = z.object({
  schemaId: z.literal('azureMonitorCommonAlertSchema'),
  data: z.object({
    essentials: z
      .object({
        alertId: text(1000).min(1),
        alertRule: text(1000).optional(),
        severity: text(20).optional(),
        signalType: text(50).optional(),
        monitorCondition: z.enum(['Fired', 'Resolved']),
        monitoringService: text(200),
        alertTargetIDs: z.array(text(1000)).max(100),
        configurationItems: z.array(text(1000)).max(100).nullish(),
        originAlertId: text(1000).nullish(),
        firedDateTime: isoTime,
        description: text().nullish(),
      })
      .passthrough(),
    alertContext: z
      .object({
        category: text(100).nullish(),
        sourceId: text(2000).nullish(),
        protectedItemId: text(2000).nullish(),
        linkedResourceId: text(2000).nullish(),
        linkedResourceName: text(200).nullish(),
        extendedInfo: z
          .object({ jobId: text(200).nullish(), recommendedActions: text().nullish() })
          .passthrough()
          .nullish(),
      })
      .passthrough()
      .nullish(),
    customProperties: z.unknown().optional(),
  }),
});

export type CommonAlert = z.infer<typeof commonAlertSchema>;

export type Interpreted =
  | { kind: 'event'; event: JobEvent }
  /** Well-formed, nothing to post (a Resolved alert). */
  | { kind: 'ignored'; reason: string }
  /** Well-formed but not what this endpoint takes (another service's alert, no job id). */
  | { kind: 'unsupported'; reason: string }
  /** Well-formed JSON in the schema, but a field that cannot be read (400). */
  | { kind: 'invalid'; reason: string };

const VAULT_IN_ID = /\/providers\/microsoft\.recoveryservices\/vaults\/([^/]+)/i;
const VM_IN_ID = /\/providers\/microsoft\.compute\/virtualmachines\/([^/]+)/i;
/** The subscription of the vault the alert is about (alertTargetIDs / protectedItemId), issue 17. */
const VAULT_SUBSCRIPTION =
  /^\/subscriptions\/([^/]+)\/resourcegroups\/[^/]+\/providers\/microsoft\.recoveryservices\/vaults\//i;
const SUBSCRIPTION_IN_ID = /^\/subscriptions\/([^/]+)\//i;

/**
 * An Azure Backup job-failure alert as a job event. Routed on monitoringService "Azure Backup" and category "Jobs"
 * (not signalType, which says Log). The vault is the alert's target; the VM is the linked resource; the job id is in
 * extendedInfo — the key shared with the watcher. Alerts carry no error code field: the lower-cased code ends
 * originAlertId, and the description is the error in words.
 */
export function interpret(alert: CommonAlert): Interpreted {
  const e = alert.data.essentials;
  const c = alert.data.alertContext ?? {};
  if (e.monitoringService !== 'Azure Backup')
    return { kind: 'unsupported', reason: 'Only Azure Backup alerts are accepted here.' };
  if (c.category !== 'Jobs')
    return { kind: 'unsupported', reason: 'Only Azure Backup job alerts (category Jobs) are accepted here.' };
  if (e.monitorCondition === 'Resolved') return { kind: 'ignored', reason: 'Resolved alerts post nothing.' };
  const vault =
    firstMatch(VAULT_IN_ID, ...e.alertTargetIDs, c.protectedItemId) ??
    e.configurationItems?.find((x) => x.trim() !== '');
  const vm =
    c.linkedResourceName ||
    firstMatch(VM_IN_ID, c.linkedResourceId, c.sourceId) ||
    itemVm(c.protectedItemId ?? undefined);
  const jobId = c.extendedInfo?.jobId;
  if (!vault) return { kind: 'unsupported', reason: 'The alert names no Recovery Services vault.' };
  const vaultName = decoded(vault);
  // A malformed percent-escape (`%E0%A4%A`) is the sender's mistake: 400, never a 5xx Azure Monitor would retry.
  if (vaultName === undefined)
    return { kind: 'invalid', reason: 'The vault name in the alert is not valid percent-encoding.' };
  if (!vm) return { kind: 'unsupported', reason: 'The alert names no virtual machine.' };
  if (!jobId)
    return { kind: 'unsupported', reason: 'The alert carries no backup job id (alertContext.extendedInfo.jobId).' };
  // The vault's subscription (the ids the alert names; the alert's own id as a last resort): routes the alert.
  const subscriptionId =
    firstMatch(VAULT_SUBSCRIPTION, ...e.alertTargetIDs, c.protectedItemId) ?? firstMatch(SUBSCRIPTION_IN_ID, e.alertId);
  const code = /([a-z][a-z0-9]{5,})$/i.exec(e.originAlertId ?? '')?.[1];
  const recommended = c.extendedInfo?.recommendedActions;
  return {
    kind: 'event',
    event: {
      source: 'alert',
      vault: vaultName,
      jobId,
      vm,
      ...(subscriptionId ? { subscriptionId: subscriptionId.toLowerCase() } : {}),
      operation: 'Backup',
      outcome: 'failed',
      at: new Date(e.firedDateTime).toISOString(),
      error: { title: code, message: e.description ?? '', recommendations: recommended ? [recommended] : [] },
    },
  };
}

function decoded(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

function firstMatch(re: RegExp, ...values: (string | null | undefined)[]): string | undefined {
  for (const v of values) {
    const m = v ? re.exec(v) : null;
    if (m) return m[1];
  }
  return undefined;
}

/** `…/protectedItems/VM;iaasvmcontainerv2;<rg>;<vm>` -> `<vm>`. */
function itemVm(id: string | undefined): string | undefined {
  const item = id?.split('/protectedItems/')[1];
  return item?.split(';').pop() || undefined;
}
