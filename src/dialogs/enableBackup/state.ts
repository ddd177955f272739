import type { VmAgentState } from '../../azure';
import type { GrantPlan } from '../grantAccess/plan';
import type { PolicyPick, PolicyShape } from './policy';
import type { VaultPick, VmCheck, VmFacts, VmRef } from './precheck';

/** enable backup's position: what was chosen so far and what Azure answered on the way (names, ids, plain facts). */
export interface EnableState {
  /** VMs named in the command: they skip the VM question (with their facts when the start already read them). */
  requested: (VmRef | VmFacts)[];
  /** Names in the command that matched no VM (said once, on the vault card). */
  unknown: string[];
  region?: string;
  /** The named VMs' subscription (issue 17): only vaults there are offered. */
  subscriptionId?: string;
  /** The vaults the vault question offered, as listed: the answer needs no second list. */
  vaults?: VaultPick[];
  vault?: VaultPick;
  /** The vault's policy names (a new policy may not reuse one). */
  policyNames: string[];
  /** The policies the policy question offered, as listed: the answer needs no policy read. */
  policies?: ({ name: string } & PolicyShape)[];
  policy?: PolicyPick;
  checks: VmCheck[];
  /** The key vault grant offered inline from the pre-check, for the VM `grant.vm`. */
  grant?: GrantPlan;
}

/** One VM's line on the result card, as the enable work goes. */
export interface EnableResult {
  /** The VM's ARM id (issue 17: names its subscription); absent in records from before. */
  id?: string;
  name: string;
  resourceGroup: string;
  status: 'working' | 'enabled' | 'failed';
  agent: VmAgentState;
  jobId?: string;
  /** Catalogue code and facts of a failure (explained in the card's language). */
  failure?: { title: string; resolution: string; keyVault?: string };
}
