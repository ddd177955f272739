import { explain, subscriptionOf, type JobSummary, type VaultSummary } from '../azure';
import type { AdaptiveCardJson } from '../cards/render';
import { t } from '../i18n';
import type { DialogDeps } from './deps';
import { noticeCard } from './flow/cards';
import { choiceList, picked } from './flow/list';
import type { FlowDefinition, FlowRecord, Input, Outcome, Turn } from './flow/types';
import { jobDetailCard, jobsListCard, jobsVaultCard, jobTitle, type JobDetail } from './jobs/cards';
import { bySubscriptionThenName, echo, placeTitle, utc, withSuggestion, words } from './shared';

export interface JobsState {
  vault?: { name: string; resourceGroup: string; subscriptionId?: string };
  failed?: number;
  /** Failed backup job id -> when a later backup of the same VM succeeded (UTC text). */
  superseded?: Record<string, string>;
  detail?: JobDetail;
}

type Rec = FlowRecord<JobsState>;

/** The window of "recent" jobs. */
const RECENT_MS = 7 * 86_400_000;
/** Jobs offered at most (newest first after the failed ones); the list pages by 20. */
const MAX_JOBS = 200;
const RANK: Record<string, number> = { Failed: 0, CompletedWithWarnings: 1, InProgress: 2 };

/** `jobs [vault]`: the vault's recent jobs, failed first, with any job's detail (explained errors, fix) on demand. */
export function jobsFlow(deps: DialogDeps): FlowDefinition<JobsState> {
  return {
    name: 'jobs',
    steps: { vault: ['jobs.vault', 'flow.page'], list: ['jobs.detail', 'flow.page'], detail: ['jobs.back'] },
    render(r, view) {
      const s = r.state;
      if (r.step === 'vault') return jobsVaultCard(view, r.list!);
      if (r.step === 'detail') return jobDetailCard(view, s.vault!, s.detail!);
      return jobsListCard(view, s.vault!, r.list!, s.failed ?? 0);
    },
    act: (verb, input, r, turn) => act(deps, verb, input, r, turn),
  };
}

const vaultChoice = (v: VaultSummary) => ({ value: v.id, title: placeTitle(v) });

export async function startJobs(deps: DialogDeps, turn: Turn, args: string): Promise<AdaptiveCardJson> {
  const l = turn.locale;
  const name = words(args)[0];
  // Grouped by subscription when the bot manages several (issue 17).
  const vaults = [...(await deps.azure.vaults.list())].sort(bySubscriptionThenName);
  if (!vaults.length) return noticeCard(l, { title: t(l, 'jobs.title'), text: t(l, 'jobs.noVaults') });
  const vault = name
    ? vaults.find((v) => v.name.toLowerCase() === name.toLowerCase())
    : vaults.length === 1
      ? vaults[0]
      : undefined;
  if (!vault) {
    const notice = name
      ? { problem: withSuggestion(l, t(l, 'jobs.unknown', { name: echo(name) }), name, vaults) }
      : undefined;
    return deps.runtime.begin(turn, 'jobs', 'vault', {}, choiceList(vaults.map(vaultChoice)), notice);
  }
  const { state, list } = await listed(
    deps,
    { name: vault.name, resourceGroup: vault.resourceGroup, subscriptionId: subscriptionOf(vault.id) },
    turn,
  );
  return deps.runtime.begin(turn, 'jobs', 'list', state, list);
}

async function listed(
  deps: DialogDeps,
  vault: { name: string; resourceGroup: string; subscriptionId?: string },
  turn: Turn,
) {
  const jobs = await deps.azure.jobs.list(vault, { startTime: new Date(Date.now() - RECENT_MS), endTime: new Date() });
  const superseded = supersededFailures(jobs);
  // Standing failures first, then failures a later backup superseded, then the rest; newest first within each.
  const rank = (j: JobSummary) => (superseded[j.id] ? 0.5 : (RANK[j.status] ?? 3));
  const sorted = [...jobs].sort((a, b) => rank(a) - rank(b) || time(b) - time(a)).slice(0, MAX_JOBS);
  const list = choiceList(
    sorted.map((j) => ({
      value: j.id,
      title: jobTitle(turn.locale, { ...j, startTime: utc(j.startTime), superseded: superseded[j.id] }),
    })),
  );
  const failed = jobs.filter((j) => j.status === 'Failed' && !superseded[j.id]).length;
  return { state: { vault, failed, superseded }, list };
}

/** Failed backups of a VM whose later backup (of the same VM, in the same list) completed: id -> when it did. */
export function supersededFailures(jobs: JobSummary[]): Record<string, string> {
  const out: Record<string, string> = {};
  const ok = jobs.filter((j) => j.operation === 'Backup' && /^Completed/.test(j.status));
  for (const f of jobs.filter((j) => j.operation === 'Backup' && j.status === 'Failed')) {
    const later = ok
      .filter((j) => j.vmName.toLowerCase() === f.vmName.toLowerCase() && time(j) > time(f))
      .sort((a, b) => time(a) - time(b))[0];
    if (later) out[f.id] = utc(later.endTime ?? later.startTime);
  }
  return out;
}

const time = (j: JobSummary) => j.startTime?.getTime() ?? 0;

async function act(deps: DialogDeps, verb: string, input: Input, r: Rec, turn: Turn): Promise<Outcome<JobsState>> {
  const l = turn.locale;
  if (verb === 'jobs.vault') {
    const choice = picked(r.list!, input)?.[0];
    const vault = choice && (await deps.azure.vaults.list()).find((v) => v.id === choice.value);
    if (!vault) return { kind: 'reask', problem: t(l, 'flow.notOffered') };
    const { state, list } = await listed(
      deps,
      { name: vault.name, resourceGroup: vault.resourceGroup, subscriptionId: subscriptionOf(vault.id) },
      turn,
    );
    return { kind: 'next', record: { ...r, step: 'list', state, list } };
  }
  if (verb === 'jobs.back')
    return { kind: 'next', record: { ...r, step: 'list', state: { ...r.state, detail: undefined } } };
  // jobs.detail: only a job the list offered.
  const chosen = picked(r.list!, input);
  if (!chosen) return { kind: 'reask', problem: t(l, 'flow.notOffered') };
  const choice = chosen[0];
  if (!choice) return { kind: 'reask', problem: t(l, 'jobs.list.pick') };
  const job = await deps.azure.jobs.get(r.state.vault!, choice.value);
  const detail: JobDetail = {
    id: job.id,
    vmName: job.vmName,
    vmResourceGroup: job.vmResourceGroup,
    operation: job.operation,
    status: job.status,
    startTime: utc(job.startTime),
    endTime: utc(job.endTime),
    duration: job.durationText,
    errors: job.errors,
    superseded: r.state.superseded?.[job.id],
  };
  if (job.status === 'Failed' && !detail.superseded) detail.causeGone = await grantSince(deps, job, r.state.vault!);
  const list = { ...r.list!, selected: [choice.value] };
  return { kind: 'next', record: { ...r, step: 'detail', state: { ...r.state, detail }, list } };
}

/**
 * Whether the key vault access a failed backup lacked has been granted since (so its Grant button would do nothing).
 * Only for a failure the catalogue answers with the grant: the VM (its key vault) and that vault's access, read now.
 */
async function grantSince(deps: DialogDeps, job: JobSummary, vault: { name: string }): Promise<boolean> {
  const fix = job.errors[0] ? explain(job.errors[0], 'en', { vm: job.vmName, vault: vault.name }).fix : undefined;
  if (fix?.kind !== 'grantKeyVaultAccess') return false;
  try {
    const vm = await deps.azure.vms.get(job.vmName);
    const kv = vm.encryption.keyVault;
    if (!kv || vm.encryption.kind === 'none') return false;
    return (await deps.azure.keyVaults.getAccess(kv, vm.encryption.kind)).granted;
  } catch {
    // Unknown: keep offering the fix (the grant flow itself says "already granted" if it is).
    return false;
  }
}
