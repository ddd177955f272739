import { createHttpApp, listen, type Listening } from '../../../src/server';
import type { NotificationService } from '../../../src/notifications';
import type { Logger } from '../../../src/log';

const PRIMARY = '22222222-2222-4222-8222-222222222222';

/** An Azure Backup job-failure alert in the common alert schema, shaped as backup-alerts.md describes it. */
export function backupAlert(o: {
  vault?: string;
  vm?: string;
  jobId: string;
  code?: string;
  fired?: Date;
  /** The vault's subscription and resource groups (issue 17); default the sandbox's primary, rg-backup, rg-app. */
  subscriptionId?: string;
  vaultResourceGroup?: string;
  vmResourceGroup?: string;
}): Record<string, any> {
  const SUB = o.subscriptionId ?? PRIMARY;
  const vaultRg = o.vaultResourceGroup ?? 'rg-backup';
  const vmRg = o.vmResourceGroup ?? 'rg-app';
  const vault = o.vault ?? 'rsv-prod-eastasia';
  const vm = o.vm ?? 'vm-nogrant-01';
  const code = (o.code ?? 'UserErrorKeyVaultPermissionsNotConfigured').toLowerCase();
  const item = `VM;iaasvmcontainerv2;${vmRg};${vm}`;
  return {
    schemaId: 'azureMonitorCommonAlertSchema',
    data: {
      essentials: {
        alertId: `/subscriptions/${SUB}/providers/Microsoft.AlertsManagement/alerts/0f6d8c1e-1b9a-4c51-9e8e-${o.jobId.slice(-12).padStart(12, '0')}`,
        alertRule: 'Backup Failure',
        severity: 'Sev1',
        signalType: 'Log',
        monitorCondition: 'Fired',
        monitoringService: 'Azure Backup',
        alertTargetIDs: [
          `/subscriptions/${SUB}/resourcegroups/${vaultRg}/providers/microsoft.recoveryservices/vaults/${vault}`,
        ],
        configurationItems: [vault],
        originAlertId: `${o.jobId}_${code}`,
        firedDateTime: (o.fired ?? new Date()).toISOString().replace('Z', '1234Z'),
        description: "Backup doesn't have sufficient permissions to the key vault for backup of encrypted VMs.",
        essentialsVersion: '1.0',
        alertContextVersion: '1.0',
        targetResourceType: 'microsoft.recoveryservices/vaults',
        targetResourceGroup: vaultRg,
      },
      alertContext: {
        category: 'Jobs',
        sourceId: `/subscriptions/${SUB}/resourceGroups/${vmRg}/providers/Microsoft.Compute/virtualMachines/${vm}/providers/Microsoft.RecoveryServices/backupProtectedItem/${item}`,
        sourceType: 'VM',
        protectedItemId: `/subscriptions/${SUB}/resourceGroups/${vaultRg}/providers/Microsoft.RecoveryServices/vaults/${vault}/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;${vmRg};${vm}/protectedItems/${item}`,
        linkedResourceId: `/subscriptions/${SUB}/resourceGroups/${vmRg}/providers/Microsoft.Compute/virtualMachines/${vm}`,
        linkedResourceName: vm,
        alertVersionNumber: 'V2020_10',
        extendedInfo: {
          jobId: o.jobId,
          possibleCauses: null,
          occurrenceCount: 1,
          recommendedActions:
            'Grant Backup Management Service access to the key vault. https://aka.ms/AB-kv-permissions',
        },
      },
      customProperties: null,
    },
  };
}

/** The bot's HTTP server (src/server.ts) with the alert intake plugged into its hook, as src/index.ts does it. */
export async function alertServer(service: NotificationService, logger: Logger): Promise<Listening> {
  const http = createHttpApp({
    adapter: { process: async () => undefined },
    handleTurn: async () => undefined,
    logger,
    health: async () => ({
      status: 'ok',
      mode: 'sandbox',
      version: 'test',
      store: { state: 'ok' },
      azure: { identity: {} },
    }),
    routes: (app) => app.post('/api/alerts', service.alertHandler),
  });
  return listen(http, 0, '127.0.0.1');
}

export async function post(
  url: string,
  body: string | Buffer | object,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<{ status: number; body: any }> {
  const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const res = await fetch(url, { method: 'POST', headers, body: payload });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed };
}
