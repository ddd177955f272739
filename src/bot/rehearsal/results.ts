import type { RehearsalCheckpoint, RehearsalRun } from '../../runs/rehearsalRun';
import type { RecordStore } from '../../store';
import { failedStep } from '../../dialogs/rehearsal/view';

/** Each VM's latest rehearsal, for `rehearsals`, the posture digest and the scheduler's concurrency limit. */
export interface RehearsalResult {
  vm: string;
  vmId: string;
  vault: string;
  runId: string;
  status: 'running' | 'passed' | 'failed';
  startedAt: string;
  endedAt?: string;
  failedStep?: string;
  times?: RehearsalCheckpoint['times'];
  standingId?: string;
}

const keyOf = (vmId: string) => vmId.toLowerCase();

export class RehearsalResults {
  constructor(private readonly records: RecordStore<RehearsalResult>) {}

  async list(): Promise<RehearsalResult[]> {
    return (await this.records.list()).map((r) => r.value);
  }

  async get(vmId: string): Promise<RehearsalResult | undefined> {
    return (await this.records.get(keyOf(vmId)))?.value;
  }

  /** Follows a run: the VM's latest rehearsal is this one (an older run never overwrites a newer one). */
  async record(run: RehearsalRun): Promise<RehearsalResult> {
    const cp = run.checkpoint;
    const status = run.status === 'running' ? 'running' : cp.result === 'passed' ? 'passed' : 'failed';
    const step = status === 'failed' ? failedStep(run) : undefined;
    const next: RehearsalResult = {
      vm: cp.plan.vm.name,
      vmId: cp.plan.vm.id,
      vault: cp.plan.item.vault,
      runId: run.id,
      status,
      startedAt: cp.times?.startedAt ?? run.createdAt,
      ...(status !== 'running' ? { endedAt: cp.times?.endedAt ?? run.updatedAt } : {}),
      ...(step ? { failedStep: step } : {}),
      ...(cp.times ? { times: cp.times } : {}),
      ...(cp.standingId ? { standingId: cp.standingId } : {}),
    };
    const { value } = await this.records.update(keyOf(next.vmId), (cur) => {
      if (cur && cur.runId !== run.id && cur.startedAt > next.startedAt) return undefined;
      return next;
    });
    return value ?? next;
  }
}
