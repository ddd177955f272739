import { createHash } from 'node:crypto';
import type { KeyVaultObjectState, ProtectedItemRef } from '../azure';

/**
 * Exactly what a restore will do, as the plan card shows it and the approver approves it: ids and names only.
 * The approval is bound to `planHash(plan)`; the run executes this plan and nothing else.
 */
export interface RestorePlan {
  vm: { id: string; name: string; resourceGroup: string; location: string; osType: 'Windows' | 'Linux' };
  item: ProtectedItemRef;
  /** The vault's region: staging account, restored disks and new VM live there. */
  region: string;
  recoveryPoint: {
    name: string;
    /** ISO time of the point. */
    time: string;
    type: string;
    /** From 26 April 2017 on: the restore job produces a template. */
    templateRestorable: boolean;
    /** Before 11 July 2017: the point carries its own key and secret. */
    legacyKeyAndSecret: boolean;
    /** False: taken while the VM had unmanaged disks (refused before approval). Absent in older plans: managed. */
    managedDisks?: boolean;
  };
  /** Absent for a VM without Azure Disk Encryption. */
  encryption?: {
    pass: 'single' | 'dual';
    /**
     * Dual pass (ADE with a Microsoft Entra app): the app's client id. The run creates the VM with its encryption
     * settings but pushes no ADE extension (that needs the app's secret); it ends with the command to run.
     */
    aadClientId?: string;
    keyVault: { id: string; name: string; vaultUri?: string };
    /** The KEK's key vault when it is another one than the BEK's: the key is checked and put back there. */
    kekVault?: { id: string; name: string; vaultUri?: string };
    key: KeyVaultObjectState | 'none';
    secret: KeyVaultObjectState;
    /** Put the key and secret back before the VM is created (recovered when soft-deleted, restored when gone). */
    putBack: boolean;
    /** Where they come from: the restore job's encryption info blob, or (points before 11 July 2017) the point. */
    source: 'restoreJob' | 'recoveryPoint';
  };
  staging: { id: string; name: string };
  targetResourceGroup: { id: string; name: string };
  subnet: { id: string; vnet: string; subnet: string; resourceGroup: string };
  newVmName: string;
  /** The new VM's NIC (checked free at plan time, created only if still free, issue 15). Older plans: `<vm>-nic`. */
  newNicName?: string;
  /**
   * How the VM is created: through the compute API from this plan (the default), or from the restore job's template
   * only if it holds exactly this plan's NIC and VM.
   */
  path: 'template' | 'compute';
  /**
   * 'rehearsal': a restore rehearsal (src/runs/rehearsalRun.ts) into the isolated rehearsal network, checked and then
   * deleted; the approval card says so. Absent: a restore.
   */
  purpose?: 'rehearsal';
}

/** A stable hash of the plan (keys sorted): any change to the plan gives another hash, and needs a new approval. */
export function planHash(plan: RestorePlan): string {
  return createHash('sha256').update(canonical(plan)).digest('hex');
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
