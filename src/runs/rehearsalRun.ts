import type { Azure, RehearsalNetworkSetting, RestoredVmHealth } from '../azure';
import { trackWrites } from '../azure';
import { describeFailure, isAbort, isTransient } from './failures';
import { cleanupStep } from './rehearsalCleanup';
import { merge, ownTags } from './rehearsalTags';
import { rehearsalNames, type RehearsalCheckpoint, type RehearsalRun, type RehearsalStep } from './rehearsalTypes';
import { createVmPlan, restoreRunKind } from './restoreRun';
import type { RunKind, StepContext, StepResult } from './types';

export * from './rehearsalTypes';

export const REHEARSAL_RUN_KIND = 'rehearsal';

/** One run per approved request (or per standing approval, VM and month): starting it twice is a no-op. */
export const rehearsalRunId = (requestId: string): string => `rehearsal:${requestId}`;

/** The code a rehearsal that did not pass ends with (the run fails at 'report'; the failed step is in the checkpoint). */
export const REHEARSAL_FAILED = 'RehearsalFailed';
/** Compute's answer to an extension pushed onto a VM whose agent does not report. */
const AGENT_DOWN = 'VMAgentStatusCommunicationError';
/** A check of the restored VM that did not pass in time, by check (troubleshooting entries of the same codes). */
export const CHECK_FAILED = {
  provisioning: 'RehearsalVmNotProvisioned',
  agent: 'RehearsalAgentNotReady',
  encryption: 'RehearsalDisksNotEncrypted',
} as const;
/** Clean-up gave up with resources left (the run's failure code when nothing else failed). */
export const CLEANUP_INCOMPLETE = 'RehearsalCleanupIncomplete';

export interface RehearsalRunOptions {
  azure: Pick<Azure, 'restore' | 'rehearsal'>;
  /**
   * Where rehearsals run (REHEARSAL_SUBNET): one network per subscription (a full subnet id, or the short
   * `<resource group>/<virtual network>/<subnet>` for the primary subscription); each rehearsal uses the one in its
   * VM's (and vault's) subscription. With `addressPrefix` (REHEARSAL_NETWORK_PREFIX) the network is made when it does
   * not exist.
   */
  networks: RehearsalNetworkSetting[];
  /** Wait between polls of the restore job and of the VM's instance view. */
  pollMs?: number;
  /** How long the checks wait for the VM to report ready and encrypted (REHEARSAL_CHECK_TIMEOUT_MINUTES). */
  checkTimeoutMs?: number;
  /** Attempts of a transient error before the step counts as failed (the engine's maxAttempts). */
  maxAttempts?: number;
  /** Clean-up attempts before what is left is reported. */
  cleanupAttempts?: number;
  now?: () => number;
  onChange?: (run: RehearsalRun) => Promise<void>;
  /** The run's approval (a matching request, or an active standing approval); clean-up and report never need it. */
  authorize: (run: RehearsalRun) => Promise<{ code: string; message: string } | undefined>;
}

type Step = (run: RehearsalRun, ctx: StepContext<RehearsalCheckpoint>) => Promise<StepResult<RehearsalCheckpoint>>;

/**
 * A restore rehearsal as a durable run: check the isolated network, restore the disks into it, follow the job, put
 * the key and secret back only if they are missing (as a restore would), create the VM in the isolated subnet tagged
 * with the run id, check it (provisioning, agent ready, ADE reports the disks encrypted), then delete everything it
 * recorded as its own and carrying its tag, and report. Whatever step fails, the run goes on to clean-up; only
 * transient errors are retried where they happened. The restore steps are the restore run's own (one code path).
 */
export function rehearsalRunKind(options: RehearsalRunOptions): RunKind<RehearsalCheckpoint> {
  const { azure } = options;
  const pollMs = options.pollMs ?? 15_000;
  const checkTimeoutMs = options.checkTimeoutMs ?? 15 * 60_000;
  const maxAttempts = options.maxAttempts ?? 5;
  const cleanupAttempts = options.cleanupAttempts ?? 5;
  const now = options.now ?? Date.now;
  const iso = () => new Date(now()).toISOString();
  const restoreSteps = restoreRunKind({ restore: azure.restore, pollMs, authorize: async () => undefined }).steps;
  const asRestore = restoreSteps as unknown as Record<string, Step>;

  /** Runs a step; a failure that is not worth another attempt sends the run to clean-up with the step recorded. */
  const guarded =
    (name: RehearsalStep, step: Step): Step =>
    async (run, outer) => {
      const ids: string[] = [];
      // What the step saved before it failed (ids of what it was creating) must survive the failure.
      let saved: Partial<RehearsalCheckpoint> = {};
      const ctx: StepContext<RehearsalCheckpoint> = {
        signal: outer.signal,
        save: async (patch) => {
          saved = { ...saved, ...patch };
          await outer.save(patch);
        },
      };
      try {
        const result = await trackWrites(ids, () => step(run, ctx));
        if (!ids.length) return result;
        const cp = result.checkpoint ?? run.checkpoint;
        return { ...result, checkpoint: { ...cp, armRequestIds: [...new Set([...(cp.armRequestIds ?? []), ...ids])] } };
      } catch (err) {
        if (isAbort(err) || ctx.signal.aborted) throw err;
        if (isTransient(err) && run.attempt + 1 < maxAttempts) throw err;
        const f = describeFailure(err, name);
        return {
          next: 'cleanup',
          checkpoint: {
            ...run.checkpoint,
            ...saved,
            ...(ids.length ? { armRequestIds: [...new Set([...(run.checkpoint.armRequestIds ?? []), ...ids])] } : {}),
            failure: {
              step: name,
              code: f.code,
              message: f.message,
              ...(f.requestId ? { requestId: f.requestId } : {}),
            },
          },
        };
      }
    };

  const times = (cp: RehearsalCheckpoint, patch: Partial<NonNullable<RehearsalCheckpoint['times']>>) => ({
    ...(cp.times ?? { startedAt: iso() }),
    ...patch,
  });

  const ensureIsolatedNetwork: Step = async ({ checkpoint: cp }, ctx) => {
    // The network of the VM's subscription (Azure restores only within the vault's subscription).
    const chosen = await azure.rehearsal.networkFor(options.networks, cp.plan.vm.id, { abortSignal: ctx.signal });
    if (!chosen) {
      throw Object.assign(new Error("No rehearsal network is configured in the VM's subscription."), {
        code: 'RehearsalNetworkMismatch',
      });
    }
    const { addressPrefix, ...where } = chosen;
    // Made once when a prefix is configured and it does not exist yet (unpeered, tagged); then checked like any other.
    const made = addressPrefix
      ? await azure.rehearsal.ensureIsolatedNetwork(
          where,
          { location: cp.plan.region, addressPrefix },
          { abortSignal: ctx.signal },
        )
      : false;
    const net = await azure.rehearsal.checkIsolatedSubnet(where, { abortSignal: ctx.signal });
    const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
    // The approved plan must name this very network: the run never restores anywhere else.
    if (!same(cp.plan.subnet.id, net.id) || !same(cp.plan.targetResourceGroup.name, net.resourceGroup)) {
      throw Object.assign(new Error('The rehearsal plan does not target the isolated rehearsal network.'), {
        code: 'RehearsalNetworkMismatch',
      });
    }
    return {
      next: 'restoreDisks',
      checkpoint: {
        ...cp,
        network: { subnetId: net.id, resourceGroup: net.resourceGroup, ...(made ? { created: true } : {}) },
        times: times(cp, {}),
      },
    };
  };

  const restoreDisks: Step = async (run, ctx) => {
    const cp = run.checkpoint;
    const started = cp.times?.jobFrom ? cp : { ...cp, times: times(cp, { jobFrom: iso() }) };
    if (started !== cp) await ctx.save({ times: started.times });
    const result = await asRestore.restoreDisks({ ...run, checkpoint: started }, ctx);
    return result;
  };

  const followJob: Step = async (run, ctx) => {
    const result = await asRestore.followJob(run, ctx);
    if ('again' in result) return result;
    // The job is done: its disks are this rehearsal's. Tag and record them before anything else can fail.
    const cp = result.checkpoint;
    const disks = await azure.rehearsal.restoredDiskIds(
      cp.outputs!,
      cp.plan.targetResourceGroup.name,
      cp.plan.vm.name,
      {
        abortSignal: ctx.signal,
        targetResourceGroupId: cp.plan.targetResourceGroup.id,
      },
    );
    await azure.rehearsal.tagDisks(disks, ownTags(run.id, cp), { abortSignal: ctx.signal });
    return {
      next: result.next,
      checkpoint: { ...cp, created: merge(cp.created, disks), times: times(cp, { jobTo: iso() }) },
    };
  };

  const putBackKeys: Step = async (run, ctx) => asRestore.putBackKeys(run, ctx);

  const createVm: Step = async (run, ctx) => {
    const cp = run.checkpoint;
    const { plan } = cp;
    const names = rehearsalNames(plan);
    const rg = `/subscriptions/${subscriptionOf(plan.subnet.id)}/resourceGroups/${plan.targetResourceGroup.name}`;
    const vmId = `${rg}/providers/Microsoft.Compute/virtualMachines/${names.vm}`;
    const nicId = `${rg}/providers/Microsoft.Network/networkInterfaces/${names.nic}`;
    // Recorded before they exist: a replica dying mid-create leaves ids the clean-up knows (and checks the tags of).
    const created = merge(cp.created, [vmId, nicId]);
    const at = cp.times?.vmFrom ? cp.times : times(cp, { vmFrom: iso() });
    await ctx.save({ created, times: at });
    const vmName = names.vm;
    const vm = await azure.restore
      .createVm(createVmPlan(cp, names, ownTags(run.id, cp)), {
        abortSignal: ctx.signal,
        pollIntervalMs: Math.min(pollMs, 5000),
      })
      .catch((err: unknown) => {
        // The VM exists but its agent never reported, so the ADE extension could not be pushed: what the checks are
        // for. The VM was made (tagged with the request's create tag); the checks then say what is wrong.
        if ((err as { details?: { code?: string } }).details?.code !== AGENT_DOWN) throw err;
        return { vmId, vmName, path: 'compute' as const, osDiskId: undefined, dataDiskIds: [] as string[] };
      });
    const all = merge(created, [vm.vmId, ...(vm.osDiskId ? [vm.osDiskId] : []), ...vm.dataDiskIds]);
    return {
      next: 'checks',
      checkpoint: {
        ...cp,
        created: all,
        vm: { id: vm.vmId, name: vm.vmName, path: vm.path, osDiskId: vm.osDiskId, dataDiskIds: vm.dataDiskIds },
        times: { ...at, vmTo: iso() },
      },
    };
  };

  const checks: Step = async ({ checkpoint: cp }, ctx) => {
    const at = cp.times?.checksFrom ? cp.times : times(cp, { checksFrom: iso() });
    const health = await azure.rehearsal.getVmHealth(cp.vm!.id, { abortSignal: ctx.signal });
    const wantEncryption = cp.plan.encryption?.pass === 'single';
    const verdict = judge(health, wantEncryption);
    const checked: RehearsalCheckpoint['checks'] = { ...health, verdict: verdict ?? 'passed' };
    if (!verdict) return { next: 'cleanup', checkpoint: { ...cp, checks: checked, times: { ...at, checksTo: iso() } } };
    if (now() - Date.parse(at.checksFrom!) < checkTimeoutMs) {
      return { again: true, delayMs: pollMs, checkpoint: { ...cp, checks: checked, times: at } };
    }
    throw Object.assign(new Error(checkMessage(verdict)), { code: CHECK_FAILED[verdict] });
  };

  const cleanup = cleanupStep({ azure, pollMs, checkTimeoutMs, cleanupAttempts, now });

  const report: Step = async ({ checkpoint: cp }) => {
    const cleanupFailed =
      (cp.cleanup?.left.length ?? 0) > 0 || (!!cp.outputs && !cp.cleanup?.stagingDeleted) || !!cp.cleanup?.jobPending;
    const result = cp.failure ? 'failed' : cleanupFailed ? 'failed' : 'passed';
    const done = { ...cp, result, times: cp.times?.endedAt ? cp.times : times(cp, { endedAt: iso() }) } as const;
    if (result === 'passed') return { next: 'done', checkpoint: done };
    const step = cp.failure?.step ?? 'cleanup';
    const message = cp.failure?.message ?? `Clean-up left ${cp.cleanup?.left.length ?? 0} resource(s) behind.`;
    // Stored as the run's failure (status failed), so the approval and its cards say "failed".
    throw Object.assign(new Error(`The rehearsal failed at ${step}: ${message}`), {
      code: REHEARSAL_FAILED,
      checkpoint: done,
    });
  };

  const reportStep: Step = async (run, ctx) => {
    try {
      return await report(run, ctx);
    } catch (err) {
      const cp = (err as { checkpoint?: RehearsalCheckpoint }).checkpoint;
      if (cp) await ctx.save({ result: cp.result, times: cp.times });
      throw err;
    }
  };

  return {
    kind: REHEARSAL_RUN_KIND,
    firstStep: 'ensureIsolatedNetwork',
    steps: {
      ensureIsolatedNetwork: guarded('ensureIsolatedNetwork', ensureIsolatedNetwork),
      restoreDisks: guarded('restoreDisks', restoreDisks),
      followJob: guarded('followJob', followJob),
      putBackKeys: guarded('putBackKeys', putBackKeys),
      createVm: guarded('createVm', createVm),
      checks: guarded('checks', checks),
      cleanup,
      report: reportStep,
    },
    onChange: options.onChange,
    // Clean-up and the report never wait for an approval: what a rehearsal made is always deleted.
    authorize: async (run) => (['cleanup', 'report'].includes(run.step) ? undefined : options.authorize(run)),
    // A rehearsal is not retried: it has cleaned up; another rehearsal is a new one.
    retryable: () => false,
  };
}

const subscriptionOf = (id: string) => /\/subscriptions\/([^/]+)/i.exec(id)?.[1] ?? '';

/** The first check that does not pass yet, or undefined when all pass. */
function judge(h: RestoredVmHealth, wantEncryption: boolean): 'provisioning' | 'agent' | 'encryption' | undefined {
  if (h.provisioning !== 'succeeded') return 'provisioning';
  if (!h.agentReady) return 'agent';
  if (wantEncryption && h.encryption !== 'encrypted') return 'encryption';
  return undefined;
}

function checkMessage(check: 'provisioning' | 'agent' | 'encryption'): string {
  switch (check) {
    case 'provisioning':
      return 'The restored VM did not finish provisioning.';
    case 'agent':
      return 'VM agent not ready after restore.';
    case 'encryption':
      return 'The ADE extension did not report the disks encrypted.';
  }
}
