import type { RestorePlan } from './restorePlan';
import type { RestoreCheckpoint } from './restoreRun';
import type { RunRecord } from './types';

/** The steps in order; `putBackKeys` only when the plan says so (as in a restore). */
export const REHEARSAL_STEPS = [
  'ensureIsolatedNetwork',
  'restoreDisks',
  'followJob',
  'putBackKeys',
  'createVm',
  'checks',
  'cleanup',
  'report',
] as const;
export type RehearsalStep = (typeof REHEARSAL_STEPS)[number];

/** Which check of the restored VM did not pass. */
export type RehearsalCheck = 'provisioning' | 'agent' | 'encryption';

/**
 * A rehearsal's checkpoint: the restore's (ids, names, URLs, progress; never key or secret material) plus what the
 * rehearsal made, its checks, its clean-up and its measured times (ISO instants; durations are derived).
 */
export interface RehearsalCheckpoint extends Omit<RestoreCheckpoint, 'vm'> {
  /** The standing approval this run comes from (none: a one-off approved request). */
  standingId?: string;
  /** Who the result goes to besides the team: the requester's conversation (a conversation reference key). */
  notify?: { conversationId?: string };
  /** The isolated subnet as checked (and whether this rehearsal made its network). */
  network?: { subnetId: string; resourceGroup: string; created?: boolean };
  vm?: { id: string; name: string; path: 'template' | 'compute'; osDiskId?: string; dataDiskIds: string[] };
  /** Every resource id this rehearsal made (or was about to make): the only ids clean-up may delete. */
  created?: string[];
  checks?: {
    provisioning: string;
    agentReady: boolean;
    agentStatus?: string;
    encryption: 'encrypted' | 'notEncrypted' | 'unknown';
    verdict: RehearsalCheck | 'passed';
  };
  /** When clean-up began waiting for a restore job still running (it waits at most the check timeout). */
  failureAt?: string;
  /** The step that failed (the run then cleaned up). */
  failure?: { step: RehearsalStep; code: string; message: string; requestId?: string };
  cleanup?: {
    attempts: number;
    deleted: string[];
    /** Ids clean-up could not delete after its last attempt. */
    left: string[];
    /** Ids recorded but not carrying this rehearsal's tag: never deleted. */
    notOurs?: string[];
    stagingDeleted?: boolean;
    /** A restore job this rehearsal started was still running when clean-up gave up (its disks may appear later). */
    jobPending?: boolean;
    error?: string;
  };
  result?: 'passed' | 'failed';
  times?: {
    startedAt: string;
    jobFrom?: string;
    jobTo?: string;
    vmFrom?: string;
    vmTo?: string;
    checksFrom?: string;
    checksTo?: string;
    endedAt?: string;
  };
}

export type RehearsalRun = RunRecord<RehearsalCheckpoint>;

/** The restored VM's and NIC's names: the plan's. */
export function rehearsalNames(plan: RestorePlan): { vm: string; nic: string } {
  return { vm: plan.newVmName, nic: plan.newNicName ?? `${plan.newVmName}-nic` };
}

/** Measured durations in milliseconds (the restore job, VM creation, checks, total = the RTO a person can quote). */
export interface RehearsalDurations {
  restoreJobMs?: number;
  vmCreationMs?: number;
  checksMs?: number;
  totalMs?: number;
}

export function rehearsalDurations(times: RehearsalCheckpoint['times']): RehearsalDurations {
  if (!times) return {};
  const span = (a?: string, b?: string) => (a && b ? Math.max(0, Date.parse(b) - Date.parse(a)) : undefined);
  return {
    restoreJobMs: span(times.jobFrom, times.jobTo),
    vmCreationMs: span(times.vmFrom, times.vmTo),
    checksMs: span(times.checksFrom, times.checksTo),
    // Recovery time: from the restore's start until the VM passed its checks (clean-up is not part of it).
    totalMs: span(times.jobFrom ?? times.startedAt, times.checksTo),
  };
}
